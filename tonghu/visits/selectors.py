"""Scoped reads of the visits app. Listing tasks reads the stored schedule only — it never recomputes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonghu.core.models import Region
from tonghu.core.capabilities import has_capability
from tonghu.core.regions import LEVEL_DIGITS
from tonghu.core.scoping import in_scope, prefix_range

from .models import (
    CampaignVillage,
    CensusConfirmation,
    CensusOutcome,
    MonthlyFigure,
    Problem,
    ProblemStatus,
    Schedule,
    TaskKind,
    Visit,
)

WEEK = 7


def tasks_due(user, *, today: dt.date | None = None, horizon_days: int = WEEK, capability: str = "visits.view"):
    """The user's tasks overdue or due within ``horizon_days``: overdue first (oldest due first), then by due date.
    One indexed range scan on (village, due_on); child and village come in the same query."""
    today = today or timezone.localdate()
    return (Schedule.objects.visible_to(user, capability)
            .filter(due_on__lte=today + dt.timedelta(days=horizon_days))
            .select_related("child", "village")
            .only("id", "kind", "due_on", "opens_on", "state", "escalated", "reason", "interval_label", "interval_months",
                  "interval_days", "last_done_on", "child__id", "child__name", "child__village_id", "village__code", "village__name")
            .order_by("due_on", "kind", "child_id"))


def month_progress(user, *, today: dt.date | None = None, capability: str = "visits.view") -> tuple[int, int]:
    """"Done this month X / Y" on the director's task list: X contacts and home visits recorded this month, Y that
    plus the tasks still open that fall due by the end of the month (overdue ones included)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    done = Visit.objects.visible_to(user, capability).filter(date__range=(first, min(today, last))).count()
    open_ = Schedule.objects.visible_to(user, capability).filter(due_on__lte=last).count()
    return done, done + open_


def guardian_phones(user, child_ids) -> dict[int, list[tuple[str, str]]]:
    """The guardians' (name, phone) of these children that the user may see, for tap-to-call on the task list."""
    from tonghu.registry.models import Child, Guardian

    if not child_ids:
        return {}
    visible = Child.objects.visible_to(user, "registry.view_children").filter(pk__in=child_ids).values("pk")
    phones: dict[int, list[tuple[str, str]]] = {}
    for child_id, label, phone in (Guardian.objects.filter(child__in=visible).exclude(phone="")
                                   .order_by("child_id", "role", "pk").values_list("child_id", "name", "phone")):
        phones.setdefault(child_id, []).append((label, phone))
    return phones


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def child_unit_digits(region: Region) -> int:
    """How many code digits name the next level down (county → township 9, township → village 12)."""
    return {"province": 4, "city": 6, "county": 9, "township": 12}.get(region.level, 12)


def compliance_rows(user, region: Region, *, today: dt.date | None = None) -> list[dict]:
    """Per next-level unit below ``region`` (townships of a county, villages of a township): children scheduled,
    contacts and home visits on time in %, and overdue tasks — the indicators of ``visits/indicators.py`` (R-L1),
    counted in one grouped query on the schedule. Empty when ``region`` lies outside the user's area."""
    from tonghu.core import indicators

    today = today or timezone.localdate()
    digits = child_unit_digits(region)
    if not (in_scope(user, region.code) and has_capability(user, "visits.supervise")):
        return []
    stats = indicators.count_values(region.prefix, digits, today, measure_keys=SCHEDULE_MEASURES)
    units = Region.objects.filter(parent=region).order_by("code")
    directors = _directors_by_village(region) if digits == 12 else {}
    return [_figure_row(stats.get(unit.code, {}), region=unit, directors=directors.get(unit.code, [])) for unit in units]


SCHEDULE_MEASURES = ("visits.contacts_due", "visits.contacts_on_time", "visits.visits_due", "visits.visits_on_time", "visits.tasks_overdue")


