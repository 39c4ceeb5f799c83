"""From a child's facts and the jurisdiction's policy profile to the visit cadence (R-C1, R-C2).

Nothing about cadence is decided here: the intervals, the groups visited and the escalation triggers come from the
profile (``tonghu/policy/profiles/*.yaml`` → ``visits.*``) through ``tonghu.policy.engine.visit_plan``. This module
only adapts the registry's data to the engine and words the result for a child director.

Facts: ``tonghu.registry.facts.child_facts(child)`` when the registry provides it. Until it does, a small defensive
adapter builds the facts the engine needs from what ``registry.Child`` has (birth date, sex, village); the engine
then cannot place the child in a group, and — because an active file in the register is a child the director
serves — the profile's *base* cadence applies (``Plan.facts_complete`` is False, and the reason says so).
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from tonghu.policy import engine
from tonghu.policy.dates import Period
from tonghu.policy.facts import Child as FactsChild
from tonghu.policy.facts import ChildFacts, Sex

# Registry fields that, when present and true, count as "high guardianship risk" (R-C2, the list). The
# profiles have no trigger rule for it yet; it uses the profile's escalated intervals (see docs/visits.md).
HIGH_RISK_VALUES = {"high", "高", "高风险"}


@dataclass(frozen=True)
class Plan:
    contact: Period
    home_visit: Period
    escalated: bool
    reasons: tuple[str, ...]  # "父亲为肢体一级残疾" …
    profile: str
    source: str
    facts_complete: bool
    groups: tuple[str, ...] = field(default=())


def _registry_child_facts():
    try:
        module = importlib.import_module("tonghu.registry.facts")
    except ModuleNotFoundError:
        return None
    return getattr(module, "child_facts", None)


def facts_for(child) -> tuple[ChildFacts, bool]:
    """The engine's facts for a child, and whether they came from the registry (complete) or the fallback."""
    builder = _registry_child_facts()
    if builder is not None:
        return builder(child), True
    sex = {"M": Sex.MALE, "F": Sex.FEMALE}.get(getattr(child, "sex", None))
    birth = child.birth_date
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth)
    return ChildFacts(id=str(child.pk), child=FactsChild(birth_date=birth, sex=sex, residence_code=child.village_id)), False


def _high_guardianship_risk(child) -> bool:
    for attr in ("guardianship_risk", "risk_level", "guardianship_risk_level"):
        value = getattr(child, attr, None)
        if value is not None and str(value).lower() in HIGH_RISK_VALUES:
            return True
    return False


def plan_for(child, on: dt.date) -> Plan | None:
    """The cadence for ``child`` on ``on`` under its village's profile, or None when the profile visits no group
    the child is in (with complete facts)."""
    profile = engine.profile_for_region(child.village_id)
    rp = profile.at(on)
    facts, complete = facts_for(child)
    classification = engine.classify(facts, profile, on)
    vp = engine.visit_plan(facts, classification, profile)
    risk = _high_guardianship_risk(child)
    if vp is None and complete:
        return None
    if vp is None:
        contact = Period.from_value(rp.value("visits.contact_interval"))
        home = Period.from_value(rp.value("visits.home_visit_interval"))
        reasons: list[str] = []
        escalated = False
        source = "；".join(dict.fromkeys([rp.setting("visits.contact_interval").citation,
                                           rp.setting("visits.home_visit_interval").citation]))
        groups: tuple[str, ...] = ()
    else:
        contact, home, escalated = vp.contact_interval, vp.home_visit_interval, vp.escalated
        reasons = [t.text_zh for t in vp.triggers]
        source, groups = vp.source, vp.groups
    if risk:
        esc_c = Period.from_value(rp.value("visits.escalated_contact_interval"))
        esc_h = Period.from_value(rp.value("visits.escalated_home_visit_interval"))
        contact = esc_c if _days(esc_c) < _days(contact) else contact
        home = esc_h if _days(esc_h) < _days(home) else home
        escalated = True
        reasons.append("家庭监护风险高")
    return Plan(contact=contact, home_visit=home, escalated=escalated, reasons=tuple(reasons), profile=rp.key,
                source=source, facts_complete=complete, groups=groups)


def _days(p: Period) -> int:
    return p.months * 30 + p.days


def window_days(p: Period) -> int:
    """How many days before the due date a task's window opens: half the interval, at most 30 days
    (monthly contact: 15 days; quarterly home visit: 30 days; a 15-day escalated contact: 7 days)."""
    return min(30, max(1, _days(p) // 2))
