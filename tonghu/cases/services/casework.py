"""Working a case: its team, risk assessment, conferences, interventions, placements, referrals, follow-ups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.core.roles import Department, Role
from tonghu.audit.services import audit_log, diff

from ..models import (
    Assessment,
    Case,
    CaseMember,
    CaseStatus,
    Conference,
    DeadlineKind,
    FollowUp,
    Intervention,
    InterventionKind,
    Placement,
    PlacementKind,
    Referral,
    ReferralTarget,
    RiskLevel,
)
from ..rules import rules_for_region
from .common import _check_open, _check_team, _close_deadline, _event, _now, _require, notify


# ------------------------------------------------------------------------------------------ case handling


@transaction.atomic
def case_add_member(*, actor, case: Case, user, note: str = "", _audit: bool = True) -> CaseMember:
    if user.region_id is None or not case.region_id.startswith(user.region.prefix):
        raise ValidationError({"user": [_("该用户的辖区不包含本个案所在区域。")]})
    if user.role not in (Role.REPORTER, Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER):
        raise ValidationError({"user": [_("该角色不能加入个案团队。")]})
    member, created = CaseMember.objects.get_or_create(case=case, user=user, defaults={"added_by": actor, "note": note})
    if created:
        _event(case.report, actor, "member", _("加入个案团队：%(user)s（%(unit)s）") % {"user": user, "unit": user.unit or user.get_role_display()})
        notify(user, _("您已加入个案 %(number)s 的处置团队。") % {"number": case.number}, reverse("case_detail", kwargs={"pk": case.pk}))
        if _audit:
            audit_log(actor=actor, action="update", obj=case, summary="加入个案团队", changes={"member": [None, user.username]})
    return member


def _advance(case: Case, status: str) -> None:
    order = [CaseStatus.ACCEPTED, CaseStatus.ASSESSED, CaseStatus.IN_PROGRESS]
    if case.status in order and order.index(status) > order.index(case.status):
        case.status = status


@transaction.atomic
def case_assess(*, actor, case: Case, assessed_on: dt.date, scores: dict, override_level: str = "", override_reason: str = "", notes: str = "", now=None) -> Assessment:
    """Guardianship risk assessment on the profile's scale (R-F6), indicators scored."""
    now = now or _now()
    _check_team(actor, case)
    _check_open(case)
    rules = rules_for_region(case.region_id)
    errors: dict[str, list] = {}
    clean: dict[str, int] = {}
    for ind in rules.indicators:
        value = scores.get(ind["code"])
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors.setdefault(f"score_{ind['code']}", []).append(_("请为“%(name)s”评分。") % {"name": ind["zh"]})
            continue
        if not 0 <= value <= rules.max_score:
            errors.setdefault(f"score_{ind['code']}", []).append(_("“%(name)s”的评分应在0至%(max)d之间。") % {"name": ind["zh"], "max": rules.max_score})
        clean[ind["code"]] = value
    if override_level and override_level not in RiskLevel.values:
        errors.setdefault("override_level", []).append(_("请选择有效的监护风险等级。"))
    if errors:
        raise ValidationError(errors)
    computed = rules.level_for(clean)
    level = override_level or computed
    if level != computed and not override_reason.strip():
        raise ValidationError({"override_reason": [_("调整了按评分得出的等级，请说明理由。")]})
    a = Assessment.objects.create(case=case, assessed_on=assessed_on, assessor=actor, scores=clean, total=sum(clean.values()),
                                  computed_level=computed, level=level, override_reason=override_reason, notes=notes)
    before = {"risk_level": case.risk_level, "status": case.status}
    case.risk_level = level
    _advance(case, CaseStatus.ASSESSED)
    case.save(update_fields=["risk_level", "status"])
    _close_deadline(case.report, DeadlineKind.ASSESS, Department.CIVIL_AFFAIRS, actor, now)
    _event(case.report, actor, "assessed", _("监护风险评估：%(level)s（%(total)d分）") % {"level": RiskLevel(level).label, "total": a.total}, at=now)
    audit_log(actor=actor, action="update", obj=case, summary="监护风险评估", changes=diff(before, {"risk_level": case.risk_level, "status": case.status}))
    return a


@transaction.atomic
def case_conference(*, actor, case: Case, held_on: dt.date, participants: str, minutes: str, decisions: str, now=None) -> Conference:
    now = now or _now()
    _check_team(actor, case)
    _check_open(case)
    errors: dict[str, list] = {}
    _require(errors, bool(participants.strip()), "participants", _("请填写参会单位和人员。"))
    _require(errors, bool(minutes.strip()), "minutes", _("请填写会商纪要。"))
    _require(errors, bool(decisions.strip()), "decisions", _("请填写会商决定。"))
    _require(errors, held_on <= timezone.localdate(), "held_on", _("会商日期不能晚于今天。"))
    if errors:
        raise ValidationError(errors)
    c = Conference.objects.create(case=case, held_on=held_on, participants=participants, minutes=minutes, decisions=decisions, recorded_by=actor)
    _advance(case, CaseStatus.IN_PROGRESS)
    case.save(update_fields=["status"])
    _close_deadline(case.report, DeadlineKind.CONFERENCE, Department.CIVIL_AFFAIRS, actor, now)
    _event(case.report, actor, "conference", _("个案会商（%(date)s）") % {"date": held_on}, at=now)
    audit_log(actor=actor, action="create", obj=c, region_code=case.region_id, summary="记录个案会商")
    return c


def _dates_ok(errors, start, end, start_field="started_on", end_field="ended_on"):
    if end and start and end < start:
        errors.setdefault(end_field, []).append(_("结束日期不能早于开始日期。"))


