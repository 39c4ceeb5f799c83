"""Writes of the supervision app: monthly snapshots of the unified figures (issue 13 §2) and reminding a director
of an overdue task (issue 18 §2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.core import indicators
from tonghu.core.capabilities import has_capability
from tonghu.core.models import Region
from tonghu.core.regions import LEVEL_DIGITS
from tonghu.core.scoping import in_scope, prefix_range

from .models import FigureSnapshot


def _region_codes(prefix: str) -> set[str]:
    qs = Region.objects.all()
    if prefix:
        qs = qs.filter(code__range=prefix_range(prefix))
    return set(qs.values_list("code", flat=True))


def _write(month: dt.date, rows: dict[str, dict], *, frozen: bool, now) -> int:
    existing_frozen = set(FigureSnapshot.objects.filter(month=month, frozen=True, region_id__in=list(rows)).values_list("region_id", flat=True))
    FigureSnapshot.objects.filter(month=month, frozen=False, region_id__in=list(rows)).delete()
    objs = [FigureSnapshot(region_id=code, month=month, counts=counts, frozen=frozen, computed_at=now)
            for code, counts in rows.items() if code not in existing_frozen]
    FigureSnapshot.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def snapshot_take(*, today: dt.date | None = None, month: dt.date | None = None, prefix: str = "", progress=None) -> dict:
    """Store the figures per region (every level) for a month (``tonghu figures-snapshot``, the daily job).

    * the current month (default): provisional rows, rewritten by each run;
    * closed months still provisional are frozen first: their history-backed measures (the visits app's stored
      monthly figures) are taken from that month's record, the others keep the last provisional run's counts;
    * ``month`` = a closed month without a snapshot: built from the stored monthly records where an app keeps
      them, otherwise from today's records as of the month's last day; frozen at once. A frozen month is never
      written again, so last month's figures do not change when today's data does.
    """
    today = today or timezone.localdate()
    current = indicators.month_start(today)
    month = indicators.month_start(month) if month else current
    if month > current:
        raise ValidationError(_("不能为未来的月份生成快照。"))
    now = timezone.now()
    codes = {c for c in _region_codes(prefix) if _in_prefix(c, prefix)}
    result = {"frozen": 0, "written": 0, "skipped": 0}
    with transaction.atomic():
        open_months = sorted(set(FigureSnapshot.objects.filter(frozen=False, month__lt=current, region_id__in=codes)
                                 .values_list("month", flat=True)))
        for m in open_months:
            hist = indicators.rollup(indicators.count_values(prefix, 12, indicators.month_end(m), month=m, history_only=True))
            provisional = dict(FigureSnapshot.objects.filter(frozen=False, month=m, region_id__in=codes).values_list("region_id", "counts"))
            rows = {}
            for code in set(provisional) | {c for c in hist if c in codes}:
                rows[code] = {**provisional.get(code, {}), **hist.get(code, {})}
            result["frozen"] += _write(m, rows, frozen=True, now=now)
        if month == current:
            counts = indicators.rollup(indicators.count_values(prefix, 12, today))
            result["written"] = _write(month, {c: v for c, v in counts.items() if c in codes}, frozen=False, now=now)
        elif FigureSnapshot.objects.filter(month=month, frozen=True, region_id__in=codes).exists():
            result["skipped"] = 1
        else:
            counts = indicators.rollup(indicators.count_values(prefix, 12, indicators.month_end(month), month=month))
            result["written"] = _write(month, {c: v for c, v in counts.items() if c in codes}, frozen=True, now=now)
    if progress:
        progress(1, 1)
    return result


def _in_prefix(code: str, prefix: str) -> bool:
    """Is region ``code`` inside the area of ``prefix`` (itself included)? A run limited to one county writes that
    county, its townships and villages — never its city or province, whose rows would then hold one county only."""
    if not prefix:
        return True
    return code.startswith(prefix) and len(prefix) in LEVEL_DIGITS.values()


# ------------------------------------------------------------------------------------------------ reminders

def remind_director(*, actor, task, today: dt.date | None = None) -> tuple[int, bool]:
    """Notify the village's child directors of one overdue task (issue 18 §2). Idempotent per task and day: a second
    press the same day sends nothing. Returns (directors notified, sent now)."""
    from tonghu.accounts.models import User
    from tonghu.accounts.roles import Role
    from tonghu.visits.models import Notification
    from tonghu.visits.notify import notify
    from tonghu.visits.views import due_text, task_label

    today = today or timezone.localdate()
    if not has_capability(actor, "supervision.remind") or not in_scope(actor, task.village_id):
        raise PermissionDenied
    directors = list(User.objects.filter(role=Role.CHILD_DIRECTOR, region_id=task.village_id, is_active=True).order_by("pk"))
    if not directors:
        raise ValidationError(_("该村（社区）没有配备儿童主任，无法提醒。"))
    kind = f"remind:{task.pk}:{today:%Y%m%d}"
    with transaction.atomic():
        if Notification.objects.filter(kind=kind, user__in=directors).exists():
            return len(directors), False
        for director in directors:
            notify(director, kind=kind, title=_("请尽快完成：%(child)s %(task)s（%(due)s）") % {
                "child": task.child.name, "task": task_label(task), "due": due_text(task, today)},
                body=_("%(who)s 提醒您完成这项走访任务。") % {"who": actor.get_full_name() or actor.username},
                url=f"/visits/new/{task.child_id}/?kind={task.kind}")
        audit_log(actor=actor, action="create", obj=task, summary=_("提醒儿童主任完成逾期任务"))
    return len(directors), True
