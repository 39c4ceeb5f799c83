"""URL conf. Each app owns its URLs; every URL is declared with its access rule in the app's access.py."""

from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog, set_language

from tonghu.accounts import views as account_views
from tonghu.audit.views import AuditExportView, AuditListView
from tonghu.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own; the pages link the SVG and ICO in static/tonghu (issue 18 §9).
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("tonghu/favicon.ico"), permanent=True)), name="favicon"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/catalog.js", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("accounts/login/", login_not_required(account_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", account_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("account/two-factor/", account_views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("account/two-factor/verify/", account_views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("account/signout-all/", account_views.SignOutEverywhereView.as_view(), name="account_signout_all"),
    path("users/", account_views.UserListView.as_view(), name="user_list"),
    path("users/new/", account_views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", account_views.UserEditView.as_view(), name="user_edit"),
    path("users/approvals/", account_views.ApprovalListView.as_view(), name="approval_list"),
    path("users/approvals/<int:pk>/", account_views.ApprovalDecideView.as_view(), name="approval_decide"),
    path("regions/", core_views.RegionListView.as_view(), name="region_list"),
    path("regions/import/", core_views.RegionImportView.as_view(), name="region_import"),
    path("regions/<str:code>/", core_views.RegionDetailView.as_view(), name="region_detail"),
    path("jobs/", core_views.JobListView.as_view(), name="job_list"),
    path("jobs/<uuid:pk>/", core_views.JobDetailView.as_view(), name="job_detail"),
    path("audit/", AuditListView.as_view(), name="audit_list"),
    path("audit/export.csv", AuditExportView.as_view(), name="audit_export"),
    # Domain apps own their URLs (tonghu/<app>/urls.py); each URL is declared in the app's access.py.
    path("", include("tonghu.registry.urls")),
    path("", include("tonghu.policy.urls")),
    path("", include("tonghu.visits.urls")),
    path("", include("tonghu.cases.urls")),
    path("", include("tonghu.discovery.urls")),
    path("", include("tonghu.exchange.urls")),
    path("", include("tonghu.supervision.urls")),
    path("", include("tonghu.sync.urls")),
    path("", include("tonghu.workforce.urls")),
    path("api/", include("tonghu.api.urls")),
]

handler403 = "tonghu.core.views.forbidden"
handler404 = "tonghu.core.views.not_found"