def _figure_row(counts: dict, **extra) -> dict:
    from tonghu.core import indicators

    return {
        "counts": counts,
        "children": counts.get("visits.contacts_due", 0),
        "contacts_pct": indicators.get("visits.contacts_on_time").value(counts),
        "visits_pct": indicators.get("visits.home_visits_on_time").value(counts),
        "overdue": indicators.get("visits.tasks_overdue").value(counts),
        **extra,
    }


def _directors_by_village(region: Region) -> dict[str, list]:
    from tonghu.accounts.selectors import users_within
    from tonghu.core.roles import Role

    out: dict[str, list] = defaultdict(list)
    for u in users_within(region, Role.CHILD_DIRECTOR).order_by("username"):
        out[u.region_id].append(u)
    return out


def totals(rows: list[dict]) -> dict:
    """The area's own figures: the indicators over the summed counts of its units (not an average of rates)."""
    from tonghu.core import indicators

    return _figure_row(indicators.total({str(i): r["counts"] for i, r in enumerate(rows)}))


def village_children(user, village: Region, *, today: dt.date | None = None):
    """A village's scheduled children with both tasks, overdue first (the drill-down's last level)."""
    rows: dict[int, dict] = {}
    for s in (Schedule.objects.visible_to(user, "visits.supervise").filter(village=village)
              .select_related("child").order_by("due_on")):
        row = rows.setdefault(s.child_id, {"child": s.child, "tasks": {}, "worst": s.due_on})
        row["tasks"][s.kind] = s
        row["worst"] = min(row["worst"], s.due_on)
    return sorted(rows.values(), key=lambda r: (r["worst"], r["child"].name))


def trend(user, region: Region, *, months: int = 12, today: dt.date | None = None) -> list[dict]:
    """On-time % per month over ``region``: closed months from the stored monthly figures, the current month live —
    both through the same indicator definitions as the compliance table, so the table and the trend's current
    month show the same figure (issue 18 item 2)."""
    from tonghu.core import indicators

    today = today or timezone.localdate()
    current = today.replace(day=1)
    qs = (MonthlyFigure.objects.visible_to(user, "visits.supervise").filter(village__code__range=prefix_range(region.prefix), month__lt=current)
          .values("month").annotate(cd=Sum("contacts_due"), ct=Sum("contacts_on_time"), vd=Sum("visits_due"),
                                    vt=Sum("visits_on_time"), op=Sum("open_problems")).order_by("-month")[:max(months - 1, 0)])
    rows = []
    for r in reversed(list(qs)):
        counts = {"visits.contacts_due": r["cd"], "visits.contacts_on_time": r["ct"], "visits.visits_due": r["vd"],
                  "visits.visits_on_time": r["vt"], "visits.tasks_overdue": (r["cd"] - r["ct"]) + (r["vd"] - r["vt"])}
        rows.append(_figure_row(counts, month=r["month"], open_problems=r["op"], live=False))
    if in_scope(user, region.code) and has_capability(user, "visits.supervise"):
        live = indicators.total(indicators.count_values(region.prefix, LEVEL_DIGITS[region.level], today,
                                                        measure_keys=(*SCHEDULE_MEASURES, "visits.problems_open")))
        if live.get("visits.contacts_due") or rows:
            rows.append(_figure_row(live, month=current, open_problems=live.get("visits.problems_open", 0), live=True))
    return rows


def overdue_tasks(user, region: Region, *, today: dt.date | None = None, limit: int = 50):
    today = today or timezone.localdate()
    return (Schedule.objects.visible_to(user, "visits.supervise").filter(village__code__range=prefix_range(region.prefix), due_on__lt=today)
            .select_related("child", "village").order_by("due_on")[:limit])


def open_problems(user, capability: str = "visits.view"):
    return (Problem.objects.visible_to(user, capability).exclude(status=ProblemStatus.RESOLVED)
            .select_related("child", "child__village", "owner").order_by("due_on", "id"))


# --------------------------------------------------------------------------------------- printable file

