"""Linking a case to the child's file, asking for and deciding its closure, reopening it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tonghu.accounts.selectors import responsible_users
from tonghu.core.roles import Role
from tonghu.audit.services import audit_log, diff

from ..models import (
    Case,
    CaseStatus,
    ReportStatus,
)
from .common import _check_team, _event, _now, _require, notify


@transaction.atomic
def case_link_child(*, actor, case: Case, child=None, new_child: dict | None = None) -> Case:
    """Link the case (and its report) to the identified child's file, creating the file if needed."""
    _check_team(actor, case)
    from tonghu.registry.models import Child

    if child is None and new_child:
        child = _create_child(actor=actor, data=new_child, case=case)
    if child is None:
        raise ValidationError({"child": [_("请选择儿童档案或填写新建档案的信息。")]})
    if not Child.objects.visible_to(actor, "registry.view_children").filter(pk=child.pk).exists():
        raise ValidationError({"child": [_("该儿童档案不在您的辖区内。")]})
    before = {"child": case.child_id, "region": case.region_id}
    case.child, case.region = child, child.village
    case.save(update_fields=["child", "region"])
    report = case.report
    report.child, report.region = child, child.village
    report.save(update_fields=["child", "region"])
    _event(report, actor, "linked", _("关联儿童档案"))
    audit_log(actor=actor, action="update", obj=case, summary="个案关联儿童档案", changes=diff(before, {"child": child.pk, "region": child.village_id}))
    return case


def _create_child(*, actor, data: dict, case: Case):
    """Create the file through the registry's service (duplicate and similar-name checks, audit, status history)."""
    from tonghu.registry.services import child_create

    errors: dict[str, list] = {}
    for field, label in (("name", _("姓名")), ("sex", _("性别")), ("birth_date", _("出生日期")), ("village", _("所在村（社区）"))):
        if not data.get(field):
            errors.setdefault(f"new_{field}", []).append(_("请填写%(label)s。") % {"label": label})
    if errors:
        raise ValidationError(errors)
    confirm = bool(data.pop("confirm_similar", False))
    payload = {k: v for k, v in data.items() if v not in (None, "")}
    try:
        return child_create(actor=actor, data=payload, confirm_similar=confirm)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError({(f"new_{k}" if k in ("name", "sex", "birth_date", "village", "id_number") else k): v for k, v in exc.message_dict.items()}) from exc
        raise


@transaction.atomic
def case_request_closure(*, actor, case: Case, summary: str, outcome_for_reporter: str, now=None) -> Case:
    now = now or _now()
    _check_team(actor, case)
    errors: dict[str, list] = {}
    _require(errors, bool(summary.strip()), "summary", _("请填写结案小结。"))
    _require(errors, bool(outcome_for_reporter.strip()), "outcome_for_reporter", _("请填写告知报告人的处理结果（通俗表述，不含敏感细节）。"))
    if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSURE_PENDING):
        errors.setdefault("__all__", []).append(_("个案已结案或已在审批中。"))
    if not case.assessments.exists():
        errors.setdefault("__all__", []).append(_("结案前须完成监护风险评估。"))
    if errors:
        raise ValidationError(errors)
    before = {"status": case.status}
    case.status, case.closure_summary, case.outcome_for_reporter = CaseStatus.CLOSURE_PENDING, summary, outcome_for_reporter
    case.closure_requested_at, case.closure_requested_by = now, actor
    case.save()
    _event(case.report, actor, "closure_requested", _("申请结案"), at=now)
    for manager in responsible_users(case.region_id, Role.COUNTY_MANAGER):
        notify(manager, _("个案 %(number)s 申请结案，请审批。") % {"number": case.number}, reverse("case_close_approve", kwargs={"pk": case.pk}))
    audit_log(actor=actor, action="update", obj=case, summary="申请结案", changes=diff(before, {"status": case.status}))
    return case


@transaction.atomic
def case_decide_closure(*, actor, case: Case, approve: bool, note: str = "", now=None) -> Case:
    """A county manager approves (the case closes, the reporter is told the outcome) or sends it back."""
    now = now or _now()
    if case.status != CaseStatus.CLOSURE_PENDING:
        raise ValidationError(_("该个案没有待审批的结案申请。"))
    if not approve and not note.strip():
        raise ValidationError({"note": [_("退回结案申请时请说明理由。")]})
    before = {"status": case.status}
    report = case.report
    if approve:
        case.status, case.closed_at, case.closed_by = CaseStatus.CLOSED, now, actor
        report.status, report.feedback, report.feedback_at = ReportStatus.CLOSED, case.outcome_for_reporter, now
        report.save(update_fields=["status", "feedback", "feedback_at"])
        _event(report, actor, "closed", _("结案审批通过") + (f"：{note}" if note else ""), at=now)
        if report.reporter_id:
            notify(report.reporter, _("您提交的报告 %(number)s 已办结，可查看处理结果。") % {"number": report.number}, reverse("report_detail", kwargs={"pk": report.pk}))
    else:
        case.status = CaseStatus.IN_PROGRESS
        _event(report, actor, "closure_returned", _("结案申请退回：%(note)s") % {"note": note}, at=now)
        if case.closure_requested_by_id:
            notify(case.closure_requested_by, _("个案 %(number)s 的结案申请被退回。") % {"number": case.number}, reverse("case_detail", kwargs={"pk": case.pk}))
    case.save()
    audit_log(actor=actor, action="update", obj=case, summary="审批结案" if approve else "退回结案申请", changes=diff(before, {"status": case.status}))
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, now=None) -> Case:
    now = now or _now()
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("只有已结案的个案可以重新开启。"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写重新开启的理由。")]})
    report = case.report
    case.status, case.reopen_count, case.closed_at, case.closed_by = CaseStatus.IN_PROGRESS, case.reopen_count + 1, None, None
    case.save()
    report.status = ReportStatus.ACCEPTED
    report.save(update_fields=["status"])
    _event(report, actor, "reopened", _("重新开启：%(reason)s") % {"reason": reason}, at=now)
    audit_log(actor=actor, action="update", obj=case, summary="重新开启个案", changes={"status": [CaseStatus.CLOSED, CaseStatus.IN_PROGRESS], "reason": reason})
    return case


