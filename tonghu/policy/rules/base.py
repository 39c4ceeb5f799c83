"""What every rule shares: the :class:`Outcome` it returns, a parent's :class:`Cond`, the evaluation context
:class:`Ctx`, wording helpers, and the vocabularies of the distance and rural requirements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..dates import age_on
from ..facts import (
    GRADE_ZH,
    LABELS_ZH,
    Child,
    ChildFacts,
    Disability,
    Guardian,
    Role,
)
from ..profile import ResolvedProfile
from ..results import FactUsed


WHO_ZH = {Role.FATHER: "父亲", Role.MOTHER: "母亲"}
WHO_EN = {Role.FATHER: "the father", Role.MOTHER: "the mother"}

S_KINDS = ("severe_disability", "serious_illness", "restricted_liberty", "out_of_contact", "guardianship_revoked",
           "deported")
INCAPACITY_KINDS = S_KINDS + ("deceased", "declared_missing")
# The distance rule names the plan's words (跨市域…); the unit says which boundary must be crossed, as the number of
# leading digits of the region code that identify it. A county-level city (香格里拉市 533401) is a ``county`` unit
# although its plan says 跨市域 (issue 19, 001 §一(三)); a prefecture-level city is a ``prefecture`` unit.
DISTANCE_RULES = ("none", "cross_province", "cross_city", "cross_county")
DISTANCE_ZH = {"cross_province": "跨省域", "cross_city": "跨市域", "cross_county": "跨县域"}
DISTANCE_EN = {"cross_province": "another province", "cross_city": "another city", "cross_county": "another county"}
DISTANCE_UNITS = {"county": 6, "prefecture": 4, "province": 2}
# The unit a rule is measured against when the profile names none, and how that unit is called.
DEFAULT_DISTANCE_UNIT = {"cross_province": "province", "cross_city": "prefecture", "cross_county": "county"}
UNIT_ZH = {"province": "省", "prefecture": "市", "county": "县"}
UNIT_EN = {"province": "province", "prefecture": "city", "county": "county"}
RURAL_REQUIREMENTS = ("none", "rural_child", "rural_registration")


# ------------------------------------------------------------------------------------------------- outcome


@dataclass
class Outcome:
    """A rule's verdict on the facts, with everything needed to explain it."""

    holds: bool
    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    facts: list[FactUsed] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    evidence_missing: list[tuple[str, str, str]] = field(default_factory=list)  # (path, zh, en)

    def say(self, zh: str, en: str) -> "Outcome":
        self.zh.append(zh)
        self.en.append(en)
        return self

    def use(self, path: str, value: Any) -> "Outcome":
        if not any(f.path == path for f in self.facts):
            self.facts.append(FactUsed(path, value))
        return self

    def absorb(self, other: "Outcome | Cond") -> None:
        for f in other.facts:
            self.use(f.path, f.value)
        if isinstance(other, Outcome):
            self.missing.extend(m for m in other.missing if m not in self.missing)
            self.evidence_missing.extend(e for e in other.evidence_missing if e not in self.evidence_missing)


@dataclass(frozen=True)
class Cond:
    """One parent condition (dead, severely disabled, detained…) as evaluated on a date."""

    kind: str
    holds: bool
    evidence: bool
    zh: str
    en: str
    facts: tuple[FactUsed, ...]
    evidence_path: str
    evidence_zh: str


# ---------------------------------------------------------------------------------------------------- ctx


@dataclass
class Ctx:
    """The facts, the date and the resolved profile, with helpers shared by rules."""

    facts: ChildFacts
    on: dt.date
    rp: ResolvedProfile

    @property
    def child(self) -> Child:
        return self.facts.child

    def parent(self, role: Role) -> tuple[int, Guardian] | None:
        return self.facts.parent(role)

    def age(self) -> int:
        return age_on(self.child.birth_date, self.on)

    def setting_value(self, path: str) -> Any:
        return self.rp.value(path)

    def severe_definition(self) -> Mapping[str, Any]:
        return self.rp.value("definitions.severe_disability")


def _p(idx: int, *parts: str) -> str:
    return ".".join([f"guardians[{idx}]", *parts])


def _grades_zh(lo: int, hi: int) -> str:
    """一、二级 / 三、四级 / 一至四级."""
    nums = "一二三四"
    if hi - lo >= 2:
        return f"{nums[lo - 1]}至{nums[hi - 1]}级"
    return "、".join(nums[g - 1] for g in range(lo, hi + 1)) + "级"


def severity_text(defn: Mapping[str, Any]) -> tuple[str, str]:
    """Human text of a disability threshold, e.g. "一、二级残疾，或精神、智力残疾三、四级"."""
    any_max = int(defn.get("max_grade_any_type", 0))
    zh = f"{_grades_zh(1, any_max)}残疾" if any_max else ""
    en = f"grade 1–{any_max}" if any_max else ""
    extra: dict[int, list[str]] = {}
    for t, g in (defn.get("max_grade_by_type") or {}).items():
        if g > any_max:
            extra.setdefault(int(g), []).append(t)
    for g, types in sorted(extra.items()):
        tz = "、".join(LABELS_ZH[t] for t in types)
        zh += f"，或{tz}残疾{_grades_zh(any_max + 1, g)}"
        en += f", or {'/'.join(types)} grade {any_max + 1}–{g}"
    return zh, en


def disability_within(d: Disability, defn: Mapping[str, Any]) -> bool:
    limit = (defn.get("max_grade_by_type") or {}).get(d.type.value, defn.get("max_grade_any_type", 0))
    return d.grade <= int(limit)


def disability_zh(d: Disability) -> str:
    return f"{LABELS_ZH[d.type]}残疾{GRADE_ZH[d.grade]}"


def disability_en(d: Disability) -> str:
    return f"{d.type.value} disability grade {d.grade}"


def _on_or_before(d: dt.date | None, on: dt.date) -> bool:
    return d is None or d <= on


