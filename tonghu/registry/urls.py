from django.urls import include, path

from . import views

urlpatterns = [
    path("children/", views.ChildListView.as_view(), name="child_list"),
    path("children/new/", views.ChildCreateView.as_view(), name="child_create"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child_detail"),
    path("children/<int:pk>/edit/", views.ChildEditView.as_view(), name="child_edit"),
    path("children/<int:pk>/status/", views.ChildStatusView.as_view(), name="child_status"),
    path("children/<int:pk>/transfer/", views.ChildTransferView.as_view(), name="child_transfer"),
    path("children/<int:pk>/household/", views.JoinHouseholdView.as_view(), name="child_join_household"),
    path("children/<int:pk>/household/split/", views.LeaveHouseholdView.as_view(), name="child_leave_household"),
    path("children/<int:pk>/guardians/new/", views.GuardianCreateView.as_view(), name="guardian_create"),
    path("children/<int:pk>/guardians/<int:gpk>/edit/", views.GuardianEditView.as_view(), name="guardian_edit"),
    path("children/<int:pk>/guardians/<int:gpk>/restrictions/new/", views.RestrictionCreateView.as_view(), name="restriction_create"),
    path("children/<int:pk>/problems/new/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("children/<int:pk>/care/new/", views.CareCreateView.as_view(), name="care_create"),
    path("children/<int:pk>/care/<int:cpk>/edit/", views.CareEditView.as_view(), name="care_edit"),
    path("children/<int:pk>/departures/new/", views.DepartureCreateView.as_view(), name="departure_create"),
    path("children/<int:pk>/assistance/new/", views.AssistanceCreateView.as_view(), name="assistance_create"),
    path("children/<int:pk>/assistance/<int:apk>/edit/", views.AssistanceEditView.as_view(), name="assistance_edit"),
    path("children/<int:pk>/attachments/new/", views.AttachmentCreateView.as_view(), name="attachment_create"),
    path("children/<int:pk>/attachments/<int:apk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("children/<int:pk>/attachments/<int:apk>/withdraw/", views.AttachmentWithdrawView.as_view(), name="attachment_withdraw"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("registry/overview/", views.RegistryOverviewView.as_view(), name="registry_overview"),
    path("registry/township/<str:code>/", views.TownshipLedgerView.as_view(), name="township_ledger"),
    path("", include("tonghu.registry.urls_ledger")),
]
