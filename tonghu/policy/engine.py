"""The policy engine: classify a child's facts under a jurisdiction's profile, and explain every verdict.

Public API (pure Python, no Django, no database — the ``policy`` app will store profiles and results and call
these functions; ``tonghu classify`` calls them through :mod:`tonghu.policy.jsonl`):

* :func:`load_profile` — a validated profile linked to its parents; ``profile.at(on)`` gives the merged rules in
  force on a date (inheritance and versions applied). :func:`profiles_from_documents` does the same from raw
  documents. Where profiles come from is pluggable (:func:`set_profile_provider`): the Django app installs the
  database (``tonghu.policy.store``) and the shipped YAML files are the fallback; this module itself never
  touches a database.
* :func:`classify` — 农村留守儿童, 困境儿童 (+ sub-categories), 单亲家庭儿童 on a date (R-A1–A5). Each group and
  category yields an :class:`~tonghu.policy.results.Explanation` — *met*, *not_met* (so an officer sees why
  not) or *pending_evidence* (the facts fit but a certificate/judgment is not on file).
* :func:`entitlement_gaps` — 应保尽保 (R-E1): schemes the rules grant that are not recorded as received.
* :func:`visit_plan` — contact / home-visit intervals and escalation (R-C1, R-C2).
* :func:`next_changes` — the dates on which the classification changes by time alone (a 16th or 18th birthday,
  3 months away reached, 6 months of detention or of police-accepted absence reached, a new profile version);
  the daily job re-evaluates on those dates.
* :func:`calendar_items` — census, progress-report and phase deadlines (R-B1, R-M1, R-M2).

Design choices
--------------
* **One function computes it** (ARCHITECTURE rule 4): :func:`next_changes` does not re-implement any rule — it
  collects candidate dates from the facts and the profile and calls :func:`classify` the day before and on each,
  so it cannot disagree with :func:`classify`.
* **Rules are code, thresholds are data**: profiles name a rule from :data:`~tonghu.policy.rules.CATEGORY_RULES`
  etc. and give its parameters; :func:`validate_resolved` rejects unknown rule names, keys and types at load time.
* **Date-versioned**: every call resolves the profile on the evaluation date, so a changed value applies only
  on/after its ``effective_from`` (see :mod:`tonghu.policy.profile`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .dates import Period, add_months, add_years, fmt_zh
from .facts import ChildFacts, Role, Scheme
from .profile import (
    PROFILE_DIR,
    Profile,
    ProfileError,
    ResolvedProfile,
    build_profiles,
    read_profile_documents,
    select_profile_key,
)
from .results import CalendarItem, Change, Classification, Explanation, Gap, TriggerHit, VisitPlan
from .rules import (
    CATEGORY_RULES,
    DISTANCE_RULES,
    DISTANCE_UNITS,
    ENTITLEMENT_RULES,
    INCAPACITY_KINDS,
    NEEDS,
    REQUIREMENTS_ZH,
    RURAL_REQUIREMENTS,
    S_KINDS,
    TRIGGER_RULES,
    Ctx,
    Outcome,
    evaluate_left_behind,
    evaluate_single_parent,
)

__all__ = [
    "load_profile",
    "load_profiles",
    "set_profile_provider",
    "profiles_from_documents",
    "profile_for_region",
    "validate_resolved",
    "classify",
    "entitlement_gaps",
    "visit_plan",
    "next_changes",
    "calendar_items",
    "ProfileError",
]

# The groups the engine decides. What each is called comes from the profile (``<group>.label``): 001 says
# 留守儿童 for the whole of 香格里拉市 where the national text says 农村留守儿童.
GROUP_LABELS = ("left_behind", "in_difficulty", "single_parent")


def group_label(rp: ResolvedProfile, group: str) -> tuple[str, str]:
    """(zh, en) name of a group under this profile version, e.g. ("留守儿童", "Left-behind child")."""
    label = rp.value(f"{group}.label")
    return str(label["zh"]), str(label["en"])


# --------------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=32)
def _load_all(directory: str) -> dict[str, Profile]:
    return profiles_from_documents(read_profile_documents(directory))


def profiles_from_documents(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, Profile]:
    """Build and validate profiles from raw documents — the YAML files, or rows the ``policy`` app stores in the
    database once administrators can edit profiles. Every version date of every profile is validated."""
    profiles = build_profiles(docs)
    for p in profiles.values():
        for d in p.change_dates():
            validate_resolved(p.at(d))
    return profiles


# A provider of the current profiles (the ``policy`` Django app installs one reading the database, see
# ``tonghu.policy.store``). It returns None when it has nothing (no database, no rows): the files are used then.
_provider: Callable[[], Mapping[str, Profile] | None] | None = None


def set_profile_provider(provider: Callable[[], Mapping[str, Profile] | None] | None) -> None:
    """Install (or remove, with None) the source of profiles used when no ``directory`` is given."""
    global _provider
    _provider = provider


def load_profiles(directory: Path | str | None = None) -> dict[str, Profile]:
    """Every profile in ``directory`` (default: the installed provider — the database in the Django app — and
    failing that the shipped ``profiles/``), built and validated."""
    if directory is None and _provider is not None:
        provided = _provider()
        if provided:
            return dict(provided)
    return _load_all(str(Path(directory) if directory is not None else PROFILE_DIR))


def load_profile(name: str, directory: Path | str | None = None) -> Profile:
    """The named profile with its parents attached; resolve a date with ``profile.at(on)``."""
    profiles = load_profiles(directory)
    if name not in profiles:
        raise ProfileError(f"unknown profile {name!r}; available: {', '.join(sorted(profiles))}")
    return profiles[name]


def profile_for_region(region_code: str, directory: Path | str | None = None) -> Profile:
    """The profile of a region's nearest ancestor that has one (longest prefix)."""
    profiles = load_profiles(directory)
    return profiles[select_profile_key(region_code, profiles)]


