from django.urls import path

from . import views

urlpatterns = [
    path("visits/tasks/", views.TaskListView.as_view(), name="visit_tasks"),
    path("visits/new/<int:child>/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/report/", views.VisitReportView.as_view(), name="visit_report"),
    path("visits/photos/<int:pk>/", views.VisitPhotoView.as_view(), name="visit_photo"),
    path("visits/problems/", views.ProblemListView.as_view(), name="problem_list"),
    path("visits/problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("visits/compliance/", views.ComplianceView.as_view(), name="visit_compliance"),
    path("visits/compliance/<str:code>/", views.ComplianceRegionView.as_view(), name="visit_compliance_region"),
    path("visits/census/", views.CampaignListView.as_view(), name="census_list"),
    path("visits/census/new/", views.CampaignCreateView.as_view(), name="census_create"),
    path("visits/census/<int:pk>/", views.CampaignDetailView.as_view(), name="census_detail"),
    path("visits/census/village/<int:pk>/", views.CampaignVillageView.as_view(), name="census_village"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
]
