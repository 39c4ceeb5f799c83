"""Writes of the visits app. Each is keyword-only, atomic, validates, and writes its audit entry in the same
transaction. ``schedule_refresh`` is the ONE function that computes a child's schedule; everything else that
changes a schedule (a visit recorded, a fact changed, the nightly run) calls it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import os
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tonghu.core.roles import Role
from tonghu.accounts.selectors import responsible_users, users_within
from tonghu.audit.services import audit_log, diff
from tonghu.cases.services import report_from_visit
from tonghu.core.capabilities import has_capability
from tonghu.core.scoping import in_scope, prefix_range
from tonghu.policy import engine
from tonghu.policy.dates import Period, add_months
from tonghu.registry.models import Child, ChildStatus

from .models import (
    Campaign,
    CampaignVillage,
    CensusConfirmation,
    CensusOutcome,
    ContactMethod,
    MonthlyFigure,
    Problem,
    ProblemLevel,
    ProblemStatus,
    ReportStatus,
    Schedule,
    TaskKind,
    TaskState,
    Visit,
    VisitPhoto,
)
from .notify import notify
from .planning import plan_for, window_days
from tonghu.core.texts import choice, encode, joined, msg, msg_plural

log = logging.getLogger(__name__)

DEFAULTS = {
    "VISIT_BACKDATE_DAYS": 30,  # a visit may be recorded at most this many days after it happened
    "VISIT_LATE_ENTRY_DAYS": 3,  # recorded more than this many days later: flagged as a late entry (补录)
    "CENSUS_REMINDER_DAYS": (7, 3, 1),
}


def conf(name: str):
    """A visits setting: ``TONGHU[name]`` in settings, else env ``TONGHU_<name>``, else the default above."""
    value = settings.TONGHU.get(name)
    if value is None and os.environ.get(f"TONGHU_{name}"):
        raw = os.environ[f"TONGHU_{name}"]
        value = tuple(int(x) for x in raw.split(",")) if isinstance(DEFAULTS[name], tuple) else int(raw)
    return DEFAULTS[name] if value is None else value


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require(actor, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(capability)


# ------------------------------------------------------------------------------------------- schedules


def interval_label(kind: str, months: int, days: int) -> str:
    return Period(months=months, days=days).zh + str(TaskKind(kind).label)


def _state(today: dt.date, opens: dt.date, due: dt.date) -> str:
    if today > due:
        return TaskState.OVERDUE
    if today >= opens:
        return TaskState.OPEN
    return TaskState.UPCOMING


def schedule_refresh(child: Child, *, today: dt.date | None = None) -> list[Schedule]:
    """Recompute and store ``child``'s next contact and next home visit (R-C1, R-C2).

    Intervals and escalation come from the child's profile (``planning.plan_for``). The next task is due one
    interval after the last one done (a home visit also counts as a contact); before any visit, one interval after
    the file was opened. Its window opens ``window_days`` before the due date. Children not active, or in no group
    the profile visits, have no schedule.
    """
    today = _today(today)
    if child.status != ChildStatus.ACTIVE:
        Schedule.objects.filter(child=child).delete()
        return []
    plan = plan_for(child, today)
    if plan is None:
        Schedule.objects.filter(child=child).delete()
        return []
    last = Visit.objects.filter(child=child).aggregate(
        contact=Max("date"), home=Max("date", filter=Q(kind=TaskKind.HOME_VISIT)))
    opened = timezone.localdate(child.created_at) if getattr(child, "created_at", None) else today
    existing = {s.kind: s for s in Schedule.objects.filter(child=child)}
    reasons = joined(plan.reasons, gettext_noop("；"))
    reason = encode(msg("加密走访：%(reasons)s", reasons=reasons)) if plan.escalated and plan.reasons else ""
    out = []
    for kind, period, done in ((TaskKind.CONTACT, plan.contact, last["contact"]),
                               (TaskKind.HOME_VISIT, plan.home_visit, last["home"])):
        anchor = done or opened
        due = period.after(anchor)
        opens = max(due - dt.timedelta(days=window_days(period)), anchor + dt.timedelta(days=1))
        row = existing.get(kind) or Schedule(child=child, kind=kind)
        previous_due = row.due_on if row.pk else None
        row.village_id = child.village_id
        row.interval_months, row.interval_days = period.months, period.days
        row.interval_label = interval_label(kind, period.months, period.days)
        row.escalated = plan.escalated
        row.reason = reason
        row.last_done_on = done
        row.opens_on, row.due_on = opens, due
        row.state = _state(today, opens, due)
        if previous_due != due or row.state != TaskState.OVERDUE:
            row.overdue_notified_on = None
        row.profile = plan.profile
        row.source = plan.source
        row.save()
        out.append(row)
    return out


def schedule_refresh_many(children, *, today: dt.date | None = None) -> int:
    n = 0
    for child in children:
        schedule_refresh(child, today=today)
        n += 1
    return n


def schedule_facts_changed(child_ids: list[int], *, reason: str = "", actor=None) -> None:
    """Subscriber of ``tonghu.core.events.facts_changed`` (order 20, after the classification): recompute the
    schedules of every child whose facts changed, after the commit that changed them."""
    from tonghu.policy.childfacts import children_by_ids

    schedule_refresh_many(children_by_ids(child_ids))


# ----------------------------------------------------------------------------------------------- visits

VISIT_TEXT_FIELDS = ["people_met", "living_conditions", "guardianship", "caregiver_performance", "schooling", "health",
                     "psychology", "home_hazards", "measures", "notes"]

# What a home visit must record (R-C3: living conditions, guardianship, schooling, health, psychology) and whom the
# director met; a visit that found harm needs only whom was met, so the mandatory report is never held up.
HOME_VISIT_REQUIRED = {
    "people_met": gettext_lazy("见到的人：请填写入户时见到了谁（如：祖母、儿童本人）。"),
    "living_conditions": gettext_lazy("生活状况：请填写入户看到的生活状况（R-C3）。"),
    "guardianship": gettext_lazy("监护情况：请填写监护照料情况（R-C3）。"),
    "schooling": gettext_lazy("就学情况：请填写儿童的就学情况（R-C3）。"),
    "health": gettext_lazy("健康状况：请填写儿童的健康状况（R-C3）。"),
    "psychology": gettext_lazy("心理和行为：请填写儿童的心理和行为情况（R-C3）。"),
}


def cases_report_function():
    """The intake a visit that found harm is handed to: ``tonghu.cases.services.report_from_visit`` (R-C5). One
    function so that tests can stand in for the intake."""
    return report_from_visit


def _visits_rules(village_code: str, today: dt.date):
    """The village's profile version in force today (problem due days are jurisdiction rules, R-C4)."""
    return engine.profile_for_region(village_code).at(today)


