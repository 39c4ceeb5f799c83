"""A receiving department acknowledges, accepts (opening a case) or declines a report."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.core.roles import Department
from tonghu.audit.services import audit_log

from ..models import (
    Case,
    CaseMember,
    Deadline,
    DeadlineKind,
    Report,
    ReportStatus,
)
from ..rules import rules_for_region
from ..selectors import receiving_department
from .casework import case_add_member
from .common import _close_deadline, _event, _now, _require, notify


# ------------------------------------------------------------------------------------------ receipt


@transaction.atomic
def report_acknowledge(*, actor, report: Report, now=None) -> Deadline:
    """A routed department (police, education, women's federation) signs for the report (签收)."""
    now = now or _now()
    dept = receiving_department(actor)
    if dept == Department.CIVIL_AFFAIRS:
        raise ValidationError(_("民政部门请使用“受理”。"))
    d = _close_deadline(report, DeadlineKind.ACCEPT, dept, actor, now)
    if d is None:
        raise ValidationError(_("本部门已签收该报告，或报告未转至本部门。"))
    _event(report, actor, "acknowledged", _("%(dept)s签收（%(user)s）") % {"dept": Department(dept).label, "user": actor}, at=now)
    case = Case.objects.filter(report=report).first()
    if case is not None:
        CaseMember.objects.get_or_create(case=case, user=actor, defaults={"added_by": actor, "note": str(Department(dept).label)})
    audit_log(actor=actor, action="update", obj=report, summary="签收强制报告", changes={"acknowledged": [None, dept]})
    return d


@transaction.atomic
def report_accept(*, actor, report: Report, members=(), note: str = "", now=None) -> Case:
    """Civil affairs accepts: a case is opened, acceptance fed back to the reporter, handling deadlines set."""
    now = now or _now()
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("该报告已处理（%(status)s），不能重复受理。") % {"status": report.get_status_display()})
    rules = rules_for_region(report.region_id)
    case = Case.objects.create(report=report, region=report.region, child=report.child, accepted_at=now, accepted_by=actor)
    CaseMember.objects.create(case=case, user=actor, added_by=actor, note=_("受理人"))
    # Department users who already signed for the report join the team.
    for d in report.deadlines.filter(kind=DeadlineKind.ACCEPT, done_by__isnull=False).exclude(department=Department.CIVIL_AFFAIRS):
        CaseMember.objects.get_or_create(case=case, user=d.done_by, defaults={"added_by": actor, "note": str(Department(d.department).label)})
    for user in members:
        case_add_member(actor=actor, case=case, user=user, note="", _audit=False)
    _close_deadline(report, DeadlineKind.ACCEPT, Department.CIVIL_AFFAIRS, actor, now)
    for kind, name in ((DeadlineKind.ASSESS, "assess_hours"), (DeadlineKind.CONFERENCE, "conference_hours")):
        due = rules.due(name, now, report.immediate_danger)
        if due is not None:
            Deadline.objects.create(report=report, kind=kind, department=Department.CIVIL_AFFAIRS, due_at=due, source=rules.source(name)[:300])
    report.status, report.accepted_at = ReportStatus.ACCEPTED, now
    report.feedback = _("您的报告已于 %(at)s 由%(unit)s受理，正在依法处置。处置结束后将告知您处理结果。") % {
        "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "unit": _("县级民政部门")}
    report.feedback_at = now
    report.save(update_fields=["status", "accepted_at", "feedback", "feedback_at"])
    _event(report, actor, "accepted", _("民政部门受理，立案 %(number)s") % {"number": case.number} + (f"：{note}" if note else ""), at=now)
    if report.reporter_id:
        notify(report.reporter, _("您提交的报告 %(number)s 已受理。") % {"number": report.number}, reverse("report_detail", kwargs={"pk": report.pk}))
    audit_log(actor=actor, action="create", obj=case, summary="受理强制报告并立案", changes={"report": [None, report.pk]})
    return case


@transaction.atomic
def report_decline(*, actor, report: Report, reason: str, feedback: str, now=None) -> Report:
    """Civil affairs does not accept (e.g. a duplicate of a report already being handled, or not a child case)."""
    now = now or _now()
    errors: dict[str, list] = {}
    _require(errors, bool(reason.strip()), "reason", _("请填写不予受理的理由。"))
    _require(errors, bool(feedback.strip()), "feedback", _("请填写告知报告人的说明。"))
    if report.status != ReportStatus.SUBMITTED:
        errors.setdefault("__all__", []).append(_("该报告已处理，不能再改为不予受理。"))
    if errors:
        raise ValidationError(errors)
    report.status, report.not_accepted_reason, report.feedback, report.feedback_at = ReportStatus.NOT_ACCEPTED, reason, feedback, now
    report.save(update_fields=["status", "not_accepted_reason", "feedback", "feedback_at"])
    report.deadlines.filter(done_at__isnull=True).update(done_at=now, done_by=actor)
    _event(report, actor, "declined", _("不予受理：%(reason)s") % {"reason": reason}, at=now)
    if report.reporter_id:
        notify(report.reporter, _("您提交的报告 %(number)s 有了处理结果。") % {"number": report.number}, reverse("report_detail", kwargs={"pk": report.pk}))
    audit_log(actor=actor, action="update", obj=report, summary="不予受理强制报告", changes={"status": [ReportStatus.SUBMITTED, ReportStatus.NOT_ACCEPTED]})
    return report