# ------------------------------------------------------------------------------------------ validation

_SECTIONS: dict[str, set[str]] = {
    "left_behind": {"label", "age_limit", "months_away", "distance_rule", "distance_unit", "rural_requirement",
                    "short_returns", "other_parent_incapable_when"},
    "definitions": {"severe_disability", "restriction_min_months", "restriction_planned_term_counts",
                    "out_of_contact_min_months", "s_conditions", "compulsory_school_age"},
    "in_difficulty": {"label", "age_limit", "categories"},
    "single_parent": {"label", "tracked", "rural_only", "derive_from_parent_death", "age_limit"},
    "visits": {"applies_to", "contact_interval", "home_visit_interval", "escalated_contact_interval",
               "escalated_home_visit_interval", "escalation_triggers", "problem_due_days", "problem_escalation_days"},
    "mandatory_reporting": {"routing", "accept_hours", "assess_hours", "conference_hours", "escalation",
                            "procuratorate_reviews_every_case"},
    "risk_scale": {"scale"},
    "entitlements": set(),  # keyed by scheme code
    "census": {"deadlines", "times_per_year"},
    "progress_reports": {"deadlines"},
    "phases": {"items"},
    "milestones": {"items"},
}


def _fail(rp: ResolvedProfile, path: str, msg: str) -> None:
    raise ProfileError(f"profile {rp.key!r} on {rp.on}: {path}: {msg}")


def _int(rp: ResolvedProfile, path: str, lo: int = 0) -> None:
    v = rp.value(path)
    if not isinstance(v, int) or isinstance(v, bool) or v < lo:
        _fail(rp, path, f"must be an integer ≥ {lo}, got {v!r}")


def _bool(rp: ResolvedProfile, path: str) -> None:
    if not isinstance(rp.value(path), bool):
        _fail(rp, path, "must be true or false")


def _label(rp: ResolvedProfile, path: str, entry: Mapping[str, Any], key: str = "label") -> None:
    lab = entry.get(key)
    if not isinstance(lab, Mapping) or not lab.get("zh") or not lab.get("en"):
        _fail(rp, path, f"needs {key}: {{zh, en}}")


def _dated_items(rp: ResolvedProfile, path: str, *, phases: bool = False) -> None:
    items = rp.value(path)
    if not isinstance(items, list):
        _fail(rp, path, "must be a list")
    for n, it in enumerate(items):
        where = f"{path}[{n}]"
        if not isinstance(it, Mapping) or not it.get("zh") or not it.get("en"):
            _fail(rp, where, "needs zh and en")
        if phases:
            for k in ("start", "end"):
                if it.get(k) is not None and not isinstance(it.get(k), dt.date):
                    _fail(rp, where, f"{k} must be a date or null")
        elif "date" in it:
            if not isinstance(it["date"], dt.date):
                _fail(rp, where, "date must be a YYYY-MM-DD date")
        elif "annual" in it:
            try:
                month, day = (int(x) for x in str(it["annual"]).split("-"))
                dt.date(2024, month, day)
                int(it["from_year"]), int(it["to_year"])
            except (ValueError, KeyError, TypeError):
                _fail(rp, where, "annual items need annual: 'MM-DD', from_year, to_year")
        else:
            _fail(rp, where, "needs date or annual")