def _problem_due(severity: str, today: dt.date, village_code: str) -> dt.date:
    days = _visits_rules(village_code, today).value("visits.problem_due_days")[severity]
    return today + dt.timedelta(days=int(days))


def visit_record(
    *,
    actor,
    child: Child,
    kind: str,
    date: dt.date,
    method: str = ContactMethod.IN_PERSON,
    contacted_person: str = "",
    details: dict | None = None,
    near_water: bool | None = None,
    problems: list[dict] | None = None,
    photos: list | None = None,
    harm_found: bool = False,
    harm_situation: str = "",
    harm_description: str = "",
    immediate_danger: bool = False,
    today: dt.date | None = None,
) -> Visit:
    """Record a contact or home visit (R-C1, R-C3), its problems (R-C4) and photos; move the schedule.

    Refuses a date in the future or further back than ``VISIT_BACKDATE_DAYS``; flags a late entry beyond
    ``VISIT_LATE_ENTRY_DAYS``. When harm or danger was found it hands over to the cases app's intake if present
    (``report_from_visit``), else marks the visit "待报告" so the report can be made from the visit page later.
    """
    _require(actor, "visits.record")
    today = _today(today)
    if not Child.objects.visible_to(actor, "visits.record").filter(pk=child.pk).exists():
        raise PermissionDenied("child out of scope")
    if child.status != ChildStatus.ACTIVE:
        raise ValidationError({"child": _("该儿童档案不是在册状态，不能记录走访。")})
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("类型无效。")})
    if date > today:
        raise ValidationError({"date": _("日期：不能晚于今天。")})
    limit = int(conf("VISIT_BACKDATE_DAYS"))
    if (today - date).days > limit:
        raise ValidationError({"date": _("日期：最多只能补录 %(n)d 天内的走访。") % {"n": limit}})
    if kind == TaskKind.HOME_VISIT:
        method = ContactMethod.IN_PERSON
    elif not method:
        raise ValidationError({"method": _("联系方式：请选择是怎样联系的（电话、视频、见面等）。")})
    elif method not in ContactMethod.values:
        raise ValidationError({"method": _("联系方式无效。")})
    if harm_found and not (harm_description or "").strip():
        raise ValidationError({"harm_description": _("侵害或危险情形说明：请简要写明看到或听到了什么。")})
    if kind == TaskKind.CONTACT and not (contacted_person or "").strip():
        raise ValidationError({"contacted_person": _("联系对象：请填写联系了谁（如：儿童本人、祖母）。")})
    details = {k: (v.strip() if isinstance(v, str) else (v or "")) for k, v in (details or {}).items() if k in VISIT_TEXT_FIELDS}
    if kind == TaskKind.HOME_VISIT:
        required = ["people_met"] if harm_found else list(HOME_VISIT_REQUIRED)
        missing = {k: [str(HOME_VISIT_REQUIRED[k])] for k in required if not details.get(k)}
        if missing:
            raise ValidationError(missing)
    problems = problems or []
    for i, p in enumerate(problems, start=1):
        if not (p.get("description") or "").strip():
            raise ValidationError({"problems": _("第 %(n)d 个问题：请填写问题描述。") % {"n": i}})
    with transaction.atomic():
        visit = Visit.objects.create(
            child=child, kind=kind, method=method, contacted_person=contacted_person.strip(), date=date,
            late_entry=(today - date).days > int(conf("VISIT_LATE_ENTRY_DAYS")), recorded_by=actor,
            near_water=near_water, harm_found=harm_found, harm_situation=harm_situation if harm_found else "",
            harm_description=harm_description.strip() if harm_found else "", immediate_danger=bool(harm_found and immediate_danger),
            report_status=ReportStatus.PENDING if harm_found else ReportStatus.NONE, **details)
        for f in photos or []:
            photo = VisitPhoto(visit=visit, content_type=getattr(f, "content_type", "") or "")
            photo.file.save(getattr(f, "name", "photo.jpg"), f, save=True)
        created = []
        for p in problems:
            created.append(Problem.objects.create(
                child=child, visit=visit, category=p["category"], description=p["description"].strip(),
                severity=p.get("severity") or "low", owner=actor, due_on=_problem_due(p.get("severity") or "low", today, child.village_id)))
        audit_log(actor=actor, action="create", obj=visit, summary=msg("记录%(kind)s", kind=choice(visit, "kind")),
                  changes=diff({}, {"child": child.pk, "kind": kind, "date": date, "method": method,
                                    "late_entry": visit.late_entry, "problems": len(created), "harm_found": harm_found,
                                    **{k: v for k, v in details.items() if v}}))
        for problem in created:
            audit_log(actor=actor, action="create", obj=problem, summary=msg("登记走访发现的问题"),
                      changes=diff({}, {"category": problem.category, "severity": problem.severity, "due_on": problem.due_on}))
            if problem.severity == "high":
                for sup in supervisors_of(child.village_id):
                    notify(sup, kind="problem_found", title=msg("%(child)s：发现严重问题", child=child.name),
                           body=problem.description, url=f"/visits/problems/{problem.pk}/")
        schedule_refresh(child, today=today)
        if harm_found:
            report_visit(actor=actor, visit=visit)
    return visit


