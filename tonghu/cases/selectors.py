"""Scoped reads of reports and cases. Case details are stricter than the child's file (R-N1):

* county civil-affairs staff (``cases.handle``) see every case of their county — they are the case team by office;
* the procuratorate reviewer (``cases.review``) sees every case in their region (每案必查);
* anyone else holding ``cases.view_case`` (police, other departments, a village's child director …) sees a case
  only when explicitly added to its team — and still only inside their region.

Every opening of a case or a received report is audited here, so pages and API log it alike.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from tonghu.core.roles import COUNTY_STAFF, Department
from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability

from .models import Case, Report


def receiving_department(user) -> str | None:
    """The department a user receives routed reports for: civil affairs for county staff, else their own."""
    if user.role in COUNTY_STAFF:
        return Department.CIVIL_AFFAIRS
    return user.department or None


def cases_visible(user, capability: str = "cases.view_case"):
    base = Case.objects.visible_to(user, capability)
    if has_capability(user, "cases.handle") or has_capability(user, "cases.review"):
        return base
    return base.filter(memberships__user=user)


def is_case_team(user, case) -> bool:
    """The case team: county staff of the case's county and explicitly added members (not the reviewer)."""
    if has_capability(user, "cases.handle") and Case.objects.visible_to(user, "cases.handle").filter(pk=case.pk).exists():
        return True
    return case.memberships.filter(user=user).exists() and Case.objects.visible_to(user, "cases.view_case").filter(pk=case.pk).exists()


def case_open(*, fetched_by, pk, capability: str = "cases.view_case") -> Case:
    case = get_object_or_404(cases_visible(fetched_by, capability).select_related("report", "child", "region"), pk=pk)
    audit_log(actor=fetched_by, action="view", obj=case, summary="查看个案")
    return case


def reports_received(user):
    """Reports routed to the user's department inside their region (the receiving inbox)."""
    qs = Report.objects.visible_to(user, "cases.receive")
    dept = receiving_department(user)
    if dept is None:
        return qs.none()
    return qs.filter(deadlines__kind="accept", deadlines__department=dept).distinct()


def report_received_open(*, fetched_by, pk) -> Report:
    report = get_object_or_404(reports_received(fetched_by).select_related("child", "region"), pk=pk)
    audit_log(actor=fetched_by, action="view", obj=report, summary="查看收到的强制报告")
    return report


def reports_filed(user):
    """A reporter's own reports (status and plain-words outcome only)."""
    return Report.objects.visible_to(user, "cases.report").filter(reporter=user)


def may_see_reporter(user, report) -> bool:
    """The reporter's identity is confidential to the case team (R-F2)."""
    case = getattr(report, "case", None) if report.status != "submitted" else None
    if case is None:
        # Before acceptance: civil-affairs receivers of the county (they must be able to call back).
        return has_capability(user, "cases.handle") and Report.objects.visible_to(user, "cases.handle").filter(pk=report.pk).exists()
    return is_case_team(user, case)


def due_deadlines(user):
    """Open deadlines the user's department owes, in scope (what is due)."""
    from .models import Deadline

    dept = receiving_department(user)
    qs = Deadline.objects.visible_to(user, "cases.receive").filter(done_at__isnull=True)
    if dept is None:
        return qs.none()
    return qs.filter(Q(department=dept)).select_related("report", "report__region")
