"""THE conversion from a registry file to the policy engine's pure-Python facts (``tonghu.policy.facts``).

The one place a child's facts are read from the database: classification (``services.classification_refresh``),
the visit cadence (``tonghu.visits.planning``) and anything later that needs the engine's view of a child use it.
It lives in ``policy`` because the registry is the layer below and must not import the engine (docs/architecture.md).

``child_facts(child)`` reads one file (prefetch ``guardians__restrictions``, ``guardianship_problems`` and
``assistance`` and select ``village``/``household`` when calling it for many children) and returns a
:class:`~tonghu.policy.facts.ChildFacts`. It is a one-to-one mapping: every enum value in the registry is the
policy engine's code. Evidence is "on file" when the flag is set (uploading an attachment for the fact sets it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import facts as F

_SEX = {"M": F.Sex.MALE, "F": F.Sex.FEMALE}


def _disability(type_: str, grade, evidence: bool) -> F.Disability | None:
    if not type_ or not grade:
        return None
    return F.Disability(type=F.DisabilityType(type_), grade=int(grade), evidence=bool(evidence))


def _evidenced(flag: bool, date, evidence: bool) -> F.Evidenced | None:
    return F.Evidenced(date=date, evidence=bool(evidence)) if flag else None


def guardian_facts(g) -> F.Guardian:
    working_away = None
    if g.working_away and g.away_since:
        working_away = F.WorkingAway(
            since=g.away_since, until=g.away_until, destination_code=g.away_destination_code or None,
            has_short_trips_home=bool(g.away_short_trips_home), evidence=bool(g.away_evidence),
        )
    restrictions = tuple(
        F.Restriction(kind=F.RestrictionKind(r.kind), start=r.start, end=r.end, evidence=bool(r.evidence))
        for r in g.restrictions.all()
    )
    return F.Guardian(
        role=F.Role(g.role),
        relation=g.relation or None,
        name=g.name or None,
        deceased=F.Deceased(date=g.deceased_date, declared_by_court=bool(g.deceased_by_court), evidence=bool(g.deceased_evidence)) if g.deceased else None,
        declared_missing=_evidenced(g.missing_declared, g.missing_date, g.missing_evidence),
        working_away=working_away,
        restrictions=restrictions,
        out_of_contact=F.OutOfContact(since=g.out_of_contact_since, police_report_accepted=g.police_report_date, evidence=bool(g.out_of_contact_evidence)) if g.out_of_contact else None,
        guardianship_revoked=_evidenced(g.guardianship_revoked, g.revoked_date, g.revoked_evidence),
        deported=_evidenced(g.deported, g.deported_date, g.deported_evidence),
        disability=_disability(g.disability_type, g.disability_grade, g.disability_evidence),
        serious_illness=F.Illness(name=g.serious_illness_name or None, evidence=bool(g.serious_illness_evidence)) if g.serious_illness else None,
    )


def child_facts(child, *, on: dt.date | None = None) -> F.ChildFacts:
    """The facts the policy engine classifies ``child`` by. ``on``: the day assistance must be active (today)."""
    on = on or timezone.localdate()
    village = child.village
    health = F.Health(
        disability=_disability(child.disability_type, child.disability_grade, child.disability_evidence),
        serious_illness=F.Illness(name=child.illness_name or None, evidence=bool(child.illness_evidence)) if child.health_status == "serious_illness" else None,
        hiv=F.HivInfection(evidence=bool(child.hiv_evidence)) if child.hiv_infected else None,
        psych_behaviour_problem=bool(child.psych_problem),
    )
    schooling = None
    if child.schooling_status:
        schooling = F.Schooling(status=F.SchoolingStatus(child.schooling_status), boarding=child.boarding, dropout_since=child.dropout_since)
    problems = tuple(
        F.GuardianshipProblem(kind=F.GuardianshipProblemKind(p.kind), since=p.since, evidence=bool(p.evidence))
        for p in child.guardianship_problems.all()
        if p.resolved_on is None or p.resolved_on > on
    )
    fact_child = F.Child(
        birth_date=child.birth_date,
        name=child.name,
        sex=_SEX.get(child.sex),
        hukou_type=F.HukouType(child.hukou_type or "unknown"),
        hukou_region_code=child.hukou_region_code or None,
        residence_code=child.village_id,
        lives_in_rural_area=village.is_rural if village.urban_rural else None,
        health=health,
        schooling=schooling,
        single_parent_family=F.Role(child.single_parent) if child.single_parent else None,
        guardianship_problems=problems,
        other_difficulty=F.OtherDifficulty(description=child.other_difficulty, evidence=bool(child.other_difficulty_evidence)) if child.other_difficulty.strip() else None,
        birth_parents_unfound=_evidenced(child.birth_parents_unfound, child.birth_parents_unfound_date, child.birth_parents_unfound_evidence),
    )
    hh = child.household
    household = F.Household()
    if hh is not None:
        household = F.Household(
            income_per_head_yuan_year=float(hh.income_per_head_year) if hh.income_per_head_year is not None else None,
            dibao=bool(hh.dibao), tekun=bool(hh.tekun), low_income=bool(hh.low_income),
        )
    guardians = tuple(guardian_facts(g) for g in sorted(child.guardians.all(), key=lambda g: ({"father": 0, "mother": 1}.get(g.role, 2), g.pk)))
    schemes = []
    for a in child.assistance.all():
        if a.active_on(on) and a.scheme not in schemes:
            schemes.append(a.scheme)
    return F.ChildFacts(
        id=str(child.pk),
        child=fact_child,
        household=household,
        guardians=guardians,
        assistance_received=tuple(F.Scheme(s) for s in schemes),
    )


def facts_queryset(qs):
    """``qs`` with everything ``child_facts`` reads prefetched (a constant number of queries for a page)."""
    return qs.select_related("village", "household").prefetch_related("guardians__restrictions", "guardianship_problems", "assistance")


def children_by_ids(ids, *, chunk: int = 500):
    """The children ``ids`` (any iterable), prefetched for :func:`child_facts`, in id order, ``chunk`` ids per query
    (a list of 100,000 ids stays within every database's parameter limit)."""
    from tonghu.registry.models import Child

    ids = sorted({int(i) for i in ids})
    for start in range(0, len(ids), chunk):
        yield from facts_queryset(Child.objects.filter(pk__in=ids[start:start + chunk]).order_by("pk"))
