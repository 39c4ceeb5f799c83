"""The rules a profile can name, implemented once, parameterised by profile data.

A profile says *which* rule decides a category and with what thresholds (``rule: child_disability``,
``params: {max_grade_any_type: 4}``); this module says *how*. Every rule returns an :class:`Outcome` — whether it
holds, a plain-Chinese and English account of the facts it looked at, the fact paths read, facts that were
missing, and facts whose evidence is not on file — so the engine can turn any decision into an explanation.

Parent conditions follow DOMAIN.md (民发〔2019〕62号):

* *gone*: dead (incl. court-declared death) or declared missing by a court;
* set *S*: severe disability (grades from ``definitions.severe_disability``), serious illness, restriction of
  liberty for ≥ ``restriction_min_months`` (a known term that long counts from its start; an open-ended one once
  that long has elapsed; contiguous measures — detention then prison — are one period), out of contact for
  ≥ ``out_of_contact_min_months`` counted from the police's acceptance of the report, guardianship revoked by a
  court, deported.

For 留守 the "other parent lacks guardianship capacity" test uses the *current* state of the conditions listed in
``left_behind.other_parent_incapable_when`` (no 6-month thresholds: a parent detained last week cannot care today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .dates import add_months, add_years, age_on, fmt_en, fmt_zh, whole_months
from .facts import (
    GRADE_ZH,
    LABELS_EN,
    LABELS_ZH,
    Child,
    ChildFacts,
    Disability,
    Guardian,
    HukouType,
    Restriction,
    Role,
    SchoolingStatus,
)
from .profile import ResolvedProfile
from .results import FactUsed

__all__ = [
    "Outcome",
    "Ctx",
    "Cond",
    "CATEGORY_RULES",
    "TRIGGER_RULES",
    "ENTITLEMENT_RULES",
    "INCAPACITY_KINDS",
    "S_KINDS",
    "DISTANCE_RULES",
    "DISTANCE_UNITS",
    "NEEDS",
    "RURAL_REQUIREMENTS",
]

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


# --------------------------------------------------------------------------------------- parent conditions


def _cond_deceased(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    if g.deceased is None or not _on_or_before(g.deceased.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(g.deceased.date)}" if g.deceased.date else ""
    court = "（经人民法院宣告死亡）" if g.deceased.declared_by_court else ""
    facts = [FactUsed(_p(i, "deceased", "date"), g.deceased.date)] if g.deceased.date else []
    if g.deceased.declared_by_court:
        facts.append(FactUsed(_p(i, "deceased", "declared_by_court"), True))
    return Cond("deceased", True, g.deceased.evidence, f"{who}已{when}死亡{court}",
                f"{whoe} died" + (f" on {fmt_en(g.deceased.date)}" if g.deceased.date else "")
                + (" (declared dead by a court)" if g.deceased.declared_by_court else ""),
                tuple(facts), _p(i, "deceased", "evidence"), f"{who}死亡证明或宣告死亡判决")


def _cond_declared_missing(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    m = g.declared_missing
    if m is None or not _on_or_before(m.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(m.date)}" if m.date else ""
    facts = (FactUsed(_p(i, "declared_missing", "date"), m.date),) if m.date else (
        FactUsed(_p(i, "declared_missing"), True),)
    return Cond("declared_missing", True, m.evidence, f"{who}已{when}被人民法院宣告失踪",
                f"{whoe} was declared missing by a court" + (f" on {fmt_en(m.date)}" if m.date else ""),
                facts, _p(i, "declared_missing", "evidence"), f"{who}宣告失踪判决")


def _cond_disability(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    d = g.disability
    if d is None:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    defn = ctx.severe_definition()
    ok = disability_within(d, defn)
    rule_zh, rule_en = severity_text(defn)
    facts = (FactUsed(_p(i, "disability", "type"), d.type), FactUsed(_p(i, "disability", "grade"), d.grade))
    if ok:
        zh, en = f"{who}为{disability_zh(d)}（属重度残疾）", f"{whoe} has {disability_en(d)} (severe)"
    else:
        zh = f"{who}为{disability_zh(d)}，不属于重度残疾（{rule_zh}）"
        en = f"{whoe} has {disability_en(d)}, which is not severe ({rule_en})"
    return Cond("severe_disability", ok, d.evidence, zh, en, facts, _p(i, "disability", "evidence"),
                f"{who}残疾证")


def _cond_illness(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    ill = g.serious_illness
    if ill is None:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    name = f"（{ill.name}）" if ill.name else ""
    return Cond("serious_illness", True, ill.evidence, f"{who}患重病{name}", f"{whoe} is seriously ill",
                (FactUsed(_p(i, "serious_illness"), ill.name or True),), _p(i, "serious_illness", "evidence"),
                f"{who}重病诊断证明")


def restriction_period(rs: Iterable[tuple[int, Restriction]], on: dt.date) -> list[tuple[int, Restriction]] | None:
    """The chain of contiguous restrictions in force on ``on`` (detention followed by prison is one period)."""
    ordered = sorted(rs, key=lambda t: t[1].start)
    chains: list[list[tuple[int, Restriction]]] = []
    for item in ordered:
        if chains:
            last_end = chains[-1][-1][1].end
            if last_end is None or item[1].start <= last_end:
                chains[-1].append(item)
                continue
        chains.append([item])
    for chain in chains:
        start = chain[0][1].start
        ends = [r.end for _, r in chain]
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        if start <= on and (end is None or on < end):
            return chain
    return None


def _cond_restriction(ctx: Ctx, i: int, g: Guardian, *, threshold: bool) -> Cond | None:
    if not g.restrictions:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    chain = restriction_period(enumerate(g.restrictions), ctx.on)
    if chain is None:
        past = [r for r in g.restrictions if r.end is not None and r.end <= ctx.on]
        if not past:
            return None  # only future measures: nothing to say today
        last = max(past, key=lambda r: r.end or r.start)
        assert last.end is not None
        return Cond("restricted_liberty", False, True, f"{who}的{LABELS_ZH[last.kind]}已于{fmt_zh(last.end)}解除",
                    f"{whoe}'s {LABELS_EN[last.kind.value]} ended on {fmt_en(last.end)}",
                    (FactUsed(_p(i, "restrictions"), len(g.restrictions)),), "", "")
    start = chain[0][1].start
    ends = [r.end for _, r in chain]
    end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    kinds_zh = "后".join(dict.fromkeys(LABELS_ZH[r.kind] for _, r in chain))
    kinds_en = " then ".join(dict.fromkeys(LABELS_EN[r.kind.value] for _, r in chain))
    facts = tuple(FactUsed(f"guardians[{i}].restrictions[{idx}].from", r.start) for idx, r in chain) + tuple(
        FactUsed(f"guardians[{i}].restrictions[{idx}].to", r.end) for idx, r in chain if r.end is not None
    )
    evidence = all(r.evidence for _, r in chain)
    ev_path = f"guardians[{i}].restrictions[{chain[0][0]}].evidence"
    ev_zh = f"{who}判决书、羁押或强制隔离戒毒决定书"
    elapsed = whole_months(start, ctx.on)
    span = f"自{fmt_zh(start)}起" + (f"至{fmt_zh(end)}" if end else "")
    if not threshold:
        return Cond("restricted_liberty", True, evidence, f"{who}{span}{kinds_zh}，目前无法履行监护",
                    f"{whoe} is under {kinds_en} since {fmt_en(start)}", facts, ev_path, ev_zh)
    need = int(ctx.setting_value("definitions.restriction_min_months"))
    term_counts = bool(ctx.setting_value("definitions.restriction_planned_term_counts"))
    term = whole_months(start, end) if end else None
    reach = add_months(start, need)
    if elapsed >= need:
        return Cond("restricted_liberty", True, evidence, f"{who}{span}{kinds_zh}，已满{need}个月（已{elapsed}个月）",
                    f"{whoe} has been under {kinds_en} since {fmt_en(start)}: {elapsed} months, at least {need}",
                    facts, ev_path, ev_zh)
    if term_counts and term is not None and term >= need:
        return Cond("restricted_liberty", True, evidence,
                    f"{who}{span}{kinds_zh}，期限{term}个月，满{need}个月",
                    f"{whoe} is under {kinds_en} for a term of {term} months (at least {need})", facts, ev_path, ev_zh)
    if term is not None and term < need:
        return Cond("restricted_liberty", False, evidence,
                    f"{who}{span}{kinds_zh}，期限{term}个月，不满{need}个月",
                    f"{whoe} is under {kinds_en} for a term of {term} months, under {need}", facts, ev_path, ev_zh)
    return Cond("restricted_liberty", False, evidence,
                f"{who}{span}{kinds_zh}，已{elapsed}个月，未满{need}个月（{fmt_zh(reach)}满{need}个月）",
                f"{whoe} has been under {kinds_en} for {elapsed} months since {fmt_en(start)}, under {need} "
                f"(reached on {fmt_en(reach)})", facts, ev_path, ev_zh)


def _cond_out_of_contact(ctx: Ctx, i: int, g: Guardian, *, threshold: bool) -> Cond | None:
    oc = g.out_of_contact
    if oc is None or not _on_or_before(oc.since, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    since = f"（{fmt_zh(oc.since)}起）" if oc.since else ""
    facts: list[FactUsed] = []
    if oc.since:
        facts.append(FactUsed(_p(i, "out_of_contact", "since"), oc.since))
    ev_path, ev_zh = _p(i, "out_of_contact", "evidence"), f"{who}失联的公安机关受理报案回执"
    if not threshold:
        return Cond("out_of_contact", True, oc.evidence, f"{who}失联{since}", f"{whoe} is out of contact",
                    tuple(facts), ev_path, ev_zh)
    need = int(ctx.setting_value("definitions.out_of_contact_min_months"))
    accepted = oc.police_report_accepted
    if accepted is None or accepted > ctx.on:
        facts.append(FactUsed(_p(i, "out_of_contact", "police_report_accepted"), None))
        return Cond("out_of_contact", False, oc.evidence,
                    f"{who}失联{since}，但公安机关尚未受理报案，不能认定失联满{need}个月",
                    f"{whoe} is out of contact but no police report has been accepted; the {need}-month period "
                    "has not started", tuple(facts), ev_path, ev_zh)
    facts.append(FactUsed(_p(i, "out_of_contact", "police_report_accepted"), accepted))
    reach = add_months(accepted, need)
    months = whole_months(accepted, ctx.on)
    if reach <= ctx.on:
        return Cond("out_of_contact", True, oc.evidence,
                    f"{who}失联{since}，公安机关于{fmt_zh(accepted)}受理报案，已满{need}个月",
                    f"{whoe} is out of contact; the police accepted the report on {fmt_en(accepted)}, "
                    f"{months} months ago (at least {need})", tuple(facts), ev_path, ev_zh)
    return Cond("out_of_contact", False, oc.evidence,
                f"{who}失联{since}，公安机关于{fmt_zh(accepted)}受理报案，已{months}个月，未满{need}个月"
                f"（{fmt_zh(reach)}满{need}个月）",
                f"{whoe} is out of contact; the police accepted the report on {fmt_en(accepted)}, {months} months "
                f"ago, under {need} (reached on {fmt_en(reach)})", tuple(facts), ev_path, ev_zh)


def _cond_court(ctx: Ctx, i: int, g: Guardian, kind: str) -> Cond | None:
    fact = getattr(g, kind)
    if fact is None or not _on_or_before(fact.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(fact.date)}" if fact.date else ""
    if kind == "guardianship_revoked":
        zh, en, ev = f"{who}已{when}被人民法院撤销监护资格", f"{whoe}'s guardianship was revoked by a court", "撤销监护资格判决"
    else:
        zh, en, ev = f"{who}已{when}被遣送（驱逐）出境", f"{whoe} was deported", "遣送（驱逐）出境文书"
    return Cond(kind, True, fact.evidence, zh, en, (FactUsed(_p(i, kind), fact.date or True),),
                _p(i, kind, "evidence"), f"{who}{ev}")


def parent_conditions(ctx: Ctx, i: int, g: Guardian, kinds: Iterable[str], *, threshold: bool) -> list[Cond]:
    """Evaluate the named conditions for one parent. ``threshold``: apply the 6-month rules (set S)."""
    out: list[Cond] = []
    for kind in kinds:
        c: Cond | None
        if kind == "deceased":
            c = _cond_deceased(ctx, i, g)
        elif kind == "declared_missing":
            c = _cond_declared_missing(ctx, i, g)
        elif kind == "severe_disability":
            c = _cond_disability(ctx, i, g)
        elif kind == "serious_illness":
            c = _cond_illness(ctx, i, g)
        elif kind == "restricted_liberty":
            c = _cond_restriction(ctx, i, g, threshold=threshold)
        elif kind == "out_of_contact":
            c = _cond_out_of_contact(ctx, i, g, threshold=threshold)
        elif kind in ("guardianship_revoked", "deported"):
            c = _cond_court(ctx, i, g, kind)
        else:  # pragma: no cover - validated at profile load
            raise ValueError(f"unknown parent condition {kind!r}")
        if c is not None:
            out.append(c)
    return out


def gone(ctx: Ctx, i: int, g: Guardian) -> list[Cond]:
    """Dead or court-declared missing (孤儿 / 事实无人抚养 "一方死亡或失踪")."""
    return [c for c in parent_conditions(ctx, i, g, ("deceased", "declared_missing"), threshold=True) if c.holds]


def _best(conds: list[Cond]) -> Cond:
    """The condition to rely on: prefer one whose evidence is on file."""
    return sorted(conds, key=lambda c: not c.evidence)[0]


def _need_evidence(out: Outcome, c: Cond) -> None:
    if not c.evidence and c.evidence_path:
        item = (c.evidence_path, c.evidence_zh, c.evidence_path)
        if item not in out.evidence_missing:
            out.evidence_missing.append(item)


# ------------------------------------------------------------------------------------------- 留守 (R-A1)


@dataclass
class Away:
    qualifies: bool
    zh: str
    en: str
    facts: list[FactUsed]
    missing: list[str]


def distance_unit(ctx: Ctx) -> dict[str, str]:
    """The boundary a parent must cross: ``{"level": county|prefecture|province, "zh": …, "en": …}``.

    ``left_behind.distance_unit`` in the profile, or, when it is null, the unit the rule's words usually mean
    (跨县域 → county, 跨市域 → prefecture-level city, 跨省域 → province)."""
    rule = str(ctx.setting_value("left_behind.distance_rule"))
    value = ctx.setting_value("left_behind.distance_unit")
    if value:
        return {"level": str(value["level"]), "zh": str(value["zh"]), "en": str(value["en"])}
    level = DEFAULT_DISTANCE_UNIT[rule]
    return {"level": level, "zh": UNIT_ZH[level], "en": UNIT_EN[level]}


def child_home_code(ctx: Ctx) -> tuple[str | None, str]:
    c = ctx.child
    if c.residence_code:
        return c.residence_code, "child.residence_code"
    if c.hukou_region_code:
        return c.hukou_region_code, "child.hukou_region_code"
    return None, "child.residence_code"


def away_status(ctx: Ctx, role: Role) -> Away:
    """Is this parent working away long enough, far enough, continuously enough (per the profile)?"""
    who, whoe = WHO_ZH[role], WHO_EN[role]
    found = ctx.parent(role)
    if found is None:
        return Away(False, f"未登记{who}信息", f"no record of {whoe}", [], [f"guardians[role={role.value}]"])
    i, g = found
    if gone(ctx, i, g):
        c = gone(ctx, i, g)[0]
        return Away(False, c.zh, c.en, list(c.facts), [])
    wa = g.working_away
    if wa is None:
        return Away(False, f"{who}未外出务工", f"{whoe} is not working away", [FactUsed(_p(i, "working_away"), None)],
                    [])
    months = int(ctx.setting_value("left_behind.months_away"))
    rule = str(ctx.setting_value("left_behind.distance_rule"))
    sr = ctx.setting_value("left_behind.short_returns")
    facts = [FactUsed(_p(i, "working_away", "since"), wa.since)]
    if wa.since > ctx.on:
        return Away(False, f"{who}将于{fmt_zh(wa.since)}外出务工，尚未外出",
                    f"{whoe} leaves for work on {fmt_en(wa.since)}", facts, [])
    if wa.until is not None and wa.until <= ctx.on:
        facts.append(FactUsed(_p(i, "working_away", "until"), wa.until))
        return Away(False, f"{who}已于{fmt_zh(wa.until)}返乡，不再外出务工",
                    f"{whoe} came back for good on {fmt_en(wa.until)}", facts, [])
    # distance
    dist_zh, dist_en = "", ""
    if rule != "none":
        unit = distance_unit(ctx)
        level = DISTANCE_UNITS[unit["level"]]
        home, home_path = child_home_code(ctx)
        dest = wa.destination_code
        if dest:
            facts.append(FactUsed(_p(i, "working_away", "destination_code"), dest))
        if home:
            facts.append(FactUsed(home_path, home))
        if not dest or not home:
            miss = [] if dest else [_p(i, "working_away", "destination_code")]
            miss += [] if home else ["child.residence_code"]
            return Away(False, f"{who}务工地或儿童居住地区划代码未填写，无法判断是否{DISTANCE_ZH[rule]}外出",
                        f"cannot tell whether {whoe} works in {DISTANCE_EN[rule]}: region code missing", facts, miss)
        n = min(level, len(dest), len(home))
        if dest[:n] != home[:n]:
            crossed = True
        elif len(dest) >= level and len(home) >= level:
            crossed = False
        else:
            return Away(False, f"{who}务工地代码“{dest}”不够精确，无法判断是否{DISTANCE_ZH[rule]}",
                        f"{whoe}'s destination code {dest} is too coarse to tell", facts,
                        [_p(i, "working_away", "destination_code")])
        if not crossed:
            return Away(False,
                        f"{who}务工地（{dest}）与儿童居住地（{home}）在同一{unit['zh']}内，"
                        f"本方案要求{DISTANCE_ZH[rule]}外出务工",
                        f"{whoe} works within the child's own {unit['en']}"
                        f" ({dest} vs {home}); this profile requires work in {DISTANCE_EN[rule]}", facts, [])
        dist_zh, dist_en = f"，{DISTANCE_ZH[rule]}（务工地{dest}）", f" in {DISTANCE_EN[rule]} ({dest})"
    # continuity and short trips home
    start = wa.since
    restarted = False
    tolerate = bool(sr.get("tolerate"))
    max_days = sr.get("max_days")
    trips = [t for t in wa.short_trips_home if t.start <= ctx.on]
    for t_idx, t in enumerate(wa.short_trips_home):
        if t.start <= ctx.on:
            facts.append(FactUsed(_p(i, "working_away", f"short_trips_home[{t_idx}]"),
                                  f"{t.start.isoformat()}/{t.end.isoformat()}"))
    if not tolerate and wa.has_short_trips_home and not wa.short_trips_home:
        facts.append(FactUsed(_p(i, "working_away", "has_short_trips_home"), True))
        return Away(False, f"{who}外出期间曾回家但未登记日期，本方案以回家中断连续外出，无法计算连续外出时间",
                    f"{whoe} came home during the period but the dates are not recorded; this profile counts "
                    "continuous absence, so it cannot be computed", facts, [_p(i, "working_away", "short_trips_home")])
    for t in sorted(trips, key=lambda t: t.start):
        long_trip = max_days is not None and (t.end - t.start).days > int(max_days)
        breaks = (not tolerate) or long_trip
        if not breaks:
            continue
        if t.start <= ctx.on < t.end:
            return Away(False, f"{who}目前在家（{fmt_zh(t.start)}回家，{fmt_zh(t.end)}返回务工地），外出中断",
                        f"{whoe} is at home from {fmt_en(t.start)} to {fmt_en(t.end)}", facts, [])
        if t.end > start:
            start, restarted = t.end, True
    reach = add_months(start, months)
    elapsed = whole_months(start, ctx.on)
    since_zh = f"自{fmt_zh(start)}（最近一次回家后返回务工地）起" if restarted else f"自{fmt_zh(start)}起"
    since_en = f"since {fmt_en(start)}" + (" (back to work after the last trip home)" if restarted else "")
    if reach <= ctx.on:
        tol = "（期间偶尔回家不影响连续务工认定）" if tolerate and trips else ""
        return Away(True, f"{who}{since_zh}外出务工{dist_zh}，已连续外出{elapsed}个月，满{months}个月{tol}",
                    f"{whoe} has worked away{dist_en} {since_en}: {elapsed} months, at least {months}", facts, [])
    return Away(False,
                f"{who}{since_zh}外出务工{dist_zh}，连续外出务工{elapsed}个月，未满{months}个月（{fmt_zh(reach)}满{months}个月）",
                f"{whoe} has worked away{dist_en} {since_en} for {elapsed} months, under {months} "
                f"(reached on {fmt_en(reach)})", facts, [])


def rural_check(ctx: Ctx, requirement: str) -> Outcome:
    c = ctx.child
    out = Outcome(True)
    out.use("child.hukou_type", c.hukou_type)
    if requirement == "none":
        return out.say("本方案不限农村户籍", "this profile does not restrict to rural children")
    if c.hukou_type is HukouType.RURAL:
        return out.say("农村户籍", "rural household registration")
    if requirement == "rural_child" and c.lives_in_rural_area:
        out.use("child.lives_in_rural_area", True)
        return out.say(f"{LABELS_ZH[c.hukou_type]}但居住在农村", "lives in a rural area")
    out.holds = False
    if c.hukou_type is HukouType.UNKNOWN and not (requirement == "rural_child" and c.lives_in_rural_area is False):
        out.missing.append("child.hukou_type")
        return out.say("户籍类别未填写，无法判断是否农村儿童", "household registration type unknown")
    if requirement == "rural_registration":
        return out.say(f"{LABELS_ZH[c.hukou_type]}，本方案要求农村户籍",
                       "urban registration; this profile requires rural household registration")
    out.use("child.lives_in_rural_area", c.lives_in_rural_area)
    label = "户籍类别未知" if c.hukou_type is HukouType.UNKNOWN else LABELS_ZH[c.hukou_type]
    return out.say(f"{label}且未登记居住在农村，不属于农村儿童",
                   "urban registration and not recorded as living in a rural area")


def evaluate_left_behind(ctx: Ctx) -> Outcome:
    """R-A1: under the age limit, rural as the profile requires, and both parents away (or one away and the
    other incapable) for the required months at the required distance."""
    ok = Outcome(True)
    bad = Outcome(False)
    birth = ctx.child.birth_date
    limit = int(ctx.setting_value("left_behind.age_limit"))
    leaves = add_years(birth, limit)
    for o in (ok, bad):
        o.use("child.birth_date", birth)
    if ctx.on < leaves:
        ok.say(f"{ctx.age()}周岁，未满{limit}周岁（{fmt_zh(leaves)}满{limit}周岁）",
               f"aged {ctx.age()}, under {limit} (turns {limit} on {fmt_en(leaves)})")
    else:
        bad.say(f"已于{fmt_zh(leaves)}满{limit}周岁，超出留守儿童年龄（不满{limit}周岁）",
                f"turned {limit} on {fmt_en(leaves)}; left-behind children are under {limit}")
    rural = rural_check(ctx, str(ctx.setting_value("left_behind.rural_requirement")))
    (ok if rural.holds else bad).zh.extend(rural.zh)
    (ok if rural.holds else bad).en.extend(rural.en)
    for o in (ok, bad):
        o.absorb(rural)

    fa, ma = away_status(ctx, Role.FATHER), away_status(ctx, Role.MOTHER)
    for a in (fa, ma):
        for f in a.facts:
            ok.use(f.path, f.value)
            bad.use(f.path, f.value)
    months = int(ctx.setting_value("left_behind.months_away"))
    if fa.qualifies and ma.qualifies:
        ok.say(f"{fa.zh}；{ma.zh}；父母双方均外出务工满{months}个月",
               f"{fa.en}; {ma.en}; both parents work away")
    elif fa.qualifies or ma.qualifies:
        away, other_role = (fa, Role.MOTHER) if fa.qualifies else (ma, Role.FATHER)
        other_away = ma if fa.qualifies else fa
        found = ctx.parent(other_role)
        kinds = list(ctx.setting_value("left_behind.other_parent_incapable_when"))
        conds = parent_conditions(ctx, found[0], found[1], kinds, threshold=False) if found else []
        holding = [c for c in conds if c.holds]
        for c in conds:
            for f in c.facts:
                ok.use(f.path, f.value)
                bad.use(f.path, f.value)
        if holding:
            ok.say(f"{away.zh}；{holding[0].zh}，另一方无监护能力",
                   f"{away.en}; {holding[0].en}, so the other parent cannot act as guardian")
        else:
            who = WHO_ZH[other_role]
            if found is None:
                bad.missing.append(f"guardians[role={other_role.value}]")
                bad.say(f"{away.zh}；但未登记{who}信息，无法判断另一方是否无监护能力",
                        f"{away.en}; but {WHO_EN[other_role]} is not recorded")
            else:
                detail = "；".join(c.zh for c in conds) or f"{who}未登记重病、重残等无监护能力情形"
                bad.say(f"{away.zh}；{other_away.zh}；{detail}，{who}不属于无监护能力情形",
                        f"{away.en}; {other_away.en}; "
                        + ("; ".join(c.en for c in conds) or f"{WHO_EN[other_role]} has no recorded incapacity")
                        + f", so {WHO_EN[other_role]} is not without guardianship capacity")
    else:
        bad.say(f"{fa.zh}；{ma.zh}", f"{fa.en}; {ma.en}")
        bad.missing.extend(m for m in fa.missing + ma.missing if m not in bad.missing)
    if bad.zh:
        return bad
    return ok


# ---------------------------------------------------------------------------------- 困境 categories (R-A2)

CategoryRule = Callable[[Ctx, Mapping[str, Any]], Outcome]


def rule_orphan(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    """孤儿: both parents dead or court-declared missing (any combination), or birth parents cannot be found."""
    c = ctx.child
    if c.birth_parents_unfound is not None:
        out = Outcome(True).say("查找不到生父母", "the birth parents cannot be found")
        out.use("child.birth_parents_unfound", True)
        if not c.birth_parents_unfound.evidence:
            out.evidence_missing.append(("child.birth_parents_unfound.evidence", "查找不到生父母的公安机关证明",
                                         "child.birth_parents_unfound.evidence"))
        return out
    out = Outcome(False)
    gone_by_role: dict[Role, list[Cond]] = {}
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            out.missing.append(f"guardians[role={role.value}]")
            out.say(f"未登记{WHO_ZH[role]}信息", f"{WHO_EN[role]} is not recorded")
            continue
        g_conds = gone(ctx, *found)
        gone_by_role[role] = g_conds
        if g_conds:
            best = _best(g_conds)
            out.say(best.zh, best.en)
            for f in best.facts:
                out.use(f.path, f.value)
            _need_evidence(out, best)
        else:
            out.use(_p(found[0], "deceased"), None)
            out.say(f"{WHO_ZH[role]}在世且未被宣告失踪", f"{WHO_EN[role]} is alive and not declared missing")
    if len(gone_by_role) == 2 and all(gone_by_role.values()):
        out.holds = True
        out.say("父母双方均死亡或被宣告失踪", "both parents are dead or declared missing")
    else:
        out.evidence_missing.clear()
    return out


def rule_de_facto_unsupported(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    """事实无人抚养: both parents in S, or one gone (dead/declared missing) and the other in S. Not for orphans."""
    orphan = rule_orphan(ctx, {})
    if orphan.holds:
        out = Outcome(False).say("已符合孤儿条件，按孤儿保障，不重复认定为事实无人抚养儿童",
                                 "meets the orphan criteria; not also recognised as de facto unsupported")
        out.absorb(orphan)
        out.evidence_missing.clear()
        return out
    kinds = list(ctx.setting_value("definitions.s_conditions"))
    out = Outcome(False)
    in_s: dict[Role, list[Cond]] = {}
    is_gone: dict[Role, list[Cond]] = {}
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            out.missing.append(f"guardians[role={role.value}]")
            out.say(f"未登记{WHO_ZH[role]}信息", f"{WHO_EN[role]} is not recorded")
            in_s[role], is_gone[role] = [], []
            continue
        i, g = found
        is_gone[role] = gone(ctx, i, g)
        conds = parent_conditions(ctx, i, g, kinds, threshold=True)
        in_s[role] = [c for c in conds if c.holds]
        if is_gone[role]:
            c = _best(is_gone[role])
            out.say(c.zh, c.en)
            for f in c.facts:
                out.use(f.path, f.value)
        elif conds:
            for c in conds:
                out.say(c.zh, c.en)
                for f in c.facts:
                    out.use(f.path, f.value)
        else:
            out.say(f"{WHO_ZH[role]}无重残、重病、服刑在押、强制隔离戒毒、失联等情形",
                    f"{WHO_EN[role]} has none of the conditions in set S")
    f_s, m_s = in_s[Role.FATHER], in_s[Role.MOTHER]
    f_g, m_g = is_gone[Role.FATHER], is_gone[Role.MOTHER]
    relied: list[Cond] = []
    if f_s and m_s:
        relied = [_best(f_s), _best(m_s)]
        out.say("父母双方均属重残、重病、服刑在押等无法履行抚养义务的情形",
                "both parents are in set S (severe disability, serious illness, detention…)")
    elif f_g and m_s:
        relied = [_best(f_g), _best(m_s)]
        out.say("父亲死亡或失踪，母亲属于无法履行抚养义务的情形", "the father is gone and the mother is in set S")
    elif m_g and f_s:
        relied = [_best(m_g), _best(f_s)]
        out.say("母亲死亡或失踪，父亲属于无法履行抚养义务的情形", "the mother is gone and the father is in set S")
    if relied:
        out.holds = True
        for c in relied:
            _need_evidence(out, c)
    else:
        out.say("不符合事实无人抚养儿童条件（需父母双方均属重残、重病、服刑在押、强制隔离戒毒、失联满6个月等情形，"
                "或一方死亡/失踪且另一方属上述情形）",
                "not de facto unsupported (both parents must be in set S, or one dead/missing and the other in S)")
    return out


def rule_hiv_infected(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    hiv = ctx.child.health.hiv
    if hiv is None:
        return Outcome(False).say("未登记艾滋病病毒感染", "no HIV infection recorded").use("child.health.hiv", None)
    out = Outcome(True).say("儿童感染艾滋病病毒", "the child is HIV-infected").use("child.health.hiv", True)
    if not hiv.evidence:
        out.evidence_missing.append(("child.health.hiv.evidence", "疾控机构确诊证明", "child.health.hiv.evidence"))
    return out


def rule_child_serious_illness(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    ill = ctx.child.health.serious_illness
    if ill is None:
        return Outcome(False).say("未登记儿童患重病", "no serious illness recorded").use(
            "child.health.serious_illness", None)
    name = f"（{ill.name}）" if ill.name else ""
    out = Outcome(True).say(f"儿童患重病{name}", "the child is seriously ill").use(
        "child.health.serious_illness", ill.name or True)
    if not ill.evidence:
        out.evidence_missing.append(("child.health.serious_illness.evidence", "医院诊断证明",
                                     "child.health.serious_illness.evidence"))
    return out


def _disability_defn(ctx: Ctx, params: Mapping[str, Any]) -> Mapping[str, Any]:
    if params.get("definition"):
        return ctx.rp.value(f"definitions.{params['definition']}")
    return {"max_grade_any_type": params.get("max_grade_any_type", 0),
            "max_grade_by_type": params.get("max_grade_by_type") or {}}


def rule_child_disability(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    d = ctx.child.health.disability
    defn = _disability_defn(ctx, params)
    rule_zh, rule_en = severity_text(defn)
    if d is None:
        return Outcome(False).say("未登记儿童残疾", "no disability recorded").use("child.health.disability", None)
    out = Outcome(disability_within(d, defn))
    out.use("child.health.disability.type", d.type).use("child.health.disability.grade", d.grade)
    if out.holds:
        out.say(f"儿童为{disability_zh(d)}（本类别：{rule_zh}）", f"the child has {disability_en(d)} ({rule_en})")
        if not d.evidence:
            out.evidence_missing.append(("child.health.disability.evidence", "残疾证",
                                         "child.health.disability.evidence"))
    else:
        out.say(f"儿童为{disability_zh(d)}，不在本类别范围（{rule_zh}）",
                f"the child has {disability_en(d)}, outside this category ({rule_en})")
    return out


def _receives(ctx: Ctx, scheme: str) -> bool:
    hh = ctx.facts.household
    return scheme in {s.value for s in ctx.facts.assistance_received} or (scheme == "dibao" and hh.dibao) or (
        scheme == "tekun" and hh.tekun)


def rule_poor_family(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    hh = ctx.facts.household
    out = Outcome(False)
    reasons_zh: list[str] = []
    reasons_en: list[str] = []
    if _receives(ctx, "dibao"):
        out.use("household.dibao", True)
        reasons_zh.append("家庭享受低保")
        reasons_en.append("the household receives 低保")
    if _receives(ctx, "tekun"):
        out.use("household.tekun", True)
        reasons_zh.append("享受特困供养")
        reasons_en.append("特困 support")
    if params.get("include_low_income") and hh.low_income:
        out.use("household.low_income", True)
        reasons_zh.append("属低收入家庭")
        reasons_en.append("a low-income household")
    line = params.get("poverty_line_yuan_per_head_year")
    if line is not None and hh.income_per_head_yuan_year is not None:
        out.use("household.income_per_head_yuan_year", hh.income_per_head_yuan_year)
        if hh.income_per_head_yuan_year < float(line):
            reasons_zh.append(f"家庭人均年收入{hh.income_per_head_yuan_year:g}元，低于{line}元")
            reasons_en.append(f"income per head {hh.income_per_head_yuan_year:g} below {line}")
    if reasons_zh:
        out.holds = True
        return out.say("、".join(reasons_zh), ", ".join(reasons_en))
    out.use("household.dibao", False).use("household.tekun", False)
    basis = "低保、特困" + ("或低收入家庭" if params.get("include_low_income") else "")
    basis_en = "receiving 低保 or 特困" + (" nor as low-income" if params.get("include_low_income") else "")
    return out.say(f"家庭未享受{basis}", f"the household is not recorded as {basis_en}")


def _problems(ctx: Ctx, kinds: Iterable[str]) -> list[tuple[int, Any]]:
    wanted = set(kinds)
    return [(i, p) for i, p in enumerate(ctx.child.guardianship_problems) if p.kind.value in wanted]


def rule_guardianship_problem(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    found = _problems(ctx, params.get("kinds") or [])
    if not found:
        return Outcome(False).say("未登记监护缺失或监护不当情形", "no guardianship problem recorded").use(
            "child.guardianship_problems", None)
    out = Outcome(True)
    for i, p in found:
        out.use(f"child.guardianship_problems[{i}].kind", p.kind)
    zh = "、".join(LABELS_ZH[p.kind] for _, p in found)
    return out.say(f"儿童存在监护缺失或不当情形：{zh}", "guardianship problems: " + ", ".join(p.kind.value for _, p in found))


def rule_other_difficulty(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    od = ctx.child.other_difficulty
    extra = _problems(ctx, params.get("include_guardianship_kinds") or [])
    out = Outcome(bool(od) or bool(extra))
    if od:
        out.use("child.other_difficulty.description", od.description)
        out.say(f"其他困境：{od.description}", f"other difficulty: {od.description}")
    if extra:
        for i, p in extra:
            out.use(f"child.guardianship_problems[{i}].kind", p.kind)
        out.say("监护缺失或不当：" + "、".join(LABELS_ZH[p.kind] for _, p in extra),
                "guardianship problems: " + ", ".join(p.kind.value for _, p in extra))
    if not out.holds:
        out.use("child.other_difficulty", None)
        out.say("未登记其他困境情形", "no other difficulty recorded")
    return out


CATEGORY_RULES: dict[str, CategoryRule] = {
    "orphan": rule_orphan,
    "de_facto_unsupported": rule_de_facto_unsupported,
    "hiv_infected": rule_hiv_infected,
    "child_serious_illness": rule_child_serious_illness,
    "child_disability": rule_child_disability,
    "poor_family": rule_poor_family,
    "guardianship_problem": rule_guardianship_problem,
    "other_difficulty": rule_other_difficulty,
}


# ------------------------------------------------------------------------------------ 单亲 (R-A3)


def evaluate_single_parent(ctx: Ctx) -> Outcome:
    c = ctx.child
    limit = int(ctx.setting_value("single_parent.age_limit"))
    out = Outcome(False)
    out.use("child.birth_date", c.birth_date)
    if ctx.on >= add_years(c.birth_date, limit):
        return out.say(f"已满{limit}周岁", f"aged {limit} or over")
    if ctx.setting_value("single_parent.rural_only"):
        rural = rural_check(ctx, "rural_child")
        out.absorb(rural)
        if not rural.holds:
            out.zh.extend(rural.zh)
            out.en.extend(rural.en)
            return out.say("本方案只统计农村单亲家庭儿童", "this profile tracks rural single-parent children only")
    if c.single_parent_family is not None:
        out.holds = True
        out.use("child.single_parent_family", c.single_parent_family)
        zh = "单亲母亲家庭" if c.single_parent_family is Role.MOTHER else "单亲父亲家庭"
        return out.say(f"登记为{zh}", f"recorded as a single-{c.single_parent_family.value} family")
    if ctx.setting_value("single_parent.derive_from_parent_death"):
        gone_roles = []
        alive_roles = []
        for role in (Role.FATHER, Role.MOTHER):
            found = ctx.parent(role)
            if found is None:
                continue
            g_conds = gone(ctx, *found)
            (gone_roles if g_conds else alive_roles).append((role, g_conds))
        if len(gone_roles) == 1 and len(alive_roles) == 1:
            role, conds = gone_roles[0]
            other = alive_roles[0][0]
            out.holds = True
            for f in conds[0].facts:
                out.use(f.path, f.value)
            return out.say(f"{conds[0].zh}，由{WHO_ZH[other]}单独抚养（据父母信息推定为单亲家庭）",
                           f"{conds[0].en}; raised by {WHO_EN[other]} alone (inferred single-parent family)")
    out.use("child.single_parent_family", None)
    return out.say("未登记为单亲家庭", "not recorded as a single-parent family")


# ------------------------------------------------------------------------------- visit escalation (R-C2)

TriggerRule = Callable[[Ctx, Mapping[str, Any], Any], tuple[str, str] | None]


def trigger_parent_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    types = set(params.get("types") or [])
    max_grade = int(params.get("max_grade", 2))
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            continue
        d = found[1].disability
        if d is not None and d.type.value in types and d.grade <= max_grade:
            return f"{WHO_ZH[role]}为{disability_zh(d)}", f"{WHO_EN[role]} has {disability_en(d)}"
    return None


def trigger_child_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    d = ctx.child.health.disability
    if d is not None and d.type.value in set(params.get("types") or []) and d.grade <= int(params.get("max_grade", 4)):
        return f"儿童为{disability_zh(d)}", f"the child has {disability_en(d)}"
    return None


def trigger_psych_behaviour(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    if ctx.child.health.psych_behaviour_problem:
        return "儿童有心理或行为异常", "the child shows psychological or behavioural problems"
    return None


def trigger_single_parent(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    if classification.single_parent:
        return "单亲家庭儿童", "child of a single-parent family"
    return None


TRIGGER_RULES: dict[str, TriggerRule] = {
    "parent_disability": trigger_parent_disability,
    "child_disability": trigger_child_disability,
    "psych_behaviour": trigger_psych_behaviour,
    "single_parent": trigger_single_parent,
}


# ------------------------------------------------------------------------------------ entitlements (R-E1)

# An entitlement rule returns None (not eligible) or (status, because-keys, detail zh, detail en).
EntitlementVerdict = tuple[str, tuple[str, ...], str, str] | None
EntitlementRule = Callable[[Ctx, Mapping[str, Any], Any], EntitlementVerdict]

REQUIREMENTS_ZH = {"in_school": "在校", "in_school_or_dropout": "在校，或义务教育年龄内辍学（劝返复学后落实）",
                   "serious_illness": "患重病", "disabled": "有残疾"}
# Needs the plans require that are not assistance schemes: nothing is "received"; the rule itself stops finding
# the need once it is met (a dropout back at school).
NEEDS = ("return_to_school",)


def compulsory_school_dropout(ctx: Ctx) -> bool:
    """Dropped out of school while of compulsory-schooling age (``definitions.compulsory_school_age``, R-E4)."""
    c = ctx.child
    if c.schooling is None or c.schooling.status is not SchoolingStatus.DROPPED_OUT:
        return False
    ages = ctx.setting_value("definitions.compulsory_school_age")
    return int(ages["from"]) <= ctx.age() <= int(ages["to"])


def _requirement_met(ctx: Ctx, req: str) -> bool:
    c = ctx.child
    if req == "in_school":
        return c.schooling is not None and c.schooling.status is SchoolingStatus.IN_SCHOOL
    if req == "in_school_or_dropout":
        return _requirement_met(ctx, "in_school") or compulsory_school_dropout(ctx)
    if req == "serious_illness":
        return c.health.serious_illness is not None
    if req == "disabled":
        return c.health.disability is not None
    raise ValueError(f"unknown requirement {req!r}")  # pragma: no cover - validated at load


def ent_in_category(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    cats = [f"in_difficulty.{c}" for c in params.get("categories") or []]
    max_age = params.get("max_age")
    if max_age is not None and ctx.age() >= int(max_age):
        return None
    for req in params.get("require") or []:
        if not _requirement_met(ctx, req):
            return None
    met = [k for k in cats if k in classification.categories]
    pending = [k for k in cats if k in classification.pending]
    keys = met or pending
    if not keys:
        return None
    labels = "、".join(classification.explanation(k).label_zh for k in keys)
    detail = f"依据：{labels}"
    if "in_school_or_dropout" in (params.get("require") or []) and compulsory_school_dropout(ctx):
        detail += "；儿童已辍学，劝返复学后落实"
        keys = [*keys, "child.schooling.status"]
    return ("eligible" if met else "pending_evidence"), tuple(keys), detail, ""


def ent_dropout_return(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    """劝返复学 (R-E4): a child of the served groups who dropped out at compulsory-schooling age."""
    if not compulsory_school_dropout(ctx):
        return None
    groups = list(params.get("groups") or [])
    if groups and not any(g in classification.categories or g in classification.pending for g in groups):
        return None
    schooling = ctx.child.schooling
    assert schooling is not None
    ages = ctx.setting_value("definitions.compulsory_school_age")
    since = f"，{fmt_zh(schooling.dropout_since)}起辍学" if schooling.dropout_since else "，已辍学"
    detail = f"{ctx.age()}周岁{since}（义务教育年龄{ages['from']}至{ages['to']}周岁）"
    return "eligible", ("child.schooling.status",), detail, ""


def ent_hiv_infected(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    hiv = ctx.child.health.hiv
    if hiv is None:
        return None
    return ("eligible" if hiv.evidence else "pending_evidence"), ("child.health.hiv",), "", ""


def ent_child_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    d = ctx.child.health.disability
    if d is None:
        return None
    max_age = params.get("max_age")
    if max_age is not None and ctx.age() >= int(max_age):
        return None
    if not disability_within(d, _disability_defn(ctx, params)):
        return None
    return ("eligible" if d.evidence else "pending_evidence"), ("child.health.disability",), disability_zh(d), ""


def ent_disability_allowance(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    d = ctx.child.health.disability
    if d is None:
        return None
    severe = d.grade <= int(params.get("severe_max_grade", 2))
    if not (severe or _receives(ctx, "dibao")):
        return None
    detail = disability_zh(d) + ("（重度）" if severe else "，低保家庭")
    return ("eligible" if d.evidence else "pending_evidence"), ("child.health.disability",), detail, ""


def ent_income_below_line(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    line = params.get("line_yuan_per_head_year")
    income = ctx.facts.household.income_per_head_yuan_year
    if line is None or income is None or income >= float(line):
        return None
    return "eligible", ("household.income_per_head_yuan_year",), f"人均年收入{income:g}元，低于{line}元", ""


ENTITLEMENT_RULES: dict[str, EntitlementRule] = {
    "in_category": ent_in_category,
    "hiv_infected": ent_hiv_infected,
    "child_disability": ent_child_disability,
    "disability_allowance": ent_disability_allowance,
    "income_below_line": ent_income_below_line,
    "dropout_return": ent_dropout_return,
}
