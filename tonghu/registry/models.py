"""Children's files (一人一档). The foundation holds the core of the file; the registry issue completes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedManager


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ChildStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED = "moved", _("已迁出")
    AGED_OUT = "aged_out", _("已满龄")
    DECEASED = "deceased", _("已死亡")
    CLOSED = "closed", _("已结档")


class Child(models.Model):
    """One child, one file. Located by the village (村/社区) that serves them; scoping follows that code."""

    region_field = "village__code"

    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("公民身份号码"), max_length=18, null=True, blank=True, unique=True)
    village = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("档案状态"), max_length=10, choices=ChildStatus.choices, default=ChildStatus.ACTIVE)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建档人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("儿童")
        verbose_name_plural = _("儿童")
        ordering = ["village_id", "name", "id"]
        indexes = [models.Index(fields=["village", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.village_id
