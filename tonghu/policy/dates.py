"""Calendar arithmetic shared by the policy engine.

Periods in the plans are counted in calendar months and whole years (周岁). We follow 民法典 第二百零二条:
"按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日" — so
adding months keeps the day of the month and clamps to the month's last day when that day does not exist
(1 月 31 日 + 1 个月 = 2 月 28/29 日; a child born on 29 February reaches an age on 28 February in common years).

A threshold "N months" is *reached* on ``add_months(start, N)``: a parent who left on 15 January has been away
3 months on 15 April (not on 14 April). An age limit "under 16" ends on the 16th birthday itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["add_months", "add_years", "whole_months", "age_on", "Period", "fmt_zh", "fmt_en"]


def add_months(d: dt.date, n: int) -> dt.date:
    """Return ``d`` shifted by ``n`` calendar months, clamping to the last day of the target month."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: dt.date, n: int) -> dt.date:
    """Return ``d`` shifted by ``n`` years (29 February becomes 28 February in common years)."""
    return add_months(d, 12 * n)


def whole_months(start: dt.date, end: dt.date) -> int:
    """Number of whole calendar months from ``start`` to ``end`` (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    m = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, m) > end:
        m -= 1
    return m


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years (周岁) on ``on``; the birthday itself counts as the new age."""
    return whole_months(birth, on) // 12


@dataclass(frozen=True)
class Period:
    """A visit interval or similar: some months plus some days."""

    months: int = 0
    days: int = 0

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> "Period":
        unknown = set(value) - {"months", "days"}
        if unknown or not value:
            raise ValueError(f"period must be {{months: N}} or {{days: N}}, got {dict(value)!r}")
        months, days = value.get("months", 0), value.get("days", 0)
        if not isinstance(months, int) or not isinstance(days, int) or months < 0 or days < 0 or months + days == 0:
            raise ValueError(f"period needs positive whole months/days, got {dict(value)!r}")
        return cls(months=months, days=days)

    def after(self, d: dt.date) -> dt.date:
        return add_months(d, self.months) + dt.timedelta(days=self.days)

    def to_dict(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.months:
            out["months"] = self.months
        if self.days:
            out["days"] = self.days
        return out

    @property
    def zh(self) -> str:
        parts = []
        if self.months:
            parts.append("每月" if self.months == 1 and not self.days else f"每{self.months}个月")
        if self.days:
            parts.append(f"每{self.days}天" if not self.months else f"{self.days}天")
        return "".join(parts)

    @property
    def en(self) -> str:
        parts = []
        if self.months:
            parts.append("every month" if self.months == 1 else f"every {self.months} months")
        if self.days:
            parts.append(f"every {self.days} days" if not self.months else f"plus {self.days} days")
        return " ".join(parts)


def fmt_zh(d: dt.date) -> str:
    """A date as officers write it: 2024年4月15日."""
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_en(d: dt.date) -> str:
    return d.isoformat()
