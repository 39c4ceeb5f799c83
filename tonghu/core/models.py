"""Administrative regions and background jobs: what every other app stands on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import LEVEL_DIGITS, significant_prefix
from .scoping import ScopedManager


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


class UrbanRural(models.TextChoices):
    """城乡分类代码 of the statistics division codes (国家统计局)."""

    MAIN_URBAN = "111", _("主城区")
    URBAN_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    TOWNSHIP_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


class Region(models.Model):
    """One administrative division, keyed by its 12-digit 统计用区划代码.

    The code is a prefix path (DOMAIN.md): a county ``451027000000`` has significant prefix ``451027``, and every
    township and village below it starts with those digits. Scoping is therefore a prefix match on the code
    (``tonghu.core.scoping``), and the code is the primary key so that foreign keys to a region carry it.
    """

    region_field = "code"

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("村/社区"), max_length=10, choices=VillageKind.choices, blank=True)
    urban_rural = models.CharField(_("城乡分类"), max_length=3, choices=UrbanRural.choices, blank=True)
    prefix = models.CharField(_("代码前缀"), max_length=12, editable=False, db_index=True)
    active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.prefix = significant_prefix(self.code, self.level)
        super().save(*args, **kwargs)

    @property
    def is_rural(self) -> bool:
        return self.urban_rural in {"210", "220", "122", "123"}

    def ancestors(self) -> list["Region"]:
        """From the top (province) down to the parent, using the code (one query)."""
        codes = [c.ljust(12, "0") for c in (self.code[:n] for n in LEVEL_DIGITS.values()) if c.ljust(12, "0") != self.code]
        return list(Region.objects.filter(code__in=codes).order_by("code"))

    def path_display(self) -> str:
        return " / ".join([r.name for r in self.ancestors()] + [self.name])

    def contains(self, code: str | None) -> bool:
        return bool(code) and code.startswith(self.prefix)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A long piece of work (import, linkage, report) run by the background worker.

    The job record is what pages show: status, progress (done of total), a message, per-row errors and a result.
    The django-tasks result id links it to the queue entry. See ``tonghu.core.jobs``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=50)
    label = models.CharField(_("说明"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="jobs")
    region = models.ForeignKey(Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.TextField(_("进度说明"), blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    output_file = models.FileField(_("输出文件"), upload_to="jobs/out/%Y/%m/", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class IdempotencyKey(models.Model):
    """A create that already happened: the client's token (a UUID the form or app made before the first attempt)
    and what it created. A repeat with the same token returns that object instead of creating another one (a lost
    response, a resent draft, a replayed offline submission). See ``tonghu.core.idempotency``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(_("提交编号"))
    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("记录类型"), on_delete=models.CASCADE)
    object_id = models.CharField(_("记录编号"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重复提交保护")
        verbose_name_plural = _("重复提交保护")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.content_type.app_label}.{self.content_type.model}#{self.object_id}"


class Notification(models.Model):
    """An in-app notification for one user; ``tonghu.core.notify.notify()`` creates it and a background job sends it
    through the configured channels (console, e-mail; SMS or WeChat later).

    The text is stored language-neutral: ``title_msg`` / ``body_msg`` hold a message id (the Chinese source string)
    and its parameters (``tonghu.core.texts``), rendered in the reader's language when the list is shown or the
    e-mail is sent. ``title`` / ``body`` keep the text in the source language (for rows written before, and for
    callers that pass plain text)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    title_msg = models.JSONField(_("标题（消息编号与参数）"), null=True, blank=True)
    body_msg = models.JSONField(_("内容（消息编号与参数）"), null=True, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    channels = models.JSONField(_("发送渠道"), default=dict, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_user_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def title_text(self) -> str:
        """The title in the active language."""
        from .texts import Msg

        return Msg.from_json(self.title_msg).render() if self.title_msg else self.title

    @property
    def body_text(self) -> str:
        """The body in the active language."""
        from .texts import Msg

        return Msg.from_json(self.body_msg).render() if self.body_msg else self.body
