"""From a child's facts and the jurisdiction's policy profile to the visit cadence (R-C1, R-C2).

Nothing about cadence is decided here: the intervals, the groups visited and the escalation triggers come from the
profile (``tonghu/policy/profiles/*.yaml`` → ``visits.*``) through ``tonghu.policy.engine.visit_plan``. This module
only adapts the registry's data to the engine and words the result for a child director.

Facts: ``tonghu.policy.childfacts.child_facts(child)``, the one conversion from a file to the engine's facts (the
same that classification reads).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tonghu.policy import engine
from tonghu.policy.childfacts import child_facts
from tonghu.policy.dates import Period
from tonghu.policy.facts import ChildFacts
from tonghu.core.texts import bilingual, msg

# Registry fields that, when present and true, count as "high guardianship risk" (R-C2, the list). The
# profiles have no trigger rule for it yet; it uses the profile's escalated intervals (see docs/visits.md).
HIGH_RISK_VALUES = {"high", "高", "高风险"}


@dataclass(frozen=True)
class Plan:
    contact: Period
    home_visit: Period
    escalated: bool
    reasons: tuple  # texts to store (tonghu.core.texts): "父亲为肢体一级残疾" …
    profile: str
    source: str
    groups: tuple[str, ...] = field(default=())


def facts_for(child, on: dt.date | None = None) -> ChildFacts:
    """The engine's facts for a child (the one conversion, ``tonghu.policy.childfacts``)."""
    return child_facts(child, on=on)


def _high_guardianship_risk(child) -> bool:
    for attr in ("guardianship_risk", "risk_level", "guardianship_risk_level"):
        value = getattr(child, attr, None)
        if value is not None and str(value).lower() in HIGH_RISK_VALUES:
            return True
    return False


def plan_for(child, on: dt.date) -> Plan | None:
    """The cadence for ``child`` on ``on`` under its village's profile, or None when the profile visits no group
    the child is in."""
    profile = engine.profile_for_region(child.village_id)
    rp = profile.at(on)
    facts = facts_for(child, on)
    classification = engine.classify(facts, profile, on)
    vp = engine.visit_plan(facts, classification, profile)
    if vp is None:
        return None
    risk = _high_guardianship_risk(child)
    contact, home, escalated = vp.contact_interval, vp.home_visit_interval, vp.escalated
    # Stored language-neutral (the profile's own Chinese and English text, or a message id): see tonghu.core.texts.
    reasons = [bilingual(t.text_zh, t.text_en) for t in vp.triggers]
    source, groups = vp.source, vp.groups
    if risk:
        esc_c = Period.from_value(rp.value("visits.escalated_contact_interval"))
        esc_h = Period.from_value(rp.value("visits.escalated_home_visit_interval"))
        contact = esc_c if _days(esc_c) < _days(contact) else contact
        home = esc_h if _days(esc_h) < _days(home) else home
        escalated = True
        reasons.append(msg("家庭监护风险高"))
    return Plan(contact=contact, home_visit=home, escalated=escalated, reasons=tuple(reasons), profile=rp.key,
                source=source, groups=groups)


def _days(p: Period) -> int:
    return p.months * 30 + p.days


def window_days(p: Period) -> int:
    """How many days before the due date a task's window opens: half the interval, at most 30 days
    (monthly contact: 15 days; quarterly home visit: 30 days; a 15-day escalated contact: 7 days)."""
    return min(30, max(1, _days(p) // 2))