@transaction.atomic
def case_intervention(*, actor, case: Case, kind: str, department: str, started_on: dt.date, ended_on=None, document_number: str = "", document=None, description: str = "", now=None) -> Intervention:
    """R-F4 legal measure with the responsible department, dates and documents."""
    _check_team(actor, case)
    _check_open(case)
    errors: dict[str, list] = {}
    _require(errors, kind in InterventionKind.values, "kind", _("请选择干预措施。"))
    _require(errors, department in Department.values, "department", _("请选择责任部门。"))
    _dates_ok(errors, started_on, ended_on)
    if errors:
        raise ValidationError(errors)
    i = Intervention(case=case, kind=kind, department=department, started_on=started_on, ended_on=ended_on,
                     document_number=document_number, description=description, recorded_by=actor)
    if document is not None:
        i.document.save(getattr(document, "name", "document"), document, save=False)
    i.save()
    _advance(case, CaseStatus.IN_PROGRESS)
    case.save(update_fields=["status"])
    _event(case.report, actor, "intervention", _("干预措施：%(kind)s（%(dept)s）") % {"kind": i.get_kind_display(), "dept": i.get_department_display()}, at=now)
    audit_log(actor=actor, action="create", obj=i, region_code=case.region_id, summary="记录干预措施",
              changes=diff({}, {"kind": kind, "department": department, "started_on": started_on}))
    return i


@transaction.atomic
def case_placement(*, actor, case: Case, kind: str, placed_with: str, started_on: dt.date, ended_on=None, notes: str = "", now=None) -> Placement:
    """R-F5 temporary guardianship placement."""
    _check_team(actor, case)
    _check_open(case)
    errors: dict[str, list] = {}
    _require(errors, kind in PlacementKind.values, "kind", _("请选择临时监护方式。"))
    _require(errors, bool(placed_with.strip()), "placed_with", _("请填写安置去向。"))
    _dates_ok(errors, started_on, ended_on)
    if errors:
        raise ValidationError(errors)
    p = Placement.objects.create(case=case, kind=kind, placed_with=placed_with, started_on=started_on, ended_on=ended_on, notes=notes, recorded_by=actor)
    _advance(case, CaseStatus.IN_PROGRESS)
    case.save(update_fields=["status"])
    _event(case.report, actor, "placement", _("临时监护安置：%(kind)s") % {"kind": p.get_kind_display()}, at=now)
    audit_log(actor=actor, action="create", obj=p, region_code=case.region_id, summary="记录临时监护安置", changes=diff({}, {"kind": kind, "started_on": started_on}))
    return p


@transaction.atomic
def case_referral(*, actor, case: Case, target_kind: str, target_name: str, referred_on: dt.date, reason: str = "", now=None) -> Referral:
    _check_team(actor, case)
    _check_open(case)
    errors: dict[str, list] = {}
    _require(errors, target_kind in ReferralTarget.values, "target_kind", _("请选择转介对象类别。"))
    _require(errors, bool(target_name.strip()), "target_name", _("请填写转介对象。"))
    if errors:
        raise ValidationError(errors)
    r = Referral.objects.create(case=case, target_kind=target_kind, target_name=target_name, referred_on=referred_on, reason=reason, recorded_by=actor)
    _advance(case, CaseStatus.IN_PROGRESS)
    case.save(update_fields=["status"])
    _event(case.report, actor, "referral", _("转介：%(name)s") % {"name": target_name}, at=now)
    audit_log(actor=actor, action="create", obj=r, region_code=case.region_id, summary="转介")
    return r


@transaction.atomic
def referral_update(*, actor, referral: Referral, accepted, accepted_on=None, result: str = "", result_on=None) -> Referral:
    case = referral.case
    _check_team(actor, case)
    errors: dict[str, list] = {}
    if accepted is True and not accepted_on:
        errors.setdefault("accepted_on", []).append(_("请填写接收日期。"))
    if accepted_on and accepted_on < referral.referred_on:
        errors.setdefault("accepted_on", []).append(_("接收日期不能早于转介日期。"))
    if result and not result_on:
        errors.setdefault("result_on", []).append(_("请填写结果日期。"))
    if errors:
        raise ValidationError(errors)
    before = {"accepted": referral.accepted, "accepted_on": referral.accepted_on, "result": referral.result, "result_on": referral.result_on}
    referral.accepted, referral.accepted_on, referral.result, referral.result_on = accepted, accepted_on, result, result_on
    referral.save()
    after = {"accepted": accepted, "accepted_on": accepted_on, "result": result, "result_on": result_on}
    _event(case.report, actor, "referral_update", _("转介进展：%(name)s") % {"name": referral.target_name})
    audit_log(actor=actor, action="update", obj=referral, region_code=case.region_id, summary="更新转介接收与结果", changes=diff(before, after))
    return referral


@transaction.atomic
def case_followup(*, actor, case: Case, visited_on: dt.date, notes: str, now=None) -> FollowUp:
    _check_team(actor, case)
    errors: dict[str, list] = {}
    _require(errors, bool(notes.strip()), "notes", _("请填写回访情况。"))
    _require(errors, visited_on <= timezone.localdate(), "visited_on", _("回访日期不能晚于今天。"))
    if case.status == CaseStatus.CLOSED:
        errors.setdefault("__all__", []).append(_("个案已结案，请先重新开启。"))
    if errors:
        raise ValidationError(errors)
    f = FollowUp.objects.create(case=case, visited_on=visited_on, notes=notes, recorded_by=actor)
    _event(case.report, actor, "followup", _("回访（%(date)s）") % {"date": visited_on}, at=now)
    audit_log(actor=actor, action="create", obj=f, region_code=case.region_id, summary="记录回访")
    return f