def report_visit(*, actor, visit: Visit) -> bool:
    """One-step mandatory report: hand the visit to the cases app's intake if it exists. Returns True if handed."""
    report = cases_report_function()
    if report is None or visit.report_status == ReportStatus.HANDED_OVER:
        return False
    with transaction.atomic():
        offered = {"actor": actor, "visit": visit, "situation": visit.harm_situation or "other_serious",
                   "description": visit.harm_description or visit.measures or visit.notes,
                   "immediate_danger": visit.immediate_danger}
        accepted = inspect.signature(report).parameters
        result = report(**{k: v for k, v in offered.items() if k in accepted})
        ref = getattr(result, "pk", None) or result or ""
        Visit.objects.filter(pk=visit.pk).update(report_status=ReportStatus.HANDED_OVER, report_ref=str(ref)[:60])
        visit.report_status, visit.report_ref = ReportStatus.HANDED_OVER, str(ref)[:60]
        audit_log(actor=actor, action="update", obj=visit, summary=msg("走访发现侵害或危险，已移交强制报告"),
                  changes={"report_status": [ReportStatus.PENDING, ReportStatus.HANDED_OVER]})
    return True


# --------------------------------------------------------------------------------------------- problems


def directors_of(village_code: str):
    return list(responsible_users(village_code, Role.CHILD_DIRECTOR))


