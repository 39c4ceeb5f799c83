"""Login, password change, and the system administrator's user management (within their region)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.contrib.auth import logout
from django.views import View
from django.views.generic import FormView, TemplateView

from tonghu.audit.services import audit_log, diff
from tonghu.core.views import CapabilityMixin, ScopedListView

from tonghu.core.middleware import client_ip

from . import services
from .forms import UserForm
from .models import RoleRequest, User

AUDITED_FIELDS = ["username", "full_name", "role", "region_id", "department", "unit", "phone", "is_active"]


class LoginView(auth_views.LoginView):
    unscoped_reason = "the login page: nobody is logged in yet"
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(CapabilityMixin, auth_views.PasswordChangeView):
    scope_note = "the logged-in user's own account"
    capability_optional = True
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # the save ends every session and token; this one goes on under a new key
        audit_log(actor=self.request.user, action="password", obj=self.request.user, summary=_("用户修改了自己的密码"))
        services.session_record(user=self.request.user, session_key=self.request.session.session_key, ip=client_ip(self.request),
                                user_agent=self.request.META.get("HTTP_USER_AGENT", ""))
        return response


class AccountView(CapabilityMixin, TemplateView):
    """The user's own account: their login sessions and API tokens still alive, and "sign out everywhere"."""
    scope_note = "the logged-in user's own account"

    capability_optional = True
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["sessions"] = services.active_sessions(user)
        ctx["current_key"] = self.request.session.session_key
        ctx["tokens"] = list(services.active_tokens(user))
        from django_otp import user_has_device

        from . import two_factor

        ctx["two_factor_url"] = reverse("two_factor_setup")
        ctx["two_factor_enrolled"] = user_has_device(user)
        ctx["two_factor_required"] = user.role in two_factor.PRIVILEGED_ROLES
        return ctx


class SignOutEverywhereView(CapabilityMixin, View):
    """POST: end every session (this one too) and revoke every API token of the user."""
    scope_note = "the logged-in user's own account"

    capability_optional = True
    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        sessions, tokens = services.revoke_all(user=user, reason=_("在所有设备上退出"))
        logout(request)
        messages.success(request, _("已在所有设备上退出：结束 %(sessions)d 个登录会话，撤销 %(tokens)d 个接口令牌。") % {"sessions": sessions, "tokens": tokens})
        return redirect("login")


class PasswordChangeDoneView(CapabilityMixin, auth_views.PasswordChangeDoneView):
    scope_note = "the logged-in user's own account"
    capability_optional = True
    template_name = "accounts/password_change_done.html"


class UserListView(ScopedListView):
    model = User
    capability = "accounts.manage_users"
    template_name = "accounts/user_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("region").prefetch_related("role_requests")
        q = self.request.GET.get("q", "").strip()
        if q:
            from django.db.models import Q

            qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
        role = self.request.GET.get("role")
        if role:
            qs = qs.filter(role=role)
        return qs


