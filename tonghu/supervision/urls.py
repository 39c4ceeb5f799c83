from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.DashboardView.as_view(), name="supervision_dashboard"),
    path("supervision/area/<str:code>/", views.DashboardView.as_view(), name="supervision_area"),
    path("supervision/area/<str:code>/export/", views.ExportView.as_view(), name="supervision_export"),
    path("supervision/indicators/", views.IndicatorListView.as_view(), name="supervision_indicators"),
    path("supervision/overdue/", views.OverdueListView.as_view(), name="supervision_overdue"),
    path("supervision/overdue/<int:pk>/remind/", views.RemindView.as_view(), name="supervision_remind"),
]
