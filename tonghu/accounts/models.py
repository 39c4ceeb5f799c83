"""Users: one role, one region, a department where relevant."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedQuerySet

from .roles import ROLE_LEVELS, Department, Role


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

    def has_cap(self, capability: str) -> bool:
        from tonghu.core.capabilities import has_capability

        return has_capability(self, capability)


def _level_labels():
    from tonghu.core.models import Level

    return Level.choices