def supervisors_of(village_code: str):
    return list(responsible_users(village_code, Role.SUPERVISOR))


def county_officers_of(village_code: str):
    return list(responsible_users(village_code, Role.COUNTY_OFFICER)) or list(responsible_users(village_code, Role.COUNTY_MANAGER))


def problem_update(*, actor, problem: Problem, status: str, resolution: str = "", today: dt.date | None = None) -> Problem:
    """Move a problem to in progress or resolved (escalation is the daily run's job). Resolving needs a note."""
    _require(actor, "visits.handle_problems")
    today = _today(today)
    if not Problem.objects.visible_to(actor, "visits.handle_problems").filter(pk=problem.pk).exists():
        raise PermissionDenied("problem out of scope")
    if status not in (ProblemStatus.IN_PROGRESS, ProblemStatus.RESOLVED):
        raise ValidationError({"status": _("状态：只能改为“处理中”或“已解决”。")})
    if status == ProblemStatus.RESOLVED and not resolution.strip():
        raise ValidationError({"resolution": _("处理情况：标记为已解决时请写明如何解决。")})
    with transaction.atomic():
        before = {"status": problem.status, "resolution": problem.resolution, "resolved_on": problem.resolved_on}
        problem.status = status
        if resolution.strip():
            problem.resolution = resolution.strip()
        problem.resolved_on = today if status == ProblemStatus.RESOLVED else None
        problem.save(update_fields=["status", "resolution", "resolved_on"])
        audit_log(actor=actor, action="update", obj=problem, summary=msg("更新问题处理状态"),
                  changes=diff(before, {"status": problem.status, "resolution": problem.resolution, "resolved_on": problem.resolved_on}))
        watchers = {u.pk: u for u in ([problem.owner] if problem.owner else []) + ([problem.visit.recorded_by] if problem.visit_id and problem.visit.recorded_by_id else [])}
        for user in watchers.values():
            if user.pk != actor.pk:
                notify(user, kind="problem_status", title=msg("问题状态已更新：%(status)s", status=choice(problem, "status")),
                       body=str(problem), url=f"/visits/problems/{problem.pk}/")
    return problem