def validate_resolved(rp: ResolvedProfile) -> None:
    """Check a resolved profile against what the engine implements. Raises :class:`ProfileError`."""
    for section, keys in _SECTIONS.items():
        node = rp.tree.get(section)
        if not isinstance(node, dict):
            _fail(rp, section, "section missing")
        if keys:
            unknown = set(node) - keys
            missing = keys - set(node)
            if unknown:
                _fail(rp, section, f"unknown settings {sorted(unknown)}")
            if missing:
                _fail(rp, section, f"missing settings {sorted(missing)}")
    for path in ("left_behind.age_limit", "left_behind.months_away", "in_difficulty.age_limit",
                 "single_parent.age_limit", "definitions.restriction_min_months",
                 "definitions.out_of_contact_min_months"):
        _int(rp, path, 1)
    if rp.value("left_behind.distance_rule") not in DISTANCE_RULES:
        _fail(rp, "left_behind.distance_rule", f"must be one of {sorted(DISTANCE_RULES)}")
    unit = rp.value("left_behind.distance_unit")
    if unit is not None and (not isinstance(unit, Mapping) or unit.get("level") not in DISTANCE_UNITS
                             or not unit.get("zh") or not unit.get("en")):
        _fail(rp, "left_behind.distance_unit",
              f"must be null or {{level: one of {sorted(DISTANCE_UNITS)}, zh, en}}")
    for group in GROUP_LABELS:
        _label(rp, f"{group}.label", {"label": rp.value(f"{group}.label")})
    ages = rp.value("definitions.compulsory_school_age")
    if (not isinstance(ages, Mapping) or set(ages) != {"from", "to"}
            or not all(isinstance(ages[k], int) and not isinstance(ages[k], bool) for k in ages)
            or not 0 <= ages["from"] <= ages["to"]):
        _fail(rp, "definitions.compulsory_school_age", "must be {from: age, to: age} with from ≤ to")
    if rp.value("left_behind.rural_requirement") not in RURAL_REQUIREMENTS:
        _fail(rp, "left_behind.rural_requirement", f"must be one of {RURAL_REQUIREMENTS}")
    sr = rp.value("left_behind.short_returns")
    if not isinstance(sr, Mapping) or set(sr) != {"tolerate", "max_days"} or not isinstance(sr["tolerate"], bool):
        _fail(rp, "left_behind.short_returns", "must be {tolerate: bool, max_days: int|null}")
    if not set(rp.value("left_behind.other_parent_incapable_when")) <= set(INCAPACITY_KINDS):
        _fail(rp, "left_behind.other_parent_incapable_when", f"allowed: {INCAPACITY_KINDS}")
    if not set(rp.value("definitions.s_conditions")) <= set(S_KINDS):
        _fail(rp, "definitions.s_conditions", f"allowed: {S_KINDS}")
    sev = rp.value("definitions.severe_disability")
    if not isinstance(sev, Mapping) or "max_grade_any_type" not in sev:
        _fail(rp, "definitions.severe_disability", "needs max_grade_any_type (and optional max_grade_by_type)")
    _bool(rp, "definitions.restriction_planned_term_counts")
    for path in ("single_parent.tracked", "single_parent.rural_only", "single_parent.derive_from_parent_death"):
        _bool(rp, path)

    enabled: set[str] = set()
    for key, s in rp.entries("in_difficulty.categories").items():
        where = f"in_difficulty.categories.{key}"
        e = s.value
        if e.get("enabled", True) is False:
            continue
        if e.get("rule") not in CATEGORY_RULES:
            _fail(rp, where, f"unknown rule {e.get('rule')!r}; implemented: {sorted(CATEGORY_RULES)}")
        _label(rp, where, e)
        if not isinstance(e.get("requires_evidence"), bool):
            _fail(rp, where, "requires_evidence must be true or false")
        enabled.add(key)
    for g in rp.value("visits.applies_to"):
        if g not in GROUP_LABELS:
            _fail(rp, "visits.applies_to", f"unknown group {g!r}")
    for path in ("contact_interval", "home_visit_interval", "escalated_contact_interval",
                 "escalated_home_visit_interval"):
        try:
            Period.from_value(rp.value(f"visits.{path}"))
        except (ValueError, AttributeError, TypeError) as exc:
            _fail(rp, f"visits.{path}", str(exc))
    for key, s in rp.entries("visits.escalation_triggers").items():
        if s.value.get("rule") not in TRIGGER_RULES:
            _fail(rp, f"visits.escalation_triggers.{key}", f"unknown rule; implemented: {sorted(TRIGGER_RULES)}")
        _label(rp, f"visits.escalation_triggers.{key}", s.value)
    schemes = {s.value for s in Scheme}
    for key, s in rp.entries("entitlements").items():
        where = f"entitlements.{key}"
        e = s.value
        if key not in schemes and key not in NEEDS:
            _fail(rp, where, f"unknown scheme code; allowed: {sorted(schemes | set(NEEDS))}")
        if e.get("rule") not in ENTITLEMENT_RULES:
            _fail(rp, where, f"unknown rule {e.get('rule')!r}; implemented: {sorted(ENTITLEMENT_RULES)}")
        if not set(e.get("satisfied_by") or []) <= schemes or (key not in NEEDS and not e.get("satisfied_by")):
            _fail(rp, where, "satisfied_by must list scheme codes")
        for g in (e.get("params") or {}).get("groups") or []:
            if g not in GROUP_LABELS:
                _fail(rp, where, f"unknown group {g!r}")
        _label(rp, where, e, "reason")
        params = e.get("params") or {}
        for cat in params.get("categories") or []:
            if cat not in enabled:
                _fail(rp, where, f"refers to category {cat!r}, which is not enabled in this profile")
        for req in params.get("require") or []:
            if req not in REQUIREMENTS_ZH:
                _fail(rp, where, f"unknown requirement {req!r}")
    _validate_visit_problems(rp)
    _validate_mandatory_reporting(rp)
    _validate_risk_scale(rp)
    _dated_items(rp, "census.deadlines")
    tpy = rp.value("census.times_per_year")
    if tpy is not None and (not isinstance(tpy, int) or tpy < 1):
        _fail(rp, "census.times_per_year", "must be a positive integer or null")
    _dated_items(rp, "progress_reports.deadlines")
    _dated_items(rp, "phases.items", phases=True)
    _dated_items(rp, "milestones.items")
    _validate_workforce(rp)


