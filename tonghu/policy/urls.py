from django.urls import path

from . import views

urlpatterns = [
    path("policy/profiles/", views.ProfileListView.as_view(), name="policy_profile_list"),
    path("policy/profiles/new/", views.ProfileCreateView.as_view(), name="policy_profile_create"),
    path("policy/profiles/<slug:key>/", views.ProfileDetailView.as_view(), name="policy_profile_detail"),
    path("policy/profiles/<slug:key>/new-version/", views.ProfileVersionCreateView.as_view(), name="policy_profile_edit"),
    path("policy/gaps/", views.GapListView.as_view(), name="policy_gap_list"),
    path("policy/gaps/<int:pk>/decide/", views.GapDecideView.as_view(), name="policy_gap_decide"),
    path("policy/children/<int:pk>/refresh/", views.ChildRefreshView.as_view(), name="policy_child_refresh"),
    path("policy/refresh/", views.RegionRefreshView.as_view(), name="policy_region_refresh"),
]
