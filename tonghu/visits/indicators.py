"""The visit figures (R-L1): contacts and home visits on time, overdue tasks, problems open and overdue.

Defined once here (``tonghu.core.indicators``); the supervisor's compliance table, its monthly trend, the
dashboards, the API, exports and snapshots all read these definitions, so the same village and month shows the
same figure everywhere (issue 18 item 2: the table said 88.9 % and the trend 66.7 %).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from tonghu.core.indicators import grouped_counts, indicator, measures
from tonghu.core.scoping import prefix_range

SEED_FREQUENCY = ("000 §二8", "001 §二5", "R-C1")


def _schedule_history(prefix: str, digits: int, month: dt.date):
    """A closed month from the stored monthly figures (``MonthlyFigure``, written by the periodic run with the
    counts below): the month's record does not change when today's schedule does."""
    from .models import MonthlyFigure

    rows = (MonthlyFigure.objects.filter(village__code__range=prefix_range(prefix), month=month)
            .annotate(_unit=Substr("village_id", 1, digits)).values("_unit")
            .annotate(cd=Sum("contacts_due"), ct=Sum("contacts_on_time"), vd=Sum("visits_due"), vt=Sum("visits_on_time"))
            .order_by())
    return {r["_unit"].ljust(12, "0"): {
        "visits.contacts_due": r["cd"], "visits.contacts_on_time": r["ct"], "visits.visits_due": r["vd"],
        "visits.visits_on_time": r["vt"], "visits.tasks_overdue": (r["cd"] - r["ct"]) + (r["vd"] - r["vt"]),
    } for r in rows}


@measures({
    "visits.contacts_due": _("应联系儿童"),
    "visits.contacts_on_time": _("联系未逾期儿童"),
    "visits.visits_due": _("应入户走访儿童"),
    "visits.visits_on_time": _("入户走访未逾期儿童"),
    "visits.tasks_overdue": _("逾期任务"),
}, history=_schedule_history)
def schedule_counts(prefix: str, digits: int, on: dt.date):
    """Counted from the stored schedule (one row per child and task kind): a task is on time while its due date
    has not passed on ``on``."""
    from .models import Schedule, TaskKind

    return grouped_counts(Schedule.objects.all(), code_field="village__code", prefix=prefix, digits=digits, counts={
        "visits.contacts_due": Q(kind=TaskKind.CONTACT),
        "visits.contacts_on_time": Q(kind=TaskKind.CONTACT, due_on__gte=on),
        "visits.visits_due": Q(kind=TaskKind.HOME_VISIT),
        "visits.visits_on_time": Q(kind=TaskKind.HOME_VISIT, due_on__gte=on),
        "visits.tasks_overdue": Q(due_on__lt=on),
    })


@measures({"visits.problems_open": _("未解决问题"), "visits.problems_overdue": _("超期未解决问题")})
def problem_counts(prefix: str, digits: int, on: dt.date):
    from .models import Problem, ProblemStatus

    return grouped_counts(Problem.objects.exclude(status=ProblemStatus.RESOLVED), code_field="child__village__code",
                          prefix=prefix, digits=digits, counts={
                              "visits.problems_open": None,
                              "visits.problems_overdue": Q(due_on__lt=on),
                          })


indicator(
    "visits.contacts_on_time", label=_("联系按时率"), group="visits", order=20, unit="pct", better="high", headline=True,
    numerator="visits.contacts_on_time", denominator="visits.contacts_due",
    definition=_("在册儿童中，按规定频次（至少每月一次）联系且截至统计日未逾期的儿童所占比例。"),
    formula=_("联系未逾期儿童 ÷ 应联系儿童 × 100%"),
    sources=("visits_schedule",), seeds=SEED_FREQUENCY,
)
indicator(
    "visits.home_visits_on_time", label=_("入户走访按时率"), group="visits", order=21, unit="pct", better="high", headline=True,
    numerator="visits.visits_on_time", denominator="visits.visits_due",
    definition=_("在册儿童中，按规定频次（至少每三个月一次）入户走访且截至统计日未逾期的儿童所占比例。"),
    formula=_("入户走访未逾期儿童 ÷ 应入户走访儿童 × 100%"),
    sources=("visits_schedule",), seeds=SEED_FREQUENCY,
)
indicator(
    "visits.tasks_overdue", label=_("逾期走访任务"), group="visits", order=22, better="low", headline=True,
    numerator="visits.tasks_overdue",
    definition=_("截至统计日已过截止日期仍未完成的联系和入户走访任务数（每名儿童每类任务计一次）。"),
    formula=_("截止日期早于统计日的联系任务数 + 入户走访任务数"),
    sources=("visits_schedule",), seeds=SEED_FREQUENCY,
)
indicator(
    "visits.problems_open", label=_("未解决问题"), group="visits", order=25, better="low",
    numerator="visits.problems_open",
    definition=_("走访中发现、尚未解决的问题数。"),
    formula=_("状态不是“已解决”的问题数"),
    sources=("visits_problem",), seeds=("000 §二8", "R-C4"),
)
indicator(
    "visits.problems_overdue", label=_("超期未解决问题"), group="visits", order=26, better="low",
    numerator="visits.problems_overdue",
    definition=_("已过办结期限仍未解决的问题数。"),
    formula=_("办结期限早于统计日且未解决的问题数"),
    sources=("visits_problem",), seeds=("000 §二8", "R-C4"),
)