# The workforce section (R-J1, R-J4) is optional so that profiles stored before it existed still load; when present
# every key must be known and well-typed. ``tonghu.workforce.rules`` reads it (falling back to the shipped national
# file, which has it, with its citation).
WORKFORCE_KEYS = {"second_director_threshold", "training_every_year", "demonstration_per_year"}


def _validate_workforce(rp: ResolvedProfile) -> None:
    node = rp.tree.get("workforce")
    if node is None:
        return
    if not isinstance(node, dict):
        _fail(rp, "workforce", "must be a section")
    unknown = set(node) - WORKFORCE_KEYS
    if unknown:
        _fail(rp, "workforce", f"unknown settings {sorted(unknown)}")
    if "second_director_threshold" in node:
        _int(rp, "workforce.second_director_threshold", 1)
    if "demonstration_per_year" in node:
        _int(rp, "workforce.demonstration_per_year", 0)
    if "training_every_year" in node:
        _bool(rp, "workforce.training_every_year")


SEVERITIES = ("high", "medium", "low")


def _validate_visit_problems(rp: ResolvedProfile) -> None:
    due = rp.value("visits.problem_due_days")
    if not isinstance(due, Mapping) or set(due) != set(SEVERITIES) or not all(
            isinstance(due[k], int) and not isinstance(due[k], bool) and due[k] >= 1 for k in SEVERITIES):
        _fail(rp, "visits.problem_due_days", "must be {high: days, medium: days, low: days}, each ≥ 1")
    _int(rp, "visits.problem_escalation_days", 1)


def _hours(rp: ResolvedProfile, path: str) -> None:
    v = rp.value(path)
    if v is None:
        return
    if (not isinstance(v, Mapping) or set(v) != {"immediate", "normal"}
            or not all(isinstance(v[k], int) and not isinstance(v[k], bool) and v[k] >= 1 for k in v)
            or v["immediate"] > v["normal"]):
        _fail(rp, path, "must be null or {immediate: hours, normal: hours} with 1 ≤ immediate ≤ normal")


def _validate_mandatory_reporting(rp: ResolvedProfile) -> None:
    """R-F2, R-F3, R-F6: who a mandatory report goes to, the hours each step may take, who is told when late."""
    for path in ("mandatory_reporting.routing.departments", "mandatory_reporting.routing.womens_federation_situations"):
        v = rp.value(path)
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            _fail(rp, path, "must be a list")
    if not rp.value("mandatory_reporting.routing.departments"):
        _fail(rp, "mandatory_reporting.routing.departments", "must be a list")
    for name in ("accept_hours", "assess_hours", "conference_hours"):
        _hours(rp, f"mandatory_reporting.{name}")
    if rp.value("mandatory_reporting.accept_hours") is None or rp.value("mandatory_reporting.assess_hours") is None:
        _fail(rp, "mandatory_reporting.accept_hours", "must be null or {immediate: hours, normal: hours} with "
                                                      "1 ≤ immediate ≤ normal")
    esc = rp.value("mandatory_reporting.escalation")
    if (not isinstance(esc, Mapping) or set(esc) != {"repeat_hours", "levels"} or not isinstance(esc["levels"], list)
            or not esc["levels"] or not isinstance(esc["repeat_hours"], int) or esc["repeat_hours"] < 1):
        _fail(rp, "mandatory_reporting.escalation", "must be {repeat_hours: hours ≥ 1, levels: [roles]}")
    _bool(rp, "mandatory_reporting.procuratorate_reviews_every_case")