def quarterly_visit_rows(child, year: int) -> list[dict]:
    """The four 走访情况 rows of the printable file (Guangxi ledger template, 003): for each quarter of ``year``,
    the home-visit dates, the problems found and the measures taken. Always four dicts::

        {"quarter": 1, "dates": [date, …], "dates_text": "1月5日、3月2日", "contacts": 3,
         "problems": ["…"], "problems_text": "…", "measures": ["…"], "measures_text": "…"}

    The caller has already checked that the user may open the child's file.
    """
    return quarterly_visit_rows_of([child.pk], year)[child.pk]


def quarterly_visit_rows_of(child_ids, year: int) -> dict[int, list[dict]]:
    """:func:`quarterly_visit_rows` of many children in two queries (their visits of ``year``, and those visits'
    problems), whatever their number: the ledger export reads a chunk of children at a time this way. Every id in
    ``child_ids`` has its four rows (empty ones when it has no visit). The caller has checked access to the files."""
    ids = list(child_ids)
    out = {pk: [{"quarter": q, "dates": [], "contacts": 0, "problems": [], "measures": []} for q in range(1, 5)] for pk in ids}
    if ids:
        visits = (Visit.objects.filter(child_id__in=ids, date__year=year).only("id", "child_id", "date", "kind", "measures")
                  .prefetch_related("problems").order_by("child_id", "date", "id"))
        for v in visits:
            row = out[v.child_id][(v.date.month - 1) // 3]
            if v.kind == TaskKind.HOME_VISIT:
                row["dates"].append(v.date)
            else:
                row["contacts"] += 1
            for p in v.problems.all():
                row["problems"].append(_("%(category)s：%(description)s") % {"category": p.get_category_display(), "description": p.description})
                if p.resolution:
                    row["measures"].append(p.resolution)
            if v.measures:
                row["measures"].append(v.measures)
    for rows in out.values():
        for row in rows:
            row["dates_text"] = _("、").join(date_format(d, "MONTH_DAY_FORMAT") for d in row["dates"])
            row["problems_text"] = _("；").join(row["problems"])
            row["measures_text"] = _("；").join(dict.fromkeys(row["measures"]))
    return out


# ----------------------------------------------------------------------------------------------- census

def campaign_progress(user, campaign) -> dict:
    """Per village and per township: children to confirm, confirmed, new, moved and % done (R-B1)."""
    parts = list(CampaignVillage.objects.visible_to(user, "visits.census_view").filter(campaign=campaign)
                 .select_related("village", "village__parent").order_by("village_id"))
    counts = defaultdict(lambda: defaultdict(int))
    for village, outcome, n in (CensusConfirmation.objects.filter(campaign=campaign, village_id__in=[p.village_id for p in parts])
                                .values_list("village_id", "outcome").annotate(n=Count("id"))):
        counts[village][outcome] = n
    villages, townships = [], {}
    for p in parts:
        c = counts[p.village_id]
        confirmed = sum(c.values())
        target = p.expected + c[CensusOutcome.NEW]
        row = {"part": p, "village": p.village, "expected": target, "confirmed": confirmed, "new": c[CensusOutcome.NEW],
               "moved": c[CensusOutcome.MOVED], "updated": c[CensusOutcome.UPDATED], "pct": _pct(min(confirmed, target), target) if target else 100.0}
        villages.append(row)
        t = townships.setdefault(p.village.parent_id, {"region": p.village.parent, "expected": 0, "confirmed": 0, "villages": 0, "complete": 0})
        t["expected"] += target
        t["confirmed"] += min(confirmed, target)
        t["villages"] += 1
        t["complete"] += confirmed >= target
    for t in townships.values():
        t["pct"] = _pct(t["confirmed"], t["expected"]) if t["expected"] else 100.0
    total_expected = sum(t["expected"] for t in townships.values())
    total_confirmed = sum(t["confirmed"] for t in townships.values())
    return {"villages": villages, "townships": sorted(townships.values(), key=lambda t: t["region"].code),
            "expected": total_expected, "confirmed": total_confirmed,
            "pct": _pct(total_confirmed, total_expected) if total_expected else 100.0}
