"""Partner systems (the 12345 hotline first; charity and volunteer platforms, school systems next): their credentials,
every signed call they make, the reports they filed by their own ticket number, and the webhooks sent back to them
(issue 17 item 2; docs/exchange.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.crypto import EncryptedCharField
from tonghu.core.scoping import ScopedManager


class PartnerKind(models.TextChoices):
    HOTLINE = "hotline", _("12345/未成年人保护热线")
    CHARITY = "charity", _("慈善信息平台")
    VOLUNTEER = "volunteer", _("志愿服务平台")
    SCHOOL = "school", _("学校信息系统")


class Scope(models.TextChoices):
    REPORTS_CREATE = "reports.create", _("提交强制报告")
    REPORTS_READ = "reports.read", _("查询所报报告的受理情况和处理结果")


class PartnerSystem(models.Model):
    """A system allowed to call tonghu's partner interface. It acts through its own system account (``account``),
    placed at the region it serves, so every rule of scope applies to it as to a person."""

    region_field = "account__region__code"

    name = models.CharField(_("系统名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PartnerKind.choices)
    client_id = models.CharField(_("客户端编号"), max_length=40, unique=True)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("系统账号"), on_delete=models.PROTECT, related_name="partner_system")
    scopes = models.JSONField(_("权限范围"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限"), default=60)
    webhook_url = models.URLField(_("回调地址"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("对接系统")
        verbose_name_plural = _("对接系统")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PartnerCredential(models.Model):
    """A signing key of a partner (HMAC-SHA256). Rotation issues a new one; the old one keeps working until it
    expires, so the partner can switch without a gap."""

    partner = models.ForeignKey(PartnerSystem, verbose_name=_("对接系统"), on_delete=models.CASCADE, related_name="credentials")
    key_id = models.CharField(_("密钥编号"), max_length=40, unique=True)
    secret = EncryptedCharField(_("密钥"), max_length=200)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("对接密钥")
        verbose_name_plural = _("对接密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} {self.key_id}"


class PartnerCall(models.Model):
    """One signed call (accepted or refused): the nonce that makes a replay fail, the rate count, the trail."""

    region_field = "partner__account__region__code"

    partner = models.ForeignKey(PartnerSystem, verbose_name=_("对接系统"), on_delete=models.CASCADE, related_name="calls")
    nonce = models.CharField(_("随机串"), max_length=64)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("地址"), max_length=200)
    status = models.PositiveSmallIntegerField(_("应答状态"), default=200)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("对接调用")
        verbose_name_plural = _("对接调用")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "nonce"], name="exchange_call_nonce_once")]

    def __str__(self) -> str:
        return f"{self.partner} {self.method} {self.path} {self.status}"


class InboundTicket(models.Model):
    """A report a partner filed, by the partner's own ticket number: the same ticket never files twice."""

    region_field = "report__region__code"

    partner = models.ForeignKey(PartnerSystem, verbose_name=_("对接系统"), on_delete=models.PROTECT, related_name="tickets")
    ticket = models.CharField(_("对方工单号"), max_length=60)
    report = models.OneToOneField("cases.Report", verbose_name=_("强制报告"), on_delete=models.PROTECT, related_name="partner_ticket")
    notified_status = models.CharField(_("已通知的状态"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("对方工单")
        verbose_name_plural = _("对方工单")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "ticket"], name="exchange_ticket_once")]

    def __str__(self) -> str:
        return f"{self.partner} {self.ticket}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("多次失败，已停止")


class WebhookDelivery(models.Model):
    """One status change told to a partner: signed, retried with growing pauses, every attempt kept."""

    region_field = "partner__account__region__code"

    partner = models.ForeignKey(PartnerSystem, verbose_name=_("对接系统"), on_delete=models.CASCADE, related_name="deliveries")
    ticket = models.ForeignKey(InboundTicket, verbose_name=_("对方工单"), on_delete=models.CASCADE, related_name="deliveries", null=True)
    event = models.CharField(_("事件"), max_length=40)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("对方应答"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("回调记录")
        verbose_name_plural = _("回调记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} {self.event} {self.status}"
