"""What the offline web app needs on the server: the key that protects a user's data on the phone, and the ledger of
what each phone sent (docs/offline.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.crypto import EncryptedCharField
from tonghu.core.scoping import ScopedManager


class OfflineKey(models.Model):
    """The AES-GCM key under which the user's phone keeps its copy of the village's data (IndexedDB). Released only to
    the logged-in user; replaced at every logout, so a phone's copy left behind can no longer be opened once the
    server has rotated the key (the PIN on the phone protects it until then)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="offline_key")
    key = EncryptedCharField(_("密钥"), max_length=200)
    generation = models.PositiveIntegerField(_("第几代"), default=1)
    created_at = models.DateTimeField(_("生成时间"), auto_now=True)

    class Meta:
        verbose_name = _("离线数据密钥")
        verbose_name_plural = _("离线数据密钥")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user} #{self.generation}"


class ItemStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已接收")
    DUPLICATE = "duplicate", _("重复（此前已接收）")
    CONFLICT = "conflict", _("冲突，待确认")
    REFUSED = "refused", _("未接收")
    DISCARDED = "discarded", _("已放弃（以服务器为准）")


class SyncItem(models.Model):
    """One item a phone sent (a contact, a home visit, a census confirmation, a change of a guardian's phone…), by
    the UUID the phone gave it: the answer to every later resend of the same item."""

    region_field = "village__code"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+")
    uuid = models.UUIDField(_("离线记录编号"))
    kind = models.CharField(_("类型"), max_length=30)
    village = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+", null=True)
    child_id_sent = models.IntegerField(_("儿童序号"), null=True, blank=True)
    status = models.CharField(_("结果"), max_length=10, choices=ItemStatus.choices)
    message = models.TextField(_("说明"), blank=True)
    object_type = models.CharField(_("记录类型"), max_length=60, blank=True)
    object_id = models.CharField(_("记录序号"), max_length=40, blank=True)
    recorded_offline_at = models.DateTimeField(_("离线记录时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("离线同步记录")
        verbose_name_plural = _("离线同步记录")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "uuid"], name="sync_item_once_per_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid} {self.status}"