class UserEditView(CapabilityMixin, FormView):
    capability = "accounts.manage_users"
    deny_with_404 = True
    template_name = "accounts/user_form.html"
    form_class = UserForm

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(User.objects.visible_to(self.request.user, self.capability), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.object = self.get_object()
        # Snapshot before the form binds: ModelForm validation writes the submitted values onto the instance.
        self.before = {f: getattr(self.object, f) for f in AUDITED_FIELDS} if self.object else {}
        kwargs["instance"] = self.object
        kwargs["manager"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        return ctx

    def form_valid(self, form):
        before = self.before
        with transaction.atomic():
            request = services.user_save(actor=self.request.user, user=form.save(commit=False), before=before)
            user = form.instance
            after = {f: getattr(user, f) for f in AUDITED_FIELDS}
            changes = diff(before, after)
            if form.cleaned_data.get("password"):
                changes["password"] = ["***", "***"]
            audit_log(actor=self.request.user, action="admin", obj=user, region_code=user.region_id or "",
                      summary=_("新建用户") if not before else _("修改用户"), changes=changes)
        messages.success(self.request, _("已保存用户“%(name)s”。") % {"name": user})
        if request is not None:
            messages.warning(self.request, _("角色“%(role)s”（%(region)s）可查看儿童信息，须经该区域的县级民政负责人或上级民政工作人员审批后才生效；"
                                             "在此之前该账号保持原角色。") % {"role": request.get_role_display(), "region": request.region.name})
        return redirect("user_list")


class ApprovalListView(ScopedListView):
    """Role requests in the approver's region: pending first, then the decided ones with their decisions."""

    model = RoleRequest
    capability = services.APPROVE
    template_name = "accounts/approval_list.html"

    def get_queryset(self):
        from django.db.models import Case, IntegerField, Value, When

        return (super().get_queryset().select_related("user", "region", "requested_by").prefetch_related("decisions__decided_by")
                .annotate(pending_first=Case(When(status="pending", then=Value(0)), default=Value(1), output_field=IntegerField()))
                .order_by("pending_first", "-requested_at", "-id"))


class ApprovalDecideView(CapabilityMixin, View):
    """POST ``decision=approve|reject`` (and an optional ``reason``) on one request in the approver's region."""

    capability = services.APPROVE
    deny_with_404 = True
    http_method_names = ["post"]

    def post(self, request, pk):
        req = get_object_or_404(RoleRequest.objects.visible_to(request.user, self.capability), pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            messages.error(request, _("请选择“批准”或“驳回”。"))
            return redirect("approval_list")
        try:
            services.role_decide(actor=request.user, request=req, approve=decision == "approve", reason=request.POST.get("reason", ""))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _("未能处理用户“%(name)s”的申请：%(reason)s") % {"name": req.user, "reason": " ".join(getattr(exc, "messages", None) or [str(exc)])})
            return redirect("approval_list")
        messages.success(request, (_("已批准用户“%(name)s”的角色“%(role)s”。") if decision == "approve" else _("已驳回用户“%(name)s”的角色申请“%(role)s”。"))
                         % {"name": req.user, "role": req.get_role_display()})
        return redirect("approval_list")


class UserCreateView(UserEditView):
    deny_with_404 = False


class TwoFactorSetupView(CapabilityMixin, TemplateView):
    """Enrol an authenticator app: a QR code drawn locally and the secret in words; a valid code confirms it and
    shows ten recovery codes once. A user who already has a device must pass it first (else a stolen password
    would be enough to enrol a new one)."""
    scope_note = "the logged-in user's own account"

    capability_optional = True
    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        from django_otp import user_has_device

        if request.user.is_authenticated and user_has_device(request.user) and not request.user.is_verified():
            return redirect("two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from base64 import b32encode

        from . import two_factor

        ctx = super().get_context_data(**kwargs)
        device = two_factor.pending_totp(self.request.user)
        ctx["qr_svg"] = two_factor.qr_svg(device.config_url)
        secret = b32encode(device.bin_key).decode()
        ctx["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        ctx["required"] = two_factor.required(self.request.user)
        return ctx

    def post(self, request):
        import django_otp

        from . import two_factor

        device = two_factor.pending_totp(request.user)
        code = request.POST.get("code", "").replace(" ", "")
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return self.render_to_response(self.get_context_data(error=_("验证码错误次数过多，请稍等几秒后再输入。")))
        if not (code.isdigit() and device.verify_token(code)):
            ctx = self.get_context_data(error=_("验证码不正确或已过期：请输入身份验证器当前显示的 6 位数字。"))
            return self.render_to_response(ctx)
        codes = two_factor.enrol_confirm(user=request.user, device=device)
        django_otp.login(request, device)
        return self.response_class(request=request, template=["accounts/two_factor_codes.html"],
                                   context={"codes": codes, "next": _safe_next(request)}, using=self.template_engine)


class TwoFactorVerifyView(CapabilityMixin, TemplateView):
    """The second step of every login of a privileged role: a code from the authenticator app, or a recovery code
    (each works once)."""
    scope_note = "the logged-in user's own account"

    capability_optional = True
    template_name = "accounts/two_factor_verify.html"

    def get(self, request, *args, **kwargs):
        from django_otp import user_has_device

        if not user_has_device(request.user):
            return redirect("two_factor_setup")
        return super().get(request, *args, **kwargs)

    def post(self, request):
        import django_otp

        code = request.POST.get("code", "").strip().replace(" ", "")
        device = django_otp.match_token(request.user, code) if code else None
        if device is None:
            audit_log(actor=request.user, action="login_failed", obj=request.user, ip=client_ip(request), summary=_("两步验证码错误"))
            return self.render_to_response(self.get_context_data(error=_("验证码不正确、已过期或已用过：请输入身份验证器当前显示的 6 位数字，或一个未用过的恢复码。")))
        django_otp.login(request, device)
        audit_log(actor=request.user, action="login", obj=request.user, ip=client_ip(request), summary=_("通过两步验证"))
        return redirect(_safe_next(request))


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else reverse("home")


class LogoutView(auth_views.LogoutView):
    """Logging out also wipes what the browser keeps for this site (the offline app's encrypted copy of the village's
    data and its cached pages: ``Clear-Site-Data``, docs/offline.md); the offline key is replaced on the server."""

    unscoped_reason = "logging out: ends the session, shows no data"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
