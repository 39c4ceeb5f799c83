"""Overdue deadlines escalate one level at a time (the daily run)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.accounts.selectors import responsible_users
from tonghu.core.roles import COUNTY_STAFF
from tonghu.audit.services import audit_log

from ..models import (
    Deadline,
    ReportStatus,
)
from ..rules import rules_for_region
from .common import _event, _now, notify


# ------------------------------------------------------------------------------------------ escalation


def escalate_overdue(*, now=None) -> int:
    """Escalate every open deadline that is late: level 1 at the due time, then one level up per repeat interval.

    Idempotent: running it twice in a row escalates nothing new. Returns the number of escalations made."""
    now = now or _now()
    count = 0
    late = Deadline.objects.filter(done_at__isnull=True, due_at__lt=now).exclude(report__status__in=[ReportStatus.CLOSED, ReportStatus.NOT_ACCEPTED])
    for d in late.select_related("report"):
        rules = rules_for_region(d.report.region_id)
        levels = rules.escalation_levels
        overdue = now - d.due_at
        target = min(len(levels), 1 + int(overdue / rules.escalation_repeat))
        while d.escalation_level < target:
            with transaction.atomic():
                level_role = levels[d.escalation_level]
                d.escalation_level += 1
                d.escalated_at = now
                d.save(update_fields=["escalation_level", "escalated_at"])
                text = _("逾期上报（第%(n)d级）：报告 %(number)s 的“%(kind)s”（%(dept)s）已超过时限 %(due)s。") % {
                    "n": d.escalation_level, "number": d.report.number, "kind": d.get_kind_display(), "dept": d.get_department_display(),
                    "due": timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M")}
                _event(d.report, None, "escalated", text, at=now)
                url = reverse("report_received", kwargs={"pk": d.report_id}) if level_role in COUNTY_STAFF else reverse("case_figures")
                for user in responsible_users(d.report.region_id, level_role):
                    notify(user, text, url)
                audit_log(actor="system", action="update", obj=d.report, summary="逾期上报",
                          changes={"deadline": d.kind, "department": d.department, "escalation_level": [d.escalation_level - 1, d.escalation_level]})
                count += 1
    return count
