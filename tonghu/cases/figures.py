"""Figures on reports and cases (counts only, no names): by situation, region and status; time to acceptance and
to closure; overdue steps. One function so the page, tests and any export agree."""

from __future__ import annotations

import statistics
from collections import Counter

from django.utils import timezone

from tonghu.core.roles import Department
from tonghu.core.models import Region
from tonghu.core.regions import LEVEL_DIGITS, LEVEL_ORDER

from .models import Case, CaseStatus, Deadline, DeadlineKind, Report, ReportStatus, Situation


def _child_level_digits(user) -> int:
    level = user.region.level if user.region_id else "province"
    index = LEVEL_ORDER.index(level)
    return LEVEL_DIGITS[LEVEL_ORDER[min(index + 1, len(LEVEL_ORDER) - 1)]]


def _hours(delta) -> float:
    return delta.total_seconds() / 3600


def _summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "mean": None, "median": None, "max": None}
    return {"n": len(values), "mean": round(statistics.fmean(values), 1), "median": round(statistics.median(values), 1), "max": round(max(values), 1)}


def figures_for(user, capability: str = "cases.view_figures", now=None) -> dict:
    now = now or timezone.now()
    reports = Report.objects.visible_to(user, capability)
    cases = Case.objects.visible_to(user, capability)
    deadlines = Deadline.objects.visible_to(user, capability)

    digits = _child_level_digits(user)
    report_rows = list(reports.values_list("situation", "status", "region_id", "submitted_at", "accepted_at", "immediate_danger"))
    case_rows = list(cases.values_list("status", "risk_level", "accepted_at", "closed_at"))

    by_situation = Counter(r[0] for r in report_rows)
    by_status = Counter(r[1] for r in report_rows)
    by_area_codes = Counter(r[2][:digits].ljust(12, "0") for r in report_rows)
    names = dict(Region.objects.filter(code__in=list(by_area_codes)).values_list("code", "name"))

    to_accept = [_hours(r[4] - r[3]) for r in report_rows if r[4]]
    to_accept_urgent = [_hours(r[4] - r[3]) for r in report_rows if r[4] and r[5]]
    to_close = [_hours(c[3] - c[2]) / 24 for c in case_rows if c[3]]

    # Steps of reports that are closed or not accepted are no longer actionable: not counted as overdue.
    open_overdue = list(deadlines.filter(done_at__isnull=True, due_at__lt=now).exclude(report__status__in=["closed", "not_accepted"]).values_list("kind", "department"))
    late_done = deadlines.filter(done_at__isnull=False).values_list("done_at", "due_at")
    done_late = sum(1 for done, due in late_done if done > due)

    return {
        "reports_total": len(report_rows),
        "cases_total": len(case_rows),
        "by_situation": [(str(label), by_situation.get(code, 0)) for code, label in Situation.choices],
        "report_status": [(str(label), by_status.get(code, 0)) for code, label in ReportStatus.choices],
        "case_status": [(str(label), Counter(c[0] for c in case_rows).get(code, 0)) for code, label in CaseStatus.choices],
        "risk_levels": Counter(c[1] or "—" for c in case_rows),
        "by_area": sorted(((names.get(code, code), n) for code, n in by_area_codes.items()), key=lambda x: (-x[1], x[0])),
        "hours_to_accept": _summary(to_accept),
        "hours_to_accept_urgent": _summary(to_accept_urgent),
        "days_to_close": _summary(to_close),
        "overdue_open": len(open_overdue),
        "overdue_by_kind": sorted(Counter((str(DeadlineKind(k).label), str(Department(d).label)) for k, d in open_overdue).items()),
        "done_late": done_late,
    }
