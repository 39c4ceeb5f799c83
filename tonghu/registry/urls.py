from django.urls import path

from . import views

urlpatterns = [
    path("children/", views.ChildListView.as_view(), name="child_list"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child_detail"),
]
