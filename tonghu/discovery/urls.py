from django.urls import path

from . import views

urlpatterns = [
    path("discovery/", views.DatasetListView.as_view(), name="discovery_datasets"),
    path("discovery/upload/", views.UploadView.as_view(), name="discovery_upload"),
    path("discovery/datasets/<int:pk>/", views.DatasetDetailView.as_view(), name="discovery_dataset"),
    path("discovery/findings/", views.CandidateListView.as_view(), name="discovery_candidates"),
    path("discovery/findings/<int:pk>/", views.CandidateDetailView.as_view(), name="discovery_candidate"),
    path("discovery/findings/<int:pk>/confirm/", views.ConfirmView.as_view(), name="discovery_confirm"),
    path("discovery/findings/<int:pk>/dismiss/", views.DismissView.as_view(), name="discovery_dismiss"),
    path("discovery/findings/<int:pk>/send/", views.SendView.as_view(), name="discovery_send"),
    path("discovery/figures/", views.FiguresView.as_view(), name="discovery_figures"),
    path("discovery/tasks/", views.TaskListView.as_view(), name="discovery_tasks"),
    path("discovery/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="discovery_task"),
    path("discovery/tasks/<int:pk>/verify/", views.VerifyView.as_view(), name="discovery_verify"),
]