def problems_escalate(*, today: dt.date | None = None) -> int:
    """Escalate every unresolved problem past its due date one level: village → township supervisor → county
    (R-C4). The new owner gets the profile's ``visits.problem_escalation_days`` before it moves up again."""
    today = _today(today)
    n = 0
    due = (Problem.objects.filter(due_on__lt=today, level__lt=ProblemLevel.COUNTY)
           .exclude(status=ProblemStatus.RESOLVED).select_related("child").order_by("id"))
    for problem in due:
        level = problem.level + 1
        owners = supervisors_of(problem.child.village_id) if level == ProblemLevel.TOWNSHIP else county_officers_of(problem.child.village_id)
        if level == ProblemLevel.TOWNSHIP and not owners:  # a township without a supervisor: straight to the county
            level, owners = ProblemLevel.COUNTY, county_officers_of(problem.child.village_id)
        with transaction.atomic():
            before = {"level": problem.level, "status": problem.status, "owner": problem.owner_id, "due_on": problem.due_on}
            problem.level = level
            problem.status = ProblemStatus.ESCALATED
            problem.owner = owners[0] if owners else problem.owner
            problem.escalated_on = today
            days = _visits_rules(problem.child.village_id, today).value("visits.problem_escalation_days")
            problem.due_on = today + dt.timedelta(days=int(days))
            problem.save(update_fields=["level", "status", "owner", "escalated_on", "due_on"])
            audit_log(actor="system", action="update", obj=problem,
                      summary=msg("问题逾期未解决，上报至%(level)s", level=choice(problem, "level")),
                      changes=diff(before, {"level": problem.level, "status": problem.status, "owner": problem.owner_id, "due_on": problem.due_on}))
            for user in owners:
                notify(user, kind="problem_escalated", send=False,
                       title=msg("逾期未解决的问题已上报给您：%(child)s", child=problem.child.name),
                       body=str(problem), url=f"/visits/problems/{problem.pk}/")
        n += 1
    return n


# ------------------------------------------------------------------------------------ daily / periodic


def states_refresh(*, today: dt.date | None = None) -> dict:
    """Move stored task states with the calendar and notify directors of tasks that became overdue (one
    notification per director per run). Intervals are not recomputed here (see ``schedule_refresh``)."""
    today = _today(today)
    newly = list(Schedule.objects.filter(due_on__lt=today, overdue_notified_on__isnull=True)
                 .values_list("id", "village_id"))
    per_village: dict[str, int] = defaultdict(int)
    for _id, village in newly:
        per_village[village] += 1
    overdue = Schedule.objects.filter(due_on__lt=today).exclude(state=TaskState.OVERDUE).update(state=TaskState.OVERDUE)
    Schedule.objects.filter(id__in=[i for i, _v in newly]).update(overdue_notified_on=today)
    opened = (Schedule.objects.filter(opens_on__lte=today, due_on__gte=today).exclude(state=TaskState.OPEN)
              .update(state=TaskState.OPEN))
    Schedule.objects.filter(opens_on__gt=today).exclude(state=TaskState.UPCOMING).update(state=TaskState.UPCOMING)
    for village, count in per_village.items():
        for user in directors_of(village):
            notify(user, kind="task_overdue", send=False, title=msg_plural("%(n)d 项走访任务已逾期", "%(n)d 项走访任务已逾期", "n", n=count),
                   url="/visits/tasks/")
    return {"overdue": overdue, "opened": opened, "newly_overdue": len(newly)}


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def figures_store(*, today: dt.date | None = None, prefix: str = "") -> int:
    """Store this month's figures per village (overwritten by each run in the month, so the last run of a month
    keeps its figures), counted by the indicator definitions of ``visits/indicators.py`` (R-L1)."""
    from .indicators import problem_counts, schedule_counts

    today = _today(today)
    month = month_start(today)
    rows = schedule_counts(prefix, 12, today)
    problems = problem_counts(prefix, 12, today)
    n = 0
    for village, r in rows.items():
        MonthlyFigure.objects.update_or_create(
            village_id=village, month=month,
            defaults={"contacts_due": r["visits.contacts_due"], "contacts_on_time": r["visits.contacts_on_time"],
                      "visits_due": r["visits.visits_due"], "visits_on_time": r["visits.visits_on_time"],
                      "open_problems": problems.get(village, {}).get("visits.problems_open", 0)})
        n += 1
    return n


