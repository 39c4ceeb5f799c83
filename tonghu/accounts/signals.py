"""Every login, failed login and logout goes to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tonghu.audit.services import audit_log
from tonghu.core.middleware import client_ip
from tonghu.core.texts import msg


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_log(actor=user, action="login", obj=user, ip=client_ip(request) if request else None, summary=msg("登录成功"))
    session = getattr(request, "session", None)
    if session is not None:
        if not session.session_key:
            session.save()
        from .services import session_record

        session_record(user=user, session_key=session.session_key, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    audit_log(actor=username, action="login_failed", object_type="accounts.user", object_repr=username, ip=client_ip(request) if request else None, summary=msg("登录失败"))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="logout", obj=user, ip=client_ip(request) if request else None, summary=msg("退出登录"))
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            from .models import UserSession

            UserSession.objects.filter(session_key=session.session_key).delete()
