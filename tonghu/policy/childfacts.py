"""From a registry ``Child`` to the engine's :class:`~tonghu.policy.facts.ChildFacts`.

The registry owns the adapter (``tonghu.registry.facts.child_facts``); this module uses it when it exists. Until
it does, :func:`fallback_child_facts` builds the same facts from the registry's fields (documented in
docs/policy.md), so classification works either way. Facts that fail the engine's strict parsing raise
:class:`~tonghu.policy.facts.FactsError` naming the field; the caller stores that as the child's result.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from typing import Any

from django.utils import timezone

from .facts import ChildFacts

_SEX = {"M": "male", "F": "female"}


def registry_adapter():
    try:
        module = importlib.import_module("tonghu.registry.facts")
    except ModuleNotFoundError:
        return None
    return getattr(module, "child_facts", None)


def child_facts(child, on: dt.date | None = None) -> ChildFacts:
    """The child's facts; assistance counts as received when active on ``on`` (default today)."""
    adapter = registry_adapter()
    if adapter is not None:
        if "on" in inspect.signature(adapter).parameters:
            return adapter(child, on=on)
        return adapter(child)
    return fallback_child_facts(child, today=on)


def _d(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _evidenced(flag, date, evidence) -> dict[str, Any] | None:
    if not flag:
        return None
    return {"date": _d(date), "evidence": bool(evidence)}


def _code(value: str | None, lengths: tuple[int, ...]) -> str | None:
    return value if value and value.isdigit() and len(value) in lengths else None


def _all(obj, name: str) -> list:
    related = getattr(obj, name, None)
    return list(related.all()) if related is not None and hasattr(related, "all") else []


def fallback_child_facts(child, today: dt.date | None = None) -> ChildFacts:
    today = today or timezone.localdate()
    g = lambda name, default=None: getattr(child, name, default)  # noqa: E731
    health: dict[str, Any] = {"psych_behaviour_problem": bool(g("psych_problem", False))}
    if g("disability_type") and g("disability_grade"):
        health["disability"] = {"type": g("disability_type"), "grade": int(g("disability_grade")),
                                "evidence": bool(g("disability_evidence", False))}
    if g("health_status") == "serious_illness":
        health["serious_illness"] = {"name": g("illness_name") or None, "evidence": bool(g("illness_evidence", False))}
    if g("hiv_infected"):
        health["hiv"] = {"evidence": bool(g("hiv_evidence", False))}
    kid: dict[str, Any] = {
        "birth_date": _d(child.birth_date),
        "name": child.name,
        "sex": _SEX.get(g("sex")),
        "hukou_type": g("hukou_type") or "unknown",
        "hukou_region_code": _code(g("hukou_region_code"), (6, 9, 12)),
        "residence_code": child.village_id,
        "health": health,
    }
    village = g("village")
    if village is not None and getattr(village, "urban_rural", ""):
        kid["lives_in_rural_area"] = village.is_rural
    if g("schooling_status"):
        kid["schooling"] = {"status": g("schooling_status"), "boarding": g("boarding"),
                            "dropout_since": _d(g("dropout_since"))}
    if g("single_parent"):
        kid["single_parent_family"] = g("single_parent")
    problems = [p for p in _all(child, "guardianship_problems") if not getattr(p, "resolved_on", None)]
    if problems:
        kid["guardianship_problems"] = [{"kind": p.kind, "since": _d(p.since), "evidence": bool(p.evidence)} for p in problems]
    if g("other_difficulty"):
        kid["other_difficulty"] = {"description": g("other_difficulty"), "evidence": bool(g("other_difficulty_evidence", False))}
    kid["birth_parents_unfound"] = _evidenced(g("birth_parents_unfound"), g("birth_parents_unfound_date"),
                                              g("birth_parents_unfound_evidence"))

    household: dict[str, Any] = {}
    hh = g("household")
    if hh is not None:
        income = getattr(hh, "income_per_head_year", None)
        household = {"income_per_head_yuan_year": float(income) if income is not None else None,
                     "dibao": bool(getattr(hh, "dibao", False)), "tekun": bool(getattr(hh, "tekun", False)),
                     "low_income": bool(getattr(hh, "low_income", False))}

    guardians = []
    for gd in _all(child, "guardians"):
        out: dict[str, Any] = {"role": gd.role, "relation": gd.relation or None, "name": gd.name or None}
        if gd.deceased:
            out["deceased"] = {"date": _d(gd.deceased_date), "declared_by_court": bool(gd.deceased_by_court),
                               "evidence": bool(gd.deceased_evidence)}
        out["declared_missing"] = _evidenced(gd.missing_declared, gd.missing_date, gd.missing_evidence)
        if gd.working_away and gd.away_since:
            out["working_away"] = {"since": _d(gd.away_since), "until": _d(gd.away_until),
                                   "destination_code": _code(gd.away_destination_code, (2, 4, 6, 9, 12)),
                                   "has_short_trips_home": bool(gd.away_short_trips_home),
                                   "evidence": bool(gd.away_evidence)}
        restrictions = [{"kind": r.kind, "from": _d(r.start), "to": _d(r.end), "evidence": bool(r.evidence)}
                        for r in _all(gd, "restrictions") if r.start]
        if restrictions:
            out["restrictions"] = restrictions
        if gd.out_of_contact:
            out["out_of_contact"] = {"since": _d(gd.out_of_contact_since),
                                     "police_report_accepted": _d(gd.police_report_date),
                                     "evidence": bool(gd.out_of_contact_evidence)}
        out["guardianship_revoked"] = _evidenced(gd.guardianship_revoked, gd.revoked_date, gd.revoked_evidence)
        out["deported"] = _evidenced(gd.deported, gd.deported_date, gd.deported_evidence)
        if gd.disability_type and gd.disability_grade:
            out["disability"] = {"type": gd.disability_type, "grade": int(gd.disability_grade),
                                 "evidence": bool(gd.disability_evidence)}
        if gd.serious_illness:
            out["serious_illness"] = {"name": gd.serious_illness_name or None,
                                      "evidence": bool(gd.serious_illness_evidence)}
        guardians.append(out)

    received = sorted({a.scheme for a in _all(child, "assistance")
                       if a.scheme != "other" and (a.start is None or a.start <= today)
                       and (a.end is None or a.end >= today)})
    data = {"id": str(child.pk), "child": kid, "household": household, "guardians": guardians,
            "assistance_received": received}
    return ChildFacts.from_dict(_strip_none(data))


def _strip_none(value):
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value
