"""Users: one role, one region, a department where relevant."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedQuerySet

from tonghu.core.roles import ROLE_LEVELS, Department, Role


class UserQuerySet(ScopedQuerySet):
    pass


class TonghuUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who uses tonghu. Sees only their region's subtree, does only what their role allows."""

    region_field = "region__code"

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices, blank=True)
    unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False, editable=False,
                                  help_text=_("由 tonghu demo 建立、使用公开演示密码的账号；正式启动时只要存在就会告警。"))

    objects = TonghuUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role and self.region_id:
            allowed = ROLE_LEVELS.get(self.role, ())
            if self.region.level not in allowed:
                raise ValidationError({"region": _("“%(role)s”须绑定到%(levels)s区域，所选“%(region)s”是%(level)s。") % {
                    "role": self.get_role_display(),
                    "levels": "、".join(str(dict(_level_labels())[lv]) for lv in allowed),
                    "region": self.region.name,
                    "level": self.region.get_level_display(),
                }})
        if self.role == Role.REPORTER and not self.department:
            raise ValidationError({"department": _("部门报告人须填写所属部门。")})

    def save(self, *args, **kwargs):
        """A password change or a deactivation ends every session and revokes every API token of the account
        (issue 10 §9); a password-hash upgrade at login is not a change (Django clears ``_password`` for it)."""
        reason = None
        if self.pk is not None:
            if self._password is not None:
                reason = _("修改密码")
            elif not self.is_active and type(self).objects.filter(pk=self.pk, is_active=True).exists():
                reason = _("账号停用")
        super().save(*args, **kwargs)
        if reason is not None:
            from .services import revoke_all

            revoke_all(user=self, reason=str(reason))

    def has_cap(self, capability: str) -> bool:
        from tonghu.core.capabilities import has_capability

        return has_capability(self, capability)


def _level_labels():
    from tonghu.core.models import Level

    return Level.choices


class ApiToken(models.Model):
    """An API token (``Authorization: Token …``). Only its SHA-256 is stored; it expires ``TONGHU_TOKEN_HOURS``
    after issue and after ``TONGHU_SESSION_IDLE_MINUTES`` without use, like a session, and is revoked by a password
    change, a deactivation and "sign out everywhere" (issue 10 §9)."""

    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))
    ip = models.GenericIPAddressField(_("签发地址"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class UserSession(models.Model):
    """A login session of a user (recorded at login), so that the account page can list them and "sign out
    everywhere" can end them. The session itself lives in Django's session table."""

    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("登录地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    SUPERSEDED = "superseded", _("已被新申请取代")


class RoleRequest(models.Model):
    """A request (by the system administrator) to give an account a role that reads children's data, in a region.
    The account keeps its previous role until a county manager of that region, or staff of a level above, approves
    (issue 10 §10). The request's status follows the append-only :class:`RoleDecision` rows."""

    region_field = "region__code"

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_requests")
    role = models.CharField(_("申请的角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("申请的区域"), on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices, blank=True)
    previous_role = models.CharField(_("原角色"), max_length=20, choices=Role.choices, blank=True)
    requested_by = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色审批申请")
        verbose_name_plural = _("角色审批申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()} ({self.get_status_display()})"


class RoleDecision(models.Model):
    """One decision on a :class:`RoleRequest`: append-only (no update, no delete; on PostgreSQL a trigger refuses
    them too)."""

    request = models.ForeignKey(RoleRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(_("决定"), max_length=12, choices=RequestStatus.choices)
    decided_by = models.ForeignKey(User, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("审批决定")
        verbose_name_plural = _("审批决定")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.get_decision_display()} ({self.decided_by})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审批决定只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审批决定只能追加，不能删除。"))
