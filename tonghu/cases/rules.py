"""Routing, deadlines, escalation and the guardianship risk scale, read from this app's data files.

``rules_for_region(code)`` picks the jurisdiction profile of a region with the policy engine
(``tonghu.policy.engine.profile_for_region``) and merges ``deadlines.yaml`` / ``risk_scale.yaml`` along the
profile's chain (national first, the most specific profile last), so a profile states only what differs.
The values are data, not code: a county changes a deadline by editing the file (docs/cases.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=4)
def _load(name: str) -> dict[str, Any]:
    with open(HERE / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _chain_keys(region_code: str) -> list[str]:
    try:
        from tonghu.policy.engine import profile_for_region

        return [p.key for p in profile_for_region(region_code).chain()]
    except Exception:  # noqa: BLE001 - no profile covers the region: the national defaults apply
        return ["national"]


@dataclass(frozen=True)
class CaseRules:
    profile_key: str
    settings: dict[str, dict] = field(repr=False)
    risk: dict = field(repr=False)

    def value(self, name: str):
        return self.settings[name]["value"]

    def source(self, name: str) -> str:
        s = self.settings[name]
        return s["source"] + ("（系统默认，待确认）" if s.get("confirm") else "")

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
    def indicators(self) -> list[dict]:
        return list(self.risk["indicators"])

    @property
    def levels(self) -> list[dict]:
        return list(self.risk["levels"])

    @property
    def max_score(self) -> int:
        return int(self.risk.get("max_score", 3))

    def level_for(self, scores: dict[str, int]) -> str:
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


def _flatten(node: dict, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, value in (node or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and "source" in value and "value" in value:
            out[path] = value
        elif isinstance(value, dict):
            out.update(_flatten(value, path))
    return out


@lru_cache(maxsize=256)
def rules_for_region(region_code: str) -> CaseRules:
    keys = _chain_keys(region_code)
    deadlines, scales = _load("deadlines.yaml"), _load("risk_scale.yaml")
    settings: dict[str, dict] = {}
    risk: dict = {}
    for key in ["national", *[k for k in keys if k != "national"]]:
        settings.update(_flatten(deadlines.get(key) or {}))
        if key in scales:
            risk = scales[key]
    return CaseRules(profile_key=keys[-1], settings=settings, risk=risk)