def _validate_risk_scale(rp: ResolvedProfile) -> None:
    """R-F6: the family guardianship risk scale — indicators scored 0…max, levels matched top down."""
    path = "risk_scale.scale"
    scale = rp.value(path)
    if not isinstance(scale, Mapping) or not isinstance(scale.get("indicators"), list) \
            or not isinstance(scale.get("levels"), list) or not scale["indicators"] or not scale["levels"]:
        _fail(rp, path, "needs max_score, indicators and levels")
    codes = set()
    for n, ind in enumerate(scale["indicators"]):
        if not isinstance(ind, Mapping) or not ind.get("code") or not ind.get("zh") or not ind.get("en"):
            _fail(rp, f"{path}.indicators[{n}]", "needs zh and en")
        codes.add(ind["code"])
    for n, lv in enumerate(scale["levels"]):
        if not isinstance(lv, Mapping) or not lv.get("code") or not lv.get("zh") or not lv.get("en"):
            _fail(rp, f"{path}.levels[{n}]", "needs zh and en")
        if not set((lv.get("any_at_least") or {}).get("indicators") or []) <= codes:
            _fail(rp, f"{path}.levels[{n}]", f"allowed: {sorted(codes)}")
    if "any_at_least" in scale["levels"][-1] or "total_at_least" in scale["levels"][-1]:
        _fail(rp, f"{path}.levels", "the last level must have no rule (it catches the rest)")


# ------------------------------------------------------------------------------------------ classify


def _resolve(profile: Profile | ResolvedProfile, on: dt.date) -> ResolvedProfile:
    if isinstance(profile, ResolvedProfile):
        if profile.on != on:
            return profile.profile.at(on)
        return profile
    return profile.at(on)


def _citation(rp: ResolvedProfile, *paths: str) -> str:
    seen: list[str] = []
    for p in paths:
        c = rp.setting(p).citation
        if c not in seen:
            seen.append(c)
    return "；".join(seen)


