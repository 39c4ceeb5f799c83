"""Filing a mandatory report (R-C5), also in one step from a home visit that found harm."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.core.roles import Department
from tonghu.audit.services import audit_log, diff
from tonghu.core.models import Region
from tonghu.core.scoping import in_scope

from ..models import (
    Channel,
    Deadline,
    DeadlineKind,
    Report,
    Situation,
)
from ..rules import rules_for_region
from .common import _event, _now, _require, notify, receivers


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


