"""Two-factor login (TOTP through django-otp, recovery codes as a static device) for the privileged roles
(issue 10 §10): the system administrator, the county manager, the auditor and province staff enrol at their first
login and give a code at every login. The QR code is drawn here (segno, SVG), never by a remote service.

Enforced whenever ``TONGHU_2FA_REQUIRED`` is on (the default) and ``TONGHU_DEMO_MODE`` is off: the demo's
privileged accounts log in with the password alone, so that the demo stays usable without an authenticator app.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tonghu.core.roles import Role

PRIVILEGED_ROLES = {Role.SYSADMIN, Role.COUNTY_MANAGER, Role.AUDITOR, Role.PROVINCE_STAFF}
RECOVERY_CODES = 10
# Pages a privileged user may reach before the second factor: the two-factor pages themselves, logout, language.
_OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "set_language", "javascript-catalog")


def required(user) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role in PRIVILEGED_ROLES
            and settings.TONGHU_2FA_REQUIRED and not settings.TONGHU_DEMO_MODE)


def qr_svg(text: str) -> str:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=4, xmldecl=False, svgns=True, title=_("两步验证二维码"))
    return buf.getvalue().decode()


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled (unconfirmed): one per user, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)


def enrol_confirm(*, user, device: TOTPDevice) -> list[str]:
    """Confirm the TOTP device (the user gave a valid code) and issue fresh recovery codes, returned once."""
    from tonghu.audit.services import audit_log

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
        codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
        audit_log(actor=user, action="admin", obj=user, summary=_("设置两步验证并生成恢复码"))
    return codes


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a privileged user who has not passed the second factor in this session
    reaches only the two-factor pages (the API answers 403 with the reason)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if required(user) and not user.is_verified():
            match = getattr(request, "resolver_match", None)
            from django.urls import resolve
            from django.urls.exceptions import Resolver404

            try:
                name = (match or resolve(request.path_info)).url_name
            except Resolver404:
                name = None
            if name not in _OPEN_URL_NAMES and not request.path_info.startswith(settings.STATIC_URL):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("您的角色须先完成两步验证（在网页上登录并输入验证码）。")}, status=403)
                target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
                nxt = request.get_full_path()
                url = reverse(target)
                if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) and nxt != "/":
                    from urllib.parse import urlencode

                    url += "?" + urlencode({"next": nxt})
                return redirect(url)
        return self.get_response(request)
