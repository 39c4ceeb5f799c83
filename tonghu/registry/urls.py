from django.urls import include, path

from . import views

urlpatterns = [
    path("children/", views.ChildListView.as_view(), name="child_list"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child_detail"),
    path("", include("tonghu.registry.urls_ledger")),
]
