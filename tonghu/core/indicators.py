"""Unified indicators (统一口径, R-L1): every figure tonghu shows is defined once, here or in an app's
``indicators.py``, and the same definition serves pages, the API, exports, snapshots and progress reports.

Two kinds of things are registered:

* a **measure source** (``@measures(...)``): a function counting something per area, e.g. "contacts due" and
  "contacts on time", grouped by the first ``digits`` digits of the village code. Counts are additive, so a
  village's counts sum to its township's, county's… (DHIS2's *data elements*)::

      @measures({"visits.contacts_due": _("应联系任务"), "visits.contacts_on_time": _("按时联系任务")},
                history=monthly_history)
      def schedule_counts(prefix: str, digits: int, on: date) -> dict[str, dict[str, int]]:
          ...  # {unit_code (12 digits): {measure_key: n}}

  ``history(prefix, digits, month)`` (optional) answers for a closed month from the app's own stored monthly
  record; without it a past month is recomputed from today's records as of the month's last day.

* an **indicator** (``indicator(...)``): what a user reads — a count (one measure) or a rate (numerator ÷
  denominator in %), with its definition text, formula, source tables and seed citation (DHIS2's *indicators*).

Apps register in their own ``indicators.py`` (discovered on first use), so a new app adds figures without
editing anyone else's file. This module lives in core so that every layer may read the definitions; the
supervision app stores monthly snapshots and draws the dashboards on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import Substr

from .regions import LEVEL_DIGITS, LEVEL_ORDER
from .scoping import prefix_range

Counts = dict[str, dict[str, int]]  # unit code (12 digits) -> measure key -> count


@dataclass(frozen=True)
class MeasureSource:
    keys: dict  # measure key -> label (lazy)
    compute: Callable[[str, int, dt.date], Counts]
    history: Callable[[str, int, dt.date], Counts] | None = None
    name: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    definition: object  # the plain-words definition shown next to the figure (zh source, English in the .po)
    formula: object  # e.g. "按时联系任务 ÷ 应联系任务 × 100%"
    numerator: str
    denominator: str | None = None
    sources: tuple[str, ...] = ()  # database tables the figure is counted from
    seeds: tuple[str, ...] = ()  # where the users' plans ask for it (seed file § or R-number)
    unit: str = "count"  # "count" or "pct"
    better: str = ""  # "high", "low" or "" (ranking: worst first)
    group: str = ""
    order: int = 100
    headline: bool = False  # a card on the dashboards
    extra: dict = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    def value(self, counts: dict | None):
        """The figure from additive counts: a rate in % (one decimal; None when nothing is due) or a count."""
        counts = counts or {}
        num = counts.get(self.numerator, 0) or 0
        if self.denominator is None:
            return num
        den = counts.get(self.denominator, 0) or 0
        return round(100.0 * num / den, 1) if den else None

    def measure_keys(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)

    def worse(self, a, b) -> bool:
        """Is figure a worse than b (None counts as worst)?"""
        if a is None:
            return b is not None
        if b is None:
            return False
        return a < b if self.better == "high" else a > b


_SOURCES: list[MeasureSource] = []
_INDICATORS: dict[str, Indicator] = {}
_discovered = False


def measures(keys: dict, *, history=None):
    """Register a function counting one or more measures per area (see the module docstring)."""

    def register(func):
        for source in _SOURCES:
            dup = set(source.keys) & set(keys)
            if dup and source.name != f"{func.__module__}.{func.__qualname__}":
                raise ValueError(f"measures {sorted(dup)} registered twice")
        name = f"{func.__module__}.{func.__qualname__}"
        _SOURCES[:] = [s for s in _SOURCES if s.name != name]
        _SOURCES.append(MeasureSource(keys=dict(keys), compute=func, history=history, name=name))
        return func

    return register


def indicator(key: str, **kwargs) -> Indicator:
    """Register (or re-register on reload) one indicator; returns it."""
    ind = Indicator(key=key, **kwargs)
    _INDICATORS[key] = ind
    return ind


def discover() -> None:
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("tonghu."):
            try:
                import_module(f"{config.name}.indicators")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.indicators":
                    raise
    _discovered = True


def catalogue(keys: Iterable[str] | None = None) -> list[Indicator]:
    """The registered indicators (all, or these keys in this order), by group and order otherwise."""
    discover()
    if keys is not None:
        return [_INDICATORS[k] for k in keys if k in _INDICATORS]
    return sorted(_INDICATORS.values(), key=lambda i: (i.order, i.key))


def get(key: str) -> Indicator:
    discover()
    return _INDICATORS[key]


def measure_labels() -> dict:
    discover()
    return {k: label for s in _SOURCES for k, label in s.keys.items()}


def _sources_for(keys: Iterable[str] | None) -> list[MeasureSource]:
    discover()
    if keys is None:
        return list(_SOURCES)
    wanted = set(keys)
    return [s for s in _SOURCES if wanted & set(s.keys)]


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def count_values(prefix: str, digits: int, on: dt.date, *, measure_keys: Iterable[str] | None = None,
                 month: dt.date | None = None, history_only: bool = False) -> Counts:
    """Counts of the measures per unit (``digits`` digits of the code, padded to 12) within ``prefix``, as of ``on``.
    With ``month`` (a closed month), sources with a history answer from their stored monthly record
    (``history_only``: only those)."""
    out: Counts = {}
    for source in _sources_for(measure_keys):
        if history_only and source.history is None:
            continue
        if month is not None and source.history is not None:
            part = source.history(prefix, digits, month)
        else:
            part = source.compute(prefix, digits, on)
        for unit, values in part.items():
            out.setdefault(unit, {}).update(values)
    return out


def total(counts: Counts) -> dict[str, int]:
    """Sum of the counts over all units (the area's own figure)."""
    out: dict[str, int] = {}
    for values in counts.values():
        for k, n in values.items():
            out[k] = out.get(k, 0) + (n or 0)
    return out


def evaluate(counts: dict | None, keys: Iterable[str] | None = None) -> dict:
    """{indicator key: figure} for one area's counts."""
    return {ind.key: ind.value(counts) for ind in catalogue(keys)}


def child_digits(level: str) -> int:
    """How many code digits name the next level down (county -> township: 9)."""
    index = LEVEL_ORDER.index(level)
    return LEVEL_DIGITS[LEVEL_ORDER[min(index + 1, len(LEVEL_ORDER) - 1)]]


def rollup(village_counts: Counts) -> Counts:
    """Village counts summed to every level above (province, city, county, township) and kept for the villages."""
    out: Counts = {}
    for code, values in village_counts.items():
        for level in LEVEL_ORDER:
            key = code[: LEVEL_DIGITS[level]].ljust(12, "0")
            slot = out.setdefault(key, {})
            for k, n in values.items():
                slot[k] = slot.get(k, 0) + (n or 0)
    return out


# ------------------------------------------------------------------------- helpers for measure sources

def grouped_counts(qs, *, code_field: str, prefix: str, digits: int, counts: dict[str, Q | None]) -> Counts:
    """One grouped query: ``counts`` maps a measure key to the filter of the rows it counts (None: all rows)."""
    # ``code_field`` is the path to the region code (``village__code``); grouped on the foreign key's column
    # (``village_id``: the code itself, Region's primary key) so that no join is needed.
    column = code_field[: -len("__code")] + "_id" if code_field.endswith("__code") else code_field
    annotations = {key: Count("pk", filter=flt) if flt is not None else Count("pk") for key, flt in counts.items()}
    rows = (qs.filter(**{f"{code_field}__range": prefix_range(prefix)})
            .annotate(_unit=Substr(column, 1, digits)).values("_unit").annotate(**annotations).order_by())
    return {r["_unit"].ljust(12, "0"): {k: r[k] for k in counts} for r in rows}
