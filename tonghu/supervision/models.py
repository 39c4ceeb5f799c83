"""Monthly snapshots of the unified figures per region (every level), so that a closed month's figures — and the
reports built on them — never change when today's data does (issue 13 §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tonghu.core.scoping import ScopedManager


class FigureSnapshot(models.Model):
    """The additive counts (measures of ``tonghu.core.indicators``) of one region for one month. The rates are
    computed from the counts when read, with the definitions of the day. ``frozen``: the month is closed and
    the row is never written again; the current month's row is provisional (rewritten by each run)."""

    region_field = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))
    counts = models.JSONField(_("计数"), default=dict)
    frozen = models.BooleanField(_("已封存"), default=False)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("月度统计快照")
        verbose_name_plural = _("月度统计快照")
        ordering = ["region_id", "month"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="supervision_snapshot_region_month")]
        indexes = [models.Index(fields=["month", "region"], name="supervision_snap_month_region")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"

    def audit_region_code(self) -> str:
        return self.region_id