def figures_backfill(*, months: int, today: dt.date | None = None, prefix: str = "") -> int:
    """Rebuild the monthly snapshots of past months from the visit history and the current intervals (for the
    demo and after an import of historic visits): at each month's end, a child is on time when its last contact
    (home visit) lies within one interval."""
    today = _today(today)
    scheds = Schedule.objects.all()
    if prefix:
        scheds = scheds.filter(village__code__range=prefix_range(prefix))
    by_child: dict[int, dict] = defaultdict(dict)
    village_of: dict[int, str] = {}
    for s in scheds.values("child_id", "kind", "interval_months", "interval_days", "village_id", "child__created_at"):
        by_child[s["child_id"]][s["kind"]] = Period(s["interval_months"], s["interval_days"])
        village_of[s["child_id"]] = s["village_id"]
        by_child[s["child_id"]]["opened"] = timezone.localdate(s["child__created_at"])
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for child_id, date, kind in Visit.objects.filter(child_id__in=list(by_child)).values_list("child_id", "date", "kind").order_by("date"):
        history[child_id].append((date, kind))
    # A file opened today with an imported visit history (or the demo's) was followed since its first visit: without
    # this, every past month before the file's creation date was empty and the trend showed one month (issue 18 §2).
    for child_id, visits_ in history.items():
        by_child[child_id]["opened"] = min(by_child[child_id]["opened"], visits_[0][0])
    written = 0
    for back in range(months, 0, -1):
        month = add_months(month_start(today), -back)
        end = add_months(month, 1) - dt.timedelta(days=1)
        agg: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for child_id, periods in by_child.items():
            if periods["opened"] > end:
                continue
            last_c = last_h = None
            for date, kind in history.get(child_id, ()):
                if date > end:
                    break
                last_c = date
                if kind == TaskKind.HOME_VISIT:
                    last_h = date
            a = agg[village_of[child_id]]
            a[0] += 1
            a[1] += periods[TaskKind.CONTACT].after(last_c or periods["opened"]) >= end
            a[2] += 1
            a[3] += periods[TaskKind.HOME_VISIT].after(last_h or periods["opened"]) >= end
        for village, (cd, ct, vd, vt) in agg.items():
            MonthlyFigure.objects.update_or_create(village_id=village, month=month, defaults={
                "contacts_due": cd, "contacts_on_time": ct, "visits_due": vd, "visits_on_time": vt})
            written += 1
    return written


def refresh_all(*, today: dt.date | None = None, full: bool = False, progress=None) -> dict:
    """The periodic run (``tonghu visits-refresh`` and the ``visits_refresh`` job): optionally recompute every
    schedule (``full``: after a profile change), move task states, escalate problems, send census reminders and
    store the month's figures; then queue the notifications."""
    today = _today(today)
    result: dict = {}
    if full:
        children = Child.objects.filter(status=ChildStatus.ACTIVE).select_related("village").order_by("pk")
        total = children.count()
        done = 0
        for child in children.iterator(chunk_size=500):
            with transaction.atomic():
                schedule_refresh(child, today=today)
            done += 1
            if progress:
                progress(done, total)
        Schedule.objects.exclude(child__status=ChildStatus.ACTIVE).delete()
        result["recomputed"] = done
    with transaction.atomic():
        result.update(states_refresh(today=today))
        result["escalated"] = problems_escalate(today=today)
        result["reminded"] = census_remind(today=today)
        result["figures"] = figures_store(today=today)
        transaction.on_commit(_send_later)
    return result


def _send_later():
    from .notify import send_notifications

    send_notifications.enqueue()


# --------------------------------------------------------------------------------------- census (R-B1)


