"""Writes on accounts: API tokens, login sessions, sign-out everywhere, and the maker-checker approval of roles
that read children's data (issue 10 §9, §10). Each is atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log

from .models import ApiToken, RequestStatus, RoleDecision, RoleRequest, User, UserSession
from tonghu.core.roles import Role

# Capabilities that open children's data (files, cases, visits, the audit trail that names them). A role holding
# any of them is given to an account only after approval.
CHILD_DATA_CAPABILITIES = ("registry.view_children", "registry.view_sensitive", "cases.view_case", "cases.review", "visits.view", "audit.view")
APPROVE = "accounts.approve_accounts"


def role_needs_approval(role: str) -> bool:
    from tonghu.core.capabilities import capabilities

    caps = capabilities()
    return any(role in caps[c][0] for c in CHILD_DATA_CAPABILITIES if c in caps)


# --- API tokens ------------------------------------------------------------------------------------------------
def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User, ip: str | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and only its digest is kept."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(key_hash=_digest(key), prefix=key[:8], user=user, ip=ip,
                                    expires_at=timezone.now() + timedelta(hours=settings.TONGHU_TOKEN_HOURS))
    audit_log(actor=user, action="login", obj=user, ip=ip, summary=_("签发接口令牌 %(prefix)s…") % {"prefix": token.prefix})
    return token, key


def token_check(key: str) -> ApiToken | None:
    """The live token for ``key`` (None when unknown, revoked, expired or idle too long); records its use."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(key), revoked_at__isnull=True).first()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    if (token.last_used_at or token.created_at) + idle <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=30):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def active_tokens(user: User):
    now = timezone.now()
    idle_since = now - timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    from django.db.models import Q

    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).filter(
        Q(last_used_at__gt=idle_since) | Q(last_used_at__isnull=True, created_at__gt=idle_since))


# --- sessions ----------------------------------------------------------------------------------------------------
def session_record(*, user: User, session_key: str, ip: str | None, user_agent: str = "") -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user, "ip": ip, "user_agent": user_agent[:200]})


def active_sessions(user: User) -> list[dict]:
    """The user's sessions still alive: login time, address, browser, last activity (the session's expiry less the
    idle timeout, since every request renews it)."""
    rows = list(UserSession.objects.filter(user=user))
    expiry = dict(Session.objects.filter(session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now())
                  .values_list("session_key", "expire_date"))
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return [{"key": r.session_key, "created_at": r.created_at, "ip": r.ip, "user_agent": r.user_agent, "last_seen": expiry[r.session_key] - idle}
            for r in rows if r.session_key in expiry]


def revoke_all(*, user: User, reason: str, actor=None) -> tuple[int, int]:
    """End every session and revoke every token of ``user`` (password change, deactivation, sign out everywhere).
    Returns (sessions ended, tokens revoked)."""
    with transaction.atomic():
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        sessions, _n = Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(user=user).delete()
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_reason=reason)
        if sessions or tokens:
            audit_log(actor=actor or user, action="admin", obj=user, region_code=user.region_id or "",
                      summary=_("结束全部登录会话和接口令牌（%(reason)s）") % {"reason": reason},
                      changes={"sessions": [sessions, 0], "tokens": [tokens, 0]})
    return sessions, tokens


# --- maker-checker for roles that read children's data ------------------------------------------------------------
def user_save(*, actor: User, user: User, before: dict) -> RoleRequest | None:
    """Save a user from the user-management form. A new account, or a change of role or region, that would open
    children's data is not applied: the account keeps its previous role (none for a new one) and a pending
    :class:`RoleRequest` waits for approval. Returns that request, if any."""
    requested = (user.role, user.region_id, user.department)
    changed = not before or (before.get("role"), before.get("region_id")) != (user.role, user.region_id)
    needs = bool(user.role) and role_needs_approval(user.role) and changed
    with transaction.atomic():
        if needs:
            user.role = before.get("role", "") or ""
            if before.get("region_id") and before.get("role"):
                user.region_id = before["region_id"]
        user.save()
        if not needs:
            return None
        RoleRequest.objects.filter(user=user, status=RequestStatus.PENDING).update(status=RequestStatus.SUPERSEDED)
        req = RoleRequest.objects.create(user=user, role=requested[0], region_id=requested[1], department=requested[2],
                                         previous_role=user.role, requested_by=actor)
        audit_log(actor=actor, action="admin", obj=user, region_code=requested[1] or "",
                  summary=_("申请为用户设定角色“%(role)s”，待审批") % {"role": req.get_role_display()})
        return req


def role_decide(*, actor: User, request: RoleRequest, approve: bool, reason: str = "") -> RoleRequest:
    """Approve or reject a pending request. Only a holder of ``accounts.approve_accounts`` whose region contains
    the requested region may decide, never the requester, never the account itself, never a system administrator."""
    from tonghu.core.capabilities import has_capability

    if actor.role == Role.SYSADMIN or not has_capability(actor, APPROVE):
        raise PermissionDenied(_("您的角色不能审批账号。"))
    if actor.pk in (request.requested_by_id, request.user_id):
        raise PermissionDenied(_("不能审批自己提出的申请或自己的账号。"))
    if not RoleRequest.objects.visible_to(actor, APPROVE).filter(pk=request.pk).exists():
        raise PermissionDenied(_("该申请的区域不在您的辖区内。"))
    with transaction.atomic():
        request = RoleRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.PENDING:
            raise ValidationError(_("该申请已处理（%(status)s），不能再次审批。") % {"status": request.get_status_display()})
        decision = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        RoleDecision.objects.create(request=request, decision=decision, decided_by=actor, reason=reason[:200])
        request.status = decision
        request.save(update_fields=["status"])
        user = request.user
        if approve:
            user.role, user.region_id = request.role, request.region_id
            if request.department:
                user.department = request.department
            user.full_clean()
            user.save()
        audit_log(actor=actor, action="admin", obj=user, region_code=request.region_id,
                  summary=(_("批准用户角色“%(role)s”") if approve else _("驳回用户角色申请“%(role)s”")) % {"role": request.get_role_display()},
                  changes={"role": [request.previous_role, request.role]} if approve else {})
    return request
