"""Writes for mandatory reports and cases. Each function is atomic, validates, and audits in the same transaction."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.accounts.selectors import responsible_users
from tonghu.core.roles import COUNTY_STAFF, Department, Role
from tonghu.audit.services import audit_log, diff
from tonghu.core.models import Region
from tonghu.core.scoping import in_scope

from .models import (
    Assessment,
    Case,
    CaseMember,
    CaseStatus,
    Channel,
    Conference,
    Deadline,
    DeadlineKind,
    Event,
    FollowUp,
    Intervention,
    InterventionKind,
    Placement,
    PlacementKind,
    Referral,
    ReferralTarget,
    Report,
    ReportStatus,
    Review,
    RiskLevel,
    Situation,
    TracebackFlag,
)
from .rules import rules_for_region
from .selectors import is_case_team, receiving_department

# ------------------------------------------------------------------------------------------ helpers


def _now():
    return timezone.now()


def receivers(report: Report, department: str):
    """The users who receive a report for ``department`` (civil affairs = the county staff)."""
    if department == Department.CIVIL_AFFAIRS:
        return responsible_users(report.region_id, COUNTY_STAFF)
    return responsible_users(report.region_id, Role.REPORTER, departments=[department]).exclude(pk=report.reporter_id)


_SEND = contextvars.ContextVar("cases_notify_send", default=True)


@contextlib.contextmanager
def notifications_unsent():
    """Store notifications without queueing their delivery (the demo loader uses it)."""
    token = _SEND.set(False)
    try:
        yield
    finally:
        _SEND.reset(token)


def notify(user, text: str, url: str = "", kind: str = "cases") -> None:
    """Tell a user (the shared mechanism: the bell / notifications page, then e-mail or other channels)."""
    from tonghu.visits.notify import notify as shared_notify

    shared_notify(user, kind=kind, title=text[:200], url=url, send=_SEND.get())


def _event(report: Report, actor, kind: str, text: str, at=None) -> Event:
    return Event.objects.create(report=report, at=at or _now(), actor=actor if getattr(actor, "pk", None) else None, kind=kind, text=text[:300])


def _require(errors: dict, condition: bool, field: str, message: str) -> None:
    if not condition:
        errors.setdefault(field, []).append(message)


def _check_team(actor, case: Case) -> None:
    if not is_case_team(actor, case):
        raise ValidationError(_("您不是该个案的办理人员。"))


def _check_open(case: Case) -> None:
    if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSURE_PENDING):
        raise ValidationError(_("个案已结案或正在审批结案，不能再添加记录；如需继续处置请先重新开启。"))


# ------------------------------------------------------------------------------------------ intake

REPORT_FIELDS = [
    "channel", "situation", "region_id", "child_id", "child_id_number", "child_name", "child_age", "child_sex",
    "child_description", "what_happened", "occurred_at", "occurred_place", "immediate_danger", "reporter_name",
    "reporter_unit", "reporter_department", "reporter_phone", "caller_name", "callback_number", "call_record",
]


def _find_child_by_id_number(actor, id_number: str):
    """Link a reported ID number to a file in the reporter's region without telling the reporter (no browsing)."""
    from tonghu.core.scoping import prefix_range, user_prefix
    from tonghu.registry.models import Child

    prefix = user_prefix(actor)
    if not id_number or prefix is None:
        return None
    return Child.objects.filter(id_number=id_number.upper(), village__code__range=prefix_range(prefix)).first()