def campaign_start(*, actor, scope, name: str, deadline: dt.date, today: dt.date | None = None) -> Campaign:
    """Start a census campaign over ``scope`` (the actor's county or one of its townships)."""
    _require(actor, "visits.census_manage")
    today = _today(today)
    if not in_scope(actor, scope.code) or scope.level not in ("county", "township"):
        raise ValidationError({"scope": _("范围：请选择本县或本县的一个乡镇（街道）。")})
    if deadline < today:
        raise ValidationError({"deadline": _("截止日期：不能早于今天。")})
    if not name.strip():
        raise ValidationError({"name": _("名称：请填写。")})
    from tonghu.core.models import Region

    with transaction.atomic():
        campaign = Campaign.objects.create(name=name.strip(), scope=scope, deadline=deadline, started_by=actor)
        villages = list(Region.objects.filter(level="village", code__range=prefix_range(scope.prefix)).values_list("code", flat=True))
        counts = dict(Child.objects.filter(village_id__in=villages, status=ChildStatus.ACTIVE).values("village_id")
                      .annotate(n=Count("id")).values_list("village_id", "n"))
        CampaignVillage.objects.bulk_create([CampaignVillage(campaign=campaign, village_id=v, expected=counts.get(v, 0)) for v in villages])
        audit_log(actor=actor, action="create", obj=campaign, region_code=scope.code, summary=msg("发起摸底排查"),
                  changes=diff({}, {"name": campaign.name, "scope": scope.code, "deadline": deadline, "villages": len(villages)}))
        for user in users_within(scope, Role.CHILD_DIRECTOR):
            notify(user, kind="census_started", send=False,
                   title=msg("摸底排查“%(name)s”已开始，请于 %(date)s 前逐一确认本村儿童", name=campaign.name, date=deadline),
                   url=f"/visits/census/{campaign.pk}/")
        transaction.on_commit(_send_later)
    return campaign


def census_confirm(*, actor, part: CampaignVillage, child: Child, outcome: str, note: str = "") -> CensusConfirmation:
    """A village confirms one child: still here, details updated, moved away, or newly added."""
    _require(actor, "visits.census_confirm")
    if not CampaignVillage.objects.visible_to(actor, "visits.census_confirm").filter(pk=part.pk).exists():
        raise PermissionDenied("village out of scope")
    if part.campaign.closed:
        raise ValidationError({"campaign": _("该摸底排查已结束。")})
    if child.village_id != part.village_id:
        raise ValidationError({"child": _("儿童：不属于本村（社区）。")})
    if outcome not in CensusOutcome.values:
        raise ValidationError({"outcome": _("确认结果：取值无效。")})
    with transaction.atomic():
        before = CensusConfirmation.objects.filter(campaign=part.campaign, child=child).first()
        conf_row, _created = CensusConfirmation.objects.update_or_create(
            campaign=part.campaign, child=child,
            defaults={"village_id": part.village_id, "outcome": outcome, "note": note.strip()[:200], "confirmed_by": actor})
        audit_log(actor=actor, action="update" if before else "create", obj=conf_row, region_code=part.village_id,
                  summary=msg("摸底排查确认：%(child)s", child=child.name),
                  changes=diff({"outcome": before.outcome if before else None}, {"outcome": outcome}))
    return conf_row


def census_remind(*, today: dt.date | None = None) -> int:
    """Remind directors of villages not yet complete as the deadline nears (7, 3 and 1 day before by default)."""
    today = _today(today)
    thresholds = sorted(int(d) for d in conf("CENSUS_REMINDER_DAYS"))
    sent = 0
    parts = (CampaignVillage.objects.filter(campaign__closed=False, campaign__deadline__gte=today,
                                            campaign__deadline__lte=today + dt.timedelta(days=max(thresholds)))
             .select_related("campaign").annotate(done=Count("campaign__confirmations", filter=Q(campaign__confirmations__village_id=F("village_id")))))
    for part in parts:
        left = (part.campaign.deadline - today).days
        threshold = next((t for t in thresholds if left <= t), None)
        if threshold is None or (part.reminded_days is not None and part.reminded_days <= threshold):
            continue
        if part.done >= part.expected and part.expected > 0:
            continue
        for user in directors_of(part.village_id):
            notify(user, kind="census_reminder", send=False,
                   title=msg_plural("摸底排查“%(name)s”还有 %(n)d 天截止，本村尚未全部确认", "摸底排查“%(name)s”还有 %(n)d 天截止，本村尚未全部确认", "n",
                                    name=part.campaign.name, n=left),
                   url=f"/visits/census/village/{part.pk}/")
            sent += 1
        CampaignVillage.objects.filter(pk=part.pk).update(reminded_days=threshold)
    return sent
