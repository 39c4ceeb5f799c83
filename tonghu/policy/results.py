"""What the engine returns: classifications with their explanations, entitlement gaps, visit plans, changes.

Every result is a frozen dataclass with a ``to_dict()`` giving the JSON form printed by ``tonghu classify`` and,
later, stored beside the child for listing (R-A4: which facts, which rule, which jurisdiction's version).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from .dates import Period

__all__ = [
    "Status",
    "FactUsed",
    "Explanation",
    "Classification",
    "Gap",
    "TriggerHit",
    "VisitPlan",
    "Change",
    "CalendarItem",
]

Status = Literal["met", "not_met", "pending_evidence"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "value") and isinstance(value.value, str):  # StrEnum
        return value.value
    return value


@dataclass(frozen=True)
class FactUsed:
    """One fact a rule read: its JSON field path and value."""

    path: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": _jsonable(self.value)}


@dataclass(frozen=True)
class Explanation:
    """Why a child is, is not, or may be (pending evidence) in one group or category."""

    group: str  # left_behind | in_difficulty | single_parent
    category: str | None  # 困境 sub-category key, None for the group itself
    status: Status
    rule: str  # rule implemented in code (engine.CATEGORY_RULES …)
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str
    facts: tuple[FactUsed, ...]
    missing: tuple[str, ...]  # fact paths that were needed but absent
    evidence_missing: tuple[str, ...]  # fact paths whose evidence flag is false
    profile: str
    profile_version: str
    source: str  # seed clause(s)

    @property
    def key(self) -> str:
        return f"{self.group}.{self.category}" if self.category else self.group

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "group": self.group,
            "category": self.category,
            "status": self.status,
            "rule": self.rule,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "facts": [f.to_dict() for f in self.facts],
            "profile": self.profile,
            "profile_version": self.profile_version,
            "source": self.source,
        }
        if self.missing:
            out["missing"] = list(self.missing)
        if self.evidence_missing:
            out["evidence_missing"] = list(self.evidence_missing)
        return out


@dataclass(frozen=True)
class Classification:
    """All explanations for one child on one date under one profile version."""

    child_id: str
    on: dt.date
    profile: str
    profile_version: str
    explanations: tuple[Explanation, ...]

    def _keys(self, status: Status) -> list[str]:
        return [e.key for e in self.explanations if e.status == status]

    @property
    def categories(self) -> list[str]:
        """Met keys: ``left_behind``, ``in_difficulty`` (if any sub-category), ``in_difficulty.<cat>``,
        ``single_parent``."""
        met = self._keys("met")
        if any(k.startswith("in_difficulty.") for k in met) and "in_difficulty" not in met:
            idx = next(i for i, k in enumerate(met) if k.startswith("in_difficulty."))
            met.insert(idx, "in_difficulty")
        return met

    @property
    def pending(self) -> list[str]:
        """Keys whose conditions hold on the facts but whose evidence is not yet on file."""
        return self._keys("pending_evidence")

    @property
    def left_behind(self) -> bool:
        return "left_behind" in self.categories

    @property
    def in_difficulty(self) -> bool:
        return "in_difficulty" in self.categories

    @property
    def difficulty_categories(self) -> list[str]:
        return [k.split(".", 1)[1] for k in self.categories if k.startswith("in_difficulty.")]

    @property
    def single_parent(self) -> bool:
        return "single_parent" in self.categories

    def met(self) -> list[Explanation]:
        return [e for e in self.explanations if e.status == "met"]

    def not_met(self) -> list[Explanation]:
        return [e for e in self.explanations if e.status == "not_met"]

    def pending_evidence(self) -> list[Explanation]:
        return [e for e in self.explanations if e.status == "pending_evidence"]

    def explanation(self, key: str) -> Explanation:
        for e in self.explanations:
            if e.key == key:
                return e
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.child_id,
            "on": self.on.isoformat(),
            "profile": self.profile,
            "profile_version": self.profile_version,
            "categories": self.categories,
            "pending_evidence": self.pending,
            "explanations": [e.to_dict() for e in self.met() + self.pending_evidence()],
            "not_met": [e.to_dict() for e in self.not_met()],
        }


@dataclass(frozen=True)
class Gap:
    """应保尽保 (R-E1): a scheme the rules say the child qualifies for but that is not recorded as received."""

    scheme: str
    status: Literal["eligible", "pending_evidence"]
    reason_zh: str
    reason_en: str
    rule: str
    source: str
    because: tuple[str, ...] = ()  # classification keys or facts that triggered it

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "status": self.status,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
            "rule": self.rule,
            "source": self.source,
            "because": list(self.because),
        }


@dataclass(frozen=True)
class TriggerHit:
    key: str
    label_zh: str
    text_zh: str
    text_en: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label_zh": self.label_zh, "text_zh": self.text_zh, "text_en": self.text_en,
                "source": self.source}


@dataclass(frozen=True)
class VisitPlan:
    """Contact and home-visit cadence for a served child (R-C1), escalated when a trigger fires (R-C2)."""

    groups: tuple[str, ...]
    contact_interval: Period
    home_visit_interval: Period
    escalated: bool
    triggers: tuple[TriggerHit, ...]
    text_zh: str
    source: str
    profile_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "contact_interval": self.contact_interval.to_dict(),
            "home_visit_interval": self.home_visit_interval.to_dict(),
            "escalated": self.escalated,
            "triggers": [t.to_dict() for t in self.triggers],
            "text_zh": self.text_zh,
            "source": self.source,
            "profile_version": self.profile_version,
        }


@dataclass(frozen=True)
class Change:
    """A date on which classification (or entitlements) changes by the passage of time alone."""

    date: dt.date
    entered: tuple[str, ...]
    left: tuple[str, ...]
    gaps_added: tuple[str, ...]
    gaps_removed: tuple[str, ...]
    causes_zh: tuple[str, ...]
    causes_en: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "entered": list(self.entered),
            "left": list(self.left),
            "gaps_added": list(self.gaps_added),
            "gaps_removed": list(self.gaps_removed),
            "causes_zh": list(self.causes_zh),
            "causes_en": list(self.causes_en),
        }


@dataclass(frozen=True)
class CalendarItem:
    """A dated deadline or milestone from a profile (R-B1, R-M1, R-M2)."""

    date: dt.date
    kind: Literal["census", "progress_report", "phase_start", "phase_end", "milestone"]
    zh: str
    en: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "kind": self.kind, "zh": self.zh, "en": self.en, "source": self.source}
