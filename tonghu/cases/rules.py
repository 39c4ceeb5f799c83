"""Routing, deadlines, escalation and the guardianship risk scale of a region, from its jurisdiction profile.

``rules_for_region(code)`` resolves the region's profile (``tonghu.policy.engine.profile_for_region``: the
database's profiles, versioned and cited, or the shipped files) on a date and reads its ``mandatory_reporting``
and ``risk_scale`` sections. A county changes a deadline as it changes any rule: a new profile version with its
source and effective date (docs/policy.md); nothing is cached beyond the profile version, so a new version applies
from its effective date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.policy.engine import profile_for_region
from tonghu.policy.profile import ResolvedProfile

SECTION = "mandatory_reporting"


@dataclass(frozen=True)
class CaseRules:
    """The mandatory-reporting and risk-scale settings of one profile version (R-F2, R-F3, R-F6)."""

    rp: ResolvedProfile = field(repr=False)

    @property
    def profile_key(self) -> str:
        return self.rp.key

    @property
    def profile_version(self) -> str:
        return self.rp.version_label

    def value(self, name: str):
        return self.rp.value(f"{SECTION}.{name}")

    def source(self, name: str) -> str:
        s = self.rp.setting(f"{SECTION}.{name}")
        return s.citation + (_("（系统默认，待确认）") if s.note else "")

    def departments(self, situation: str) -> list[str]:
        depts = list(self.value("routing.departments"))
        if situation in (self.value("routing.womens_federation_situations") or []) and "womens_federation" not in depts:
            depts.append("womens_federation")
        return depts

    def receiving_departments(self) -> set[str]:
        """Every department a report can be routed to under these rules (whatever the situation)."""
        depts = set(self.value("routing.departments"))
        if self.value("routing.womens_federation_situations"):
            depts.add("womens_federation")
        return depts

    def hours(self, name: str, immediate: bool) -> int | None:
        v = self.value(name)
        if not v:
            return None
        return int(v["immediate" if immediate else "normal"])

    def due(self, name: str, start: dt.datetime, immediate: bool) -> dt.datetime | None:
        h = self.hours(name, immediate)
        return None if h is None else start + dt.timedelta(hours=h)

    @property
    def escalation_levels(self) -> list[str]:
        return list(self.value("escalation")["levels"])

    @property
    def escalation_repeat(self) -> dt.timedelta:
        return dt.timedelta(hours=int(self.value("escalation")["repeat_hours"]))

    # -- risk scale ------------------------------------------------------------------------------------
    @property
    def risk(self) -> dict:
        s = self.rp.setting("risk_scale.scale")
        return {**s.value, "source": s.citation + (_("（系统默认，待确认）") if s.note else "")}

    @property
    def indicators(self) -> list[dict]:
        return list(self.risk["indicators"])

    @property
    def levels(self) -> list[dict]:
        return list(self.risk["levels"])

    @property
    def max_score(self) -> int:
        return int(self.risk.get("max_score", 3))

    def level_for(self, scores: dict[str, int]) -> str:
        """The first level whose rule matches, top down; the last level catches the rest."""
        total = sum(scores.values())
        for level in self.levels:
            rule = level.get("any_at_least")
            if rule and any(scores.get(code, 0) >= rule["score"] for code in rule["indicators"]):
                return level["code"]
            if "total_at_least" in level and total >= level["total_at_least"]:
                return level["code"]
            if "any_at_least" not in level and "total_at_least" not in level:
                return level["code"]
        return self.levels[-1]["code"]


def rules_for_region(region_code: str, on: dt.date | None = None) -> CaseRules:
    """The rules in force in ``region_code`` on ``on`` (default today)."""
    return CaseRules(rp=profile_for_region(region_code).at(on or timezone.localdate()))