def _lc(label: str) -> str:
    """Lower-case an English label's first letter unless it starts an acronym ("HIV-infected")."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _explanation(
    rp: ResolvedProfile,
    *,
    group: str,
    category: str | None,
    rule: str,
    label: tuple[str, str],
    outcome: Outcome,
    requires_evidence: bool,
    source: str,
) -> Explanation:
    label_zh, label_en = label
    if outcome.holds and requires_evidence and outcome.evidence_missing:
        status = "pending_evidence"
        need_zh = "、".join(e[1] for e in outcome.evidence_missing)
        text_zh = "；".join(outcome.zh) + f"。符合{label_zh}条件，但缺少证明材料：{need_zh}。"
        text_en = "; ".join(outcome.en) + f". Meets the criteria for {_lc(label_en)}, but evidence is not on file."
    elif outcome.holds:
        status = "met"
        text_zh = "；".join(outcome.zh) + f"，属于{label_zh}。"
        text_en = "; ".join(outcome.en) + f": {_lc(label_en)}."
    else:
        status = "not_met"
        text_zh = "；".join(outcome.zh) + f"，不属于{label_zh}。"
        text_en = "; ".join(outcome.en) + f": not {_lc(label_en)}."
    return Explanation(
        group=group,
        category=category,
        status=status,  # type: ignore[arg-type]
        rule=rule,
        label_zh=label_zh,
        label_en=label_en,
        text_zh=text_zh,
        text_en=text_en,
        facts=tuple(outcome.facts),
        missing=tuple(outcome.missing),
        evidence_missing=tuple(e[0] for e in outcome.evidence_missing) if status == "pending_evidence" else (),
        profile=rp.key,
        profile_version=rp.version_label,
        source=source,
    )


def classify(facts: ChildFacts, profile: Profile | ResolvedProfile, on: dt.date) -> Classification:
    """Classify ``facts`` on ``on`` under the profile version in force that day."""
    if facts.child.birth_date > on:
        raise ValueError(f"child {facts.id!r} is born after the evaluation date {on}")
    rp = _resolve(profile, on)
    ctx = Ctx(facts=facts, on=on, rp=rp)
    out: list[Explanation] = []

    # 农村留守儿童 (R-A1)
    lb = evaluate_left_behind(ctx)
    out.append(_explanation(
        rp, group="left_behind", category=None, rule="left_behind", label=group_label(rp, "left_behind"), outcome=lb,
        requires_evidence=False,
        source=_citation(rp, "left_behind.age_limit", "left_behind.months_away", "left_behind.distance_rule",
                         "left_behind.rural_requirement")))

    # 困境儿童 (R-A2, R-A5)
    limit = int(rp.value("in_difficulty.age_limit"))
    turns = add_years(facts.child.birth_date, limit)
    if on >= turns:
        o = Outcome(False).say(f"已于{fmt_zh(turns)}满{limit}周岁，超出困境儿童年龄（0至{limit}周岁）",
                               f"turned {limit} on {turns.isoformat()}; children in difficulty are under {limit}")
        o.use("child.birth_date", facts.child.birth_date)
        out.append(_explanation(rp, group="in_difficulty", category=None, rule="age_limit",
                                label=group_label(rp, "in_difficulty"), outcome=o, requires_evidence=False,
                                source=rp.setting("in_difficulty.age_limit").citation))
    else:
        for key, s in rp.entries("in_difficulty.categories").items():
            e = s.value
            if e.get("enabled", True) is False:
                continue
            o = CATEGORY_RULES[e["rule"]](ctx, e.get("params") or {})
            out.append(_explanation(
                rp, group="in_difficulty", category=key, rule=e["rule"], label=(e["label"]["zh"], e["label"]["en"]),
                outcome=o, requires_evidence=bool(e["requires_evidence"]), source=s.citation))

    # 单亲家庭儿童 (R-A3)
    if rp.value("single_parent.tracked"):
        sp = evaluate_single_parent(ctx)
        out.append(_explanation(
            rp, group="single_parent", category=None, rule="single_parent", label=group_label(rp, "single_parent"),
            outcome=sp, requires_evidence=False,
            source=_citation(rp, "single_parent.tracked", "single_parent.rural_only")))

    return Classification(child_id=facts.id, on=on, profile=rp.key, profile_version=rp.version_label,
                          explanations=tuple(out))


# ------------------------------------------------------------------------------------- entitlements


def entitlement_gaps(
    facts: ChildFacts, classification: Classification, profile: Profile | ResolvedProfile
) -> list[Gap]:
    """应保尽保 (R-E1): schemes the profile's rules grant on the classification's date, not yet received.

    A scheme counts as received when any code in its ``satisfied_by`` list is in ``facts.assistance_received``
    (or, for 低保/特困, on the household record). Categories still pending evidence produce
    ``status="pending_evidence"`` gaps: gather the documents, then enrol.
    """
    rp = _resolve(profile, classification.on)
    if rp.key != classification.profile:
        raise ValueError(f"classification was made under {classification.profile!r}, not {rp.key!r}")
    ctx = Ctx(facts=facts, on=classification.on, rp=rp)
    received = {s.value for s in facts.assistance_received}
    if facts.household.dibao:
        received.add("dibao")
    if facts.household.tekun:
        received.add("tekun")
    gaps: list[Gap] = []
    for scheme, s in rp.entries("entitlements").items():
        e = s.value
        verdict = ENTITLEMENT_RULES[e["rule"]](ctx, e.get("params") or {}, classification)
        if verdict is None or received & set(e.get("satisfied_by") or []):
            continue
        status, because, detail_zh, _detail_en = verdict
        reason_zh = e["reason"]["zh"] + (f"（{detail_zh}）" if detail_zh else "")
        if status == "pending_evidence":
            reason_zh += "；相关证明材料尚未齐备，补齐后办理"
        gaps.append(Gap(scheme=scheme, status=status, reason_zh=reason_zh,  # type: ignore[arg-type]
                        reason_en=e["reason"]["en"] + (" (evidence pending)" if status == "pending_evidence" else ""),
                        rule=e["rule"], source=s.citation, because=because))
    return gaps


# ------------------------------------------------------------------------------------------- visits


def _approx_days(p: Period) -> int:
    return p.months * 30 + p.days


def visit_plan(
    facts: ChildFacts, classification: Classification, profile: Profile | ResolvedProfile
) -> VisitPlan | None:
    """Visit cadence for a served child (R-C1), escalated when a profile trigger fires (R-C2); None if the child
    is in none of the groups the profile visits."""
    rp = _resolve(profile, classification.on)
    ctx = Ctx(facts=facts, on=classification.on, rp=rp)
    groups = tuple(g for g in rp.value("visits.applies_to") if g in classification.categories)
    if not groups:
        return None
    hits: list[TriggerHit] = []
    for key, s in rp.entries("visits.escalation_triggers").items():
        e = s.value
        found = TRIGGER_RULES[e["rule"]](ctx, e.get("params") or {}, classification)
        if found:
            hits.append(TriggerHit(key=key, label_zh=e["label"]["zh"], text_zh=found[0], text_en=found[1],
                                   source=s.citation))
    contact = Period.from_value(rp.value("visits.contact_interval"))
    home = Period.from_value(rp.value("visits.home_visit_interval"))
    sources = [rp.setting("visits.contact_interval").citation, rp.setting("visits.home_visit_interval").citation]
    if hits:
        esc_contact = Period.from_value(rp.value("visits.escalated_contact_interval"))
        esc_home = Period.from_value(rp.value("visits.escalated_home_visit_interval"))
        # An escalated interval never loosens the base one (guards against a mis-set profile).
        contact = esc_contact if _approx_days(esc_contact) < _approx_days(contact) else contact
        home = esc_home if _approx_days(esc_home) < _approx_days(home) else home
        sources += [rp.setting("visits.escalated_home_visit_interval").citation] + [h.source for h in hits]
    group_zh = "、".join(group_label(rp, g)[0] for g in groups)
    text = f"{group_zh}：{contact.zh}联系一次，{home.zh}入户走访一次"
    if hits:
        text += "（加大走访频次：" + "；".join(h.text_zh for h in hits) + "）"
    return VisitPlan(groups=groups, contact_interval=contact, home_visit_interval=home, escalated=bool(hits),
                     triggers=tuple(hits), text_zh=text, source="；".join(dict.fromkeys(sources)),
                     profile_version=rp.version_label)


# ------------------------------------------------------------------------------------------ changes


def _candidate_dates(facts: ChildFacts, profile: Profile, on: dt.date) -> dict[dt.date, list[tuple[str, str]]]:
    """Dates on which something may change by time alone, with what may change."""
    cands: dict[dt.date, list[tuple[str, str]]] = {}

    def add(d: dt.date | None, zh: str, en: str) -> None:
        if d is not None and d > on:
            cands.setdefault(d, [])
            if (zh, en) not in cands[d]:
                cands[d].append((zh, en))

    dates_to_check = [on] + [d for d in profile.change_dates() if d > on]
    birth = facts.child.birth_date
    months: dict[str, set[int]] = {"away": set(), "restriction": set(), "contact": set()}
    for d in dates_to_check:
        rp = profile.at(d)
        ages = {int(rp.value("left_behind.age_limit")), int(rp.value("in_difficulty.age_limit")),
                int(rp.value("single_parent.age_limit"))}
        for s in rp.entries("entitlements").values():
            max_age = (s.value.get("params") or {}).get("max_age")
            if max_age is not None:
                ages.add(int(max_age))
        school = rp.value("definitions.compulsory_school_age")
        ages |= {int(school["from"]), int(school["to"]) + 1}
        for age in ages:
            add(add_years(birth, age), f"满{age}周岁", f"{age}th birthday")
        months["away"].add(int(rp.value("left_behind.months_away")))
        months["restriction"].add(int(rp.value("definitions.restriction_min_months")))
        months["contact"].add(int(rp.value("definitions.out_of_contact_min_months")))
    for d in profile.change_dates():
        add(d, f"{profile.name_zh}方案新版本生效", "a new profile version takes effect")

    for g in facts.guardians:
        if g.role not in (Role.FATHER, Role.MOTHER):
            continue
        who = "父亲" if g.role is Role.FATHER else "母亲"
        base: list[tuple[dt.date | None, str]] = []  # (start date, kind of period)
        if g.working_away:
            wa = g.working_away
            base.append((wa.since, "away"))
            add(wa.since, f"{who}外出务工", f"{g.role.value} leaves for work")
            add(wa.until, f"{who}返乡", f"{g.role.value} comes back")
            for t in wa.short_trips_home:
                add(t.start, f"{who}回家探亲", f"{g.role.value} comes home")
                add(t.end, f"{who}返回务工地", f"{g.role.value} goes back to work")
                base.append((t.end, "away"))
        for r in g.restrictions:
            add(r.start, f"{who}开始被限制人身自由", f"{g.role.value}'s restriction starts")
            add(r.end, f"{who}解除限制人身自由", f"{g.role.value}'s restriction ends")
            base.append((r.start, "restriction"))
        if g.out_of_contact:
            add(g.out_of_contact.since, f"{who}失联", f"{g.role.value} out of contact")
            add(g.out_of_contact.police_report_accepted, f"{who}失联报案受理", "police report accepted")
            base.append((g.out_of_contact.police_report_accepted, "contact"))
        for attr, zh in (("deceased", "死亡"), ("declared_missing", "被宣告失踪"),
                         ("guardianship_revoked", "被撤销监护资格"), ("deported", "被遣送出境")):
            fact = getattr(g, attr)
            if fact is not None:
                add(fact.date, f"{who}{zh}", f"{g.role.value} {attr}")
        labels = {
            "away": ("外出务工满{n}个月", "{n} months away reached"),
            "restriction": ("被限制人身自由满{n}个月", "{n} months of restriction of liberty reached"),
            "contact": ("失联报案受理满{n}个月", "{n} months since the police accepted the missing report"),
        }
        for d0, kind in base:
            if d0 is None:
                continue
            zh_t, en_t = labels[kind]
            for n in months[kind]:
                add(add_months(d0, n), who + zh_t.format(n=n), f"{g.role.value}: " + en_t.format(n=n))
    return cands


def next_changes(
    facts: ChildFacts, profile: Profile, on: dt.date, until: dt.date | None = None, limit: int | None = None
) -> list[Change]:
    """Upcoming dates (after ``on``, up to ``until`` — default the day after the 18th birthday or the profile's
    highest age limit) where the classification or the entitlement gaps change with no new facts. ``limit``
    stops after that many changes (the stored "next change date" needs only the first)."""
    rp = profile.at(on)
    horizon = until or add_years(facts.child.birth_date, int(rp.value("in_difficulty.age_limit"))) + dt.timedelta(1)
    changes: list[Change] = []
    for d, causes in sorted(_candidate_dates(facts, profile, on).items()):
        if d > horizon:
            break
        before = classify(facts, profile, d - dt.timedelta(days=1))
        after = classify(facts, profile, d)
        b_keys = set(before.categories) | {f"{k}?" for k in before.pending}
        a_keys = set(after.categories) | {f"{k}?" for k in after.pending}
        b_gaps = {g.scheme for g in entitlement_gaps(facts, before, profile)}
        a_gaps = {g.scheme for g in entitlement_gaps(facts, after, profile)}
        if b_keys == a_keys and b_gaps == a_gaps:
            continue
        changes.append(Change(
            date=d,
            entered=tuple(sorted(a_keys - b_keys)),
            left=tuple(sorted(b_keys - a_keys)),
            gaps_added=tuple(sorted(a_gaps - b_gaps)),
            gaps_removed=tuple(sorted(b_gaps - a_gaps)),
            causes_zh=tuple(c[0] for c in causes),
            causes_en=tuple(c[1] for c in causes),
        ))
        if limit is not None and len(changes) >= limit:
            break
    return changes


# ----------------------------------------------------------------------------------------- calendar


def _expand(items: Iterable[Mapping[str, Any]], kind: str, source: str) -> list[CalendarItem]:
    out: list[CalendarItem] = []
    for it in items:
        if "date" in it:
            out.append(CalendarItem(it["date"], kind, it["zh"], it["en"], source))  # type: ignore[arg-type]
        else:
            month, day = (int(x) for x in str(it["annual"]).split("-"))
            for year in range(int(it["from_year"]), int(it["to_year"]) + 1):
                when = dt.date(year, month, day)
                out.append(CalendarItem(when, kind, it["zh"], it["en"], source))  # type: ignore[arg-type]
    return out


def calendar_items(profile: Profile, start: dt.date, end: dt.date) -> list[CalendarItem]:
    """Census deadlines, progress reports, phase starts/ends and milestones in ``[start, end]`` (R-B1, R-M1, R-M2).

    Each item is taken from the profile version governing its own date, so a later version that moves a
    deadline only affects dates on/after its ``effective_from``. Items dated before a profile's first version
    (a plan may set deadlines before its own start, e.g. 000's 2024-05-31 data comparison) belong to that first
    version.
    """
    first = profile.versions[0].effective_from

    def governing(t: dt.date) -> tuple[str, ...]:
        return profile.at(max(t, first)).chain

    found: dict[tuple[dt.date, str, str], CalendarItem] = {}
    for d in sorted({start, *profile.change_dates()}):
        rp = profile.at(d)
        items: list[CalendarItem] = []
        items += _expand(rp.value("census.deadlines"), "census", rp.setting("census.deadlines").citation)
        items += _expand(rp.value("progress_reports.deadlines"), "progress_report",
                         rp.setting("progress_reports.deadlines").citation)
        items += _expand(rp.value("milestones.items"), "milestone", rp.setting("milestones.items").citation)
        psrc = rp.setting("phases.items").citation
        for ph in rp.value("phases.items"):
            if ph.get("start"):
                items.append(CalendarItem(ph["start"], "phase_start", f"{ph['zh']}阶段开始", f"{ph['en']} begins", psrc))
            if ph.get("end"):
                items.append(CalendarItem(ph["end"], "phase_end", f"{ph['zh']}阶段结束", f"{ph['en']} ends", psrc))
        for it in items:
            if start <= it.date <= end and governing(it.date) == rp.chain:
                found[(it.date, it.kind, it.zh)] = it
    return sorted(found.values(), key=lambda i: (i.date, i.kind, i.zh))
