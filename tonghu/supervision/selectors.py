"""Scoped reads of the supervision app: an area's figures for the dashboards (cards, monthly trend, ranking of
the units below), every figure through the definitions of ``tonghu.core.indicators``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from tonghu.core import indicators
from tonghu.core.capabilities import has_capability
from tonghu.core.models import Region
from tonghu.core.regions import LEVEL_DIGITS

from .models import FigureSnapshot

# Areas this small are counted live on every page load; above (city, province) the current month comes from the
# provisional snapshot the daily job rewrites (a province of a million children is not re-counted per click).
LIVE_LEVELS = ("county", "township", "village")
# … and only while the area has at most this many children (a county of a million-child province has ~9,000; its
# page then reads the daily snapshot: 0.9 s counted live against ~0.1 s, docs/benchmarks.md)
LIVE_MAX_CHILDREN = 5000

TREND_KEYS = ("visits.contacts_on_time", "visits.home_visits_on_time", "policy.coverage")


def area_for(user, code: str | None = None, capability: str = "supervision.view") -> Region:
    """The user's own area, or a region inside it (404 outside it or without the capability)."""
    if not has_capability(user, capability) or user.region_id is None:
        raise Http404
    if code is None:
        return user.region
    region = Region.objects.visible_to(user, "core.view_regions").filter(code=code).first()
    if region is None:
        raise Http404
    return region


def live_levels() -> tuple[str, ...]:
    return tuple(getattr(settings, "TONGHU", {}).get("SUPERVISION_LIVE_LEVELS", LIVE_LEVELS))


def live_max_children() -> int:
    return int(getattr(settings, "TONGHU", {}).get("SUPERVISION_LIVE_MAX_CHILDREN", LIVE_MAX_CHILDREN))


def current_counts(region: Region, *, today: dt.date) -> tuple[dict, indicators.Counts, dict]:
    """(the area's own counts, counts per unit one level down, info) for the current month: counted live for a
    county, township or village of up to ``SUPERVISION_LIVE_MAX_CHILDREN`` children, otherwise read from the
    provisional snapshot the daily job rewrites (falling back to counting when there is none yet)."""
    digits = indicators.child_digits(region.level) if region.level != "village" else 12
    month = indicators.month_start(today)
    own = FigureSnapshot.objects.filter(month=month, region=region).only("counts", "computed_at").first()
    small = own is None or (own.counts.get("registry.children") or 0) <= live_max_children()
    if own is not None and not (region.level in live_levels() and small):
        rows = dict(FigureSnapshot.objects.filter(month=month, region__parent=region).values_list("region_id", "counts"))
        return own.counts, rows, {"live": False, "computed_at": own.computed_at}
    units = indicators.count_values(region.prefix, digits, today)
    counts = indicators.total(units) if region.level != "village" else units.get(region.code, {})
    return counts, ({} if region.level == "village" else units), {"live": True, "computed_at": timezone.now()}


def trend(region: Region, *, today: dt.date, months: int = 12, current: dict | None = None) -> list[dict]:
    """The last ``months`` months: closed ones from the snapshots, the current one from ``current``."""
    this_month = indicators.month_start(today)
    snaps = list(FigureSnapshot.objects.filter(region=region, month__lt=this_month).order_by("-month")
                 .values_list("month", "counts")[: months - 1])
    rows = [{"month": m, "counts": c, "live": False} for m, c in reversed(snaps)]
    if current is not None:
        rows.append({"month": this_month, "counts": current, "live": True})
    for row in rows:
        row["values"] = indicators.evaluate(row["counts"])
    return rows


def ranking(region: Region, units: indicators.Counts, *, sort: str) -> list[dict]:
    """The units one level down with their figures, worst first by indicator ``sort``."""
    ind = indicators.get(sort)
    rows = [{"region": r, "counts": units.get(r.code, {}), "values": indicators.evaluate(units.get(r.code, {}))}
            for r in Region.objects.filter(parent=region).order_by("code")]
    worst_first = ind.better != "high"

    def key(row):
        v = row["values"][sort]
        if v is None:
            return (0, 0)  # nothing due: listed first, to be looked at
        return (1, -v if worst_first else v)

    return sorted(rows, key=key)


def dashboard(user, region: Region, *, today: dt.date | None = None, sort: str = "visits.contacts_on_time") -> dict:
    today = today or timezone.localdate()
    own, units, info = current_counts(region, today=today)
    catalogue = indicators.catalogue()
    if sort not in {i.key for i in catalogue}:
        sort = "visits.contacts_on_time"
    trend_rows = trend(region, today=today, current=own)
    previous = trend_rows[-2]["values"] if len(trend_rows) >= 2 else {}
    cards = [{"indicator": i, "value": indicators.get(i.key).value(own), "previous": previous.get(i.key)}
             for i in catalogue if i.headline]
    return {
        "region": region,
        "today": today,
        "own": own,
        "values": indicators.evaluate(own),
        "cards": cards,
        "trend": trend_rows,
        "trend_indicators": indicators.catalogue(TREND_KEYS),
        "ranking": ranking(region, units, sort=sort) if region.level != "village" else [],
        "sort": indicators.get(sort),
        "catalogue": catalogue,
        "info": info,
        "unit_digits": LEVEL_DIGITS[region.level],
    }
