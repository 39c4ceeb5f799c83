"""The audit trail: append-only, hash-chained with a key, anchored outside the table.

Each entry's ``hash`` is HMAC-SHA256, under ``settings.TONGHU_AUDIT_KEY`` (a key that is not in the database), of
the previous entry's hash and the entry's own canonical content — every column: its number, time, actor, address,
action, object, region, summary and changes. An edited, inserted or deleted row breaks the chain from that point
on, and someone with write access to the database but not the key cannot recompute it (issue 10 §11).
``tonghu audit-checkpoint`` (cron) appends signed checkpoints (entry number, hash, count) to a file outside the
database (``TONGHU_AUDIT_CHECKPOINT_DIR``); ``tonghu audit-verify`` walks the chain from the start, finds the first
broken link, and checks every checkpoint, so removing the last entries and updating the head is detected too. The application never updates or deletes entries (``save`` refuses updates, ``delete`` refuses),
and the auditor's page is read-only. ``AuditHead`` is a one-row table holding the last hash; writers lock it
(``SELECT … FOR UPDATE``) so concurrent processes append in a single order.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedManager

GENESIS = "0" * 64


class Action(models.TextChoices):
    VIEW = "view", _("查看")
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    STATUS = "status", _("状态变更")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    PRINT = "print", _("打印")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    PASSWORD = "password", _("修改密码")
    ADMIN = "admin", _("系统管理")
    DENIED = "denied", _("拒绝访问")


class AuditEntry(models.Model):
    """One entry of the audit trail: who did what to which object, in which region, when; chained to the previous
    entry by its keyed hash (see the module's docstring)."""

    region_field = "region_code"

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("区域代码"), max_length=12, blank=True, db_index=True)
    summary = models.TextField(_("摘要"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def canonical(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "at": self.at.isoformat(timespec="microseconds"),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "ip": self.ip,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "region_code": self.region_code,
                "summary": self.summary,
                "changes": self.changes,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA256 of the previous hash and this entry's canonical content, under the audit key."""
        key = settings.TONGHU_AUDIT_KEY if key is None else key
        return hmac.new(key, (self.prev_hash + self.canonical()).encode("utf-8"), hashlib.sha256).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """The single row holding the chain's last hash; locked by every writer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash


class RefusalCounter(models.Model):
    """How many refused object requests (404) a user made on one URL pattern since the last audit entry for it:
    refusals are audited at most once per user and pattern per minute, and the next entry carries the count of the
    ones in between (``audit.services.audit_refusal``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    route = models.CharField(_("地址模式"), max_length=200)
    window_start = models.DateTimeField(_("本轮开始时间"))
    suppressed = models.PositiveIntegerField(_("未单独记录的次数"), default=0)

    class Meta:
        verbose_name = _("拒绝访问计数")
        verbose_name_plural = _("拒绝访问计数")
        ordering = ["user_id", "route"]
        constraints = [models.UniqueConstraint(fields=["user", "route"], name="audit_refusal_user_route")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.route} +{self.suppressed}"