@transaction.atomic
def report_file(
    *,
    actor,
    situation: str,
    what_happened: str,
    immediate_danger: bool,
    region: Region | None = None,
    child=None,
    child_id_number: str = "",
    child_name: str = "",
    child_age: int | None = None,
    child_sex: str = "",
    child_description: str = "",
    occurred_at: dt.datetime | None = None,
    occurred_place: str = "",
    reporter_name: str = "",
    reporter_unit: str = "",
    reporter_phone: str = "",
    channel: str = Channel.FORM,
    caller_name: str = "",
    callback_number: str = "",
    call_record: str = "",
    source_ref: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """File a mandatory report and route it: acceptance deadlines for every receiving department (R-F2)."""
    now = now or _now()
    errors: dict[str, list] = {}
    _require(errors, situation in Situation.values, "situation", _("请选择报告情形。"))
    _require(errors, bool((what_happened or "").strip()), "what_happened", _("请填写发生了什么。"))
    if child_id_number and not child:
        child = _find_child_by_id_number(actor, child_id_number)
    if child is not None:
        region = child.village
    else:
        _require(errors, region is not None, "region", _("请选择儿童所在或事发的村（社区）、乡镇。"))
        _require(errors, bool(child_name or child_age is not None or child_description or child_id_number), "child_description",
                 _("请描述儿童：姓名（如知道）、大致年龄或其他可辨认的情况。"))
    if child_age is not None and not (0 <= int(child_age) <= 17):
        errors.setdefault("child_age", []).append(_("大致年龄应在0至17岁之间。"))
    if region is not None and not in_scope(actor, region.code):
        errors.setdefault("region", []).append(_("所选区域不在您的辖区内。"))
    if occurred_at and occurred_at > now + dt.timedelta(minutes=5):
        errors.setdefault("occurred_at", []).append(_("发生时间不能晚于现在。"))
    if channel == Channel.HOTLINE:
        _require(errors, bool(call_record.strip()), "call_record", _("请记录来电内容。"))
        _require(errors, bool(callback_number.strip()), "callback_number", _("请填写回拨号码（来电人拒绝留号的填“拒绝提供”）。"))
    if errors:
        raise ValidationError(errors)

    rules = rules_for_region(region.code)
    is_person = getattr(actor, "pk", None) is not None
    report = Report.objects.create(
        channel=channel, situation=situation, region=region, profile_key=rules.profile_key, child=child,
        child_id_number=(child_id_number or "").upper(), child_name=child_name, child_age=child_age, child_sex=child_sex,
        child_description=child_description, what_happened=what_happened.strip(), occurred_at=occurred_at,
        occurred_place=occurred_place, immediate_danger=bool(immediate_danger),
        reporter=actor if is_person else None,
        reporter_name=reporter_name or (actor.full_name or actor.username if is_person and channel != Channel.HOTLINE else ""),
        reporter_unit=reporter_unit or (actor.unit if is_person and channel != Channel.HOTLINE else ""),
        reporter_department=(actor.department if is_person and channel != Channel.HOTLINE else "") or "",
        reporter_phone=reporter_phone or (actor.phone if is_person and channel != Channel.HOTLINE else ""),
        caller_name=caller_name, callback_number=callback_number, call_record=call_record, source_ref=source_ref,
        submitted_at=now,
    )
    _event(report, actor, "filed", _("收到报告（%(channel)s）") % {"channel": report.get_channel_display()}, at=now)
    due = rules.due("accept_hours", now, report.immediate_danger)
    source = rules.source("accept_hours")
    url = reverse("report_received", kwargs={"pk": report.pk})
    for dept in rules.departments(situation):
        Deadline.objects.create(report=report, kind=DeadlineKind.ACCEPT, department=dept, due_at=due, source=source[:300])
        label = Department(dept).label
        for user in receivers(report, dept):
            notify(user, _("新的强制报告（%(danger)s%(situation)s）转至%(dept)s，请在 %(due)s 前受理。") % {
                "danger": _("紧急，") if report.immediate_danger else "", "situation": report.get_situation_display(),
                "dept": label, "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}, url)
    _event(report, None, "routed", _("已转至：%(depts)s") % {"depts": "、".join(str(Department(d).label) for d in rules.departments(situation))}, at=now)
    audit_log(actor=actor, action="create", obj=report, summary="提交强制报告",
              changes=diff({}, {"situation": situation, "region": region.code, "immediate_danger": report.immediate_danger, "channel": channel}))
    return report


def report_from_visit(*, actor, visit, situation, description, immediate_danger) -> Report:
    """A one-step mandatory report from a home visit that found harm (called by the visits app).

    ``visit`` is any object with ``.child``, ``.date`` and ``.pk``."""
    date = getattr(visit, "date", None)
    occurred = None
    if isinstance(date, dt.datetime):
        occurred = date
    elif isinstance(date, dt.date):
        # a visit has a date, not a time: noon of that day, but never later than now (a visit recorded in the
        # morning would otherwise be "in the future" and the intake would refuse the report)
        occurred = min(timezone.make_aware(dt.datetime.combine(date, dt.time(12, 0))), timezone.now())
    return report_file(actor=actor, situation=situation, what_happened=description, immediate_danger=immediate_danger,
                       child=visit.child, occurred_at=occurred, channel=Channel.VISIT, source_ref=f"visit:{visit.pk}")


# ------------------------------------------------------------------------------------------ receipt


def _close_deadline(report: Report, kind: str, department: str, actor, now) -> Deadline | None:
    d = report.deadlines.filter(kind=kind, department=department, done_at__isnull=True).first()
    if d is not None:
        d.done_at, d.done_by = now, actor
        d.save(update_fields=["done_at", "done_by"])
    return d


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


# ------------------------------------------------------------------------------------------ procuratorate


@transaction.atomic
def case_review(*, actor, case: Case, findings: str, compliant: bool, flag_unit: str = "", flag_department: str = "", flag_reason: str = "", now=None) -> Review:
    """每案必查 (R-F3): mark a case reviewed; optionally flag a unit that should have reported but did not."""
    now = now or _now()
    errors: dict[str, list] = {}
    _require(errors, bool(findings.strip()), "findings", _("请填写审查意见。"))
    if flag_unit or flag_reason:
        _require(errors, bool(flag_unit.strip()), "flag_unit", _("请填写应报未报的单位。"))
        _require(errors, flag_department in Department.values, "flag_department", _("请选择单位类别。"))
        _require(errors, bool(flag_reason.strip()), "flag_reason", _("请填写倒查情况。"))
    if errors:
        raise ValidationError(errors)
    r = Review.objects.create(case=case, reviewer=actor, reviewed_at=now, findings=findings, compliant=compliant)
    _event(case.report, actor, "reviewed", _("检察机关审查：%(result)s") % {"result": _("合规") if compliant else _("发现问题")}, at=now)
    if flag_unit:
        TracebackFlag.objects.create(case=case, unit_name=flag_unit, department=flag_department, reason=flag_reason, flagged_by=actor, flagged_at=now)
        _event(case.report, actor, "traceback", _("倒查：%(unit)s应报未报") % {"unit": flag_unit}, at=now)
    audit_log(actor=actor, action="create", obj=r, region_code=case.region_id, summary="检察审查个案",
              changes=diff({}, {"compliant": compliant, "traceback": flag_unit}))
    return r


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
