"""The one conversion from a registry file to the policy engine's facts (tonghu.policy.childfacts)."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.policy import facts as F
from tonghu.registry import services
from tonghu.policy.childfacts import child_facts, facts_queryset
from tonghu.registry.models import Child


@pytest.mark.django_db
def test_child_facts_maps_every_fact(make_child):
    child = make_child("韦小花", sex="F", birth_date=dt.date(2013, 6, 1), hukou_type="rural", hukou_region_code="451027",
                       schooling_status="dropped_out", dropout_since=dt.date(2024, 3, 1), boarding=False,
                       health_status="disability", disability_type="intellectual", disability_grade=3, disability_evidence=True,
                       hiv_infected=True, psych_problem=True, single_parent="mother", other_difficulty="住房危旧")
    household = child.household
    services.household_update(actor="t", household=household, data={"income_per_head_year": 3600, "dibao": True},
                              expected_version=household.version)
    services.guardian_save(actor="t", child=child, data={
        "role": "father", "name": "韦父", "deceased": True, "deceased_date": dt.date(2020, 1, 1), "deceased_evidence": True})
    mother = services.guardian_save(actor="t", child=child, data={
        "role": "mother", "name": "韦母", "working_away": True, "away_since": dt.date(2021, 2, 1), "away_destination_code": "4419",
        "out_of_contact": True, "out_of_contact_since": dt.date(2023, 1, 1), "police_report_date": dt.date(2023, 2, 1),
        "disability_type": "mental", "disability_grade": 2})
    services.restriction_add(actor="t", guardian=mother, data={"kind": "compulsory_rehab", "start": dt.date(2023, 5, 1), "end": dt.date(2025, 5, 1)})
    services.guardian_save(actor="t", child=child, data={"role": "other", "relation": "外祖母", "name": "外婆", "guardianship_revoked": False})
    services.problem_add(actor="t", child=child, data={"kind": "neglect", "since": dt.date(2024, 1, 1)})
    services.assistance_add(actor="t", child=child, data={"scheme": "unsupported_allowance", "amount_month": 1200, "start": dt.date(2023, 1, 1)})
    services.assistance_add(actor="t", child=child, data={"scheme": "temporary_relief", "start": dt.date(2020, 1, 1), "end": dt.date(2020, 2, 1)})

    child = facts_queryset(Child.objects.filter(pk=child.pk)).get()
    facts = child_facts(child, on=dt.date(2024, 6, 1))
    assert facts.id == str(child.pk)
    c = facts.child
    assert c.sex is F.Sex.FEMALE and c.hukou_type is F.HukouType.RURAL and c.residence_code == child.village_id
    assert c.lives_in_rural_area is True  # 青山村 is 220 村庄
    assert c.health.disability == F.Disability(F.DisabilityType.INTELLECTUAL, 3, True)
    assert c.health.hiv == F.HivInfection(evidence=False) and c.health.psych_behaviour_problem
    assert c.schooling == F.Schooling(F.SchoolingStatus.DROPPED_OUT, False, dt.date(2024, 3, 1))
    assert c.single_parent_family is F.Role.MOTHER and c.other_difficulty.description == "住房危旧"
    assert c.guardianship_problems[0].kind is F.GuardianshipProblemKind.NEGLECT
    assert facts.household.income_per_head_yuan_year == 3600.0 and facts.household.dibao
    f, m, o = facts.guardians
    assert f.role is F.Role.FATHER and f.deceased == F.Deceased(dt.date(2020, 1, 1), False, True)
    assert m.working_away.destination_code == "4419" and m.out_of_contact.police_report_accepted == dt.date(2023, 2, 1)
    assert m.disability.type is F.DisabilityType.MENTAL and m.restrictions[0].kind is F.RestrictionKind.COMPULSORY_REHAB
    assert o.role is F.Role.OTHER and o.relation == "外祖母" and o.guardianship_revoked is None
    assert facts.assistance_received == (F.Scheme.UNSUPPORTED_ALLOWANCE,)  # the ended temporary relief is not current
    # the facts survive the engine's strict JSON round trip
    assert F.ChildFacts.from_dict(facts.to_dict()) == facts


@pytest.mark.django_db
def test_minimal_child_facts(make_child):
    child = make_child("韦小草")
    facts = child_facts(child)
    assert facts.guardians == () and facts.child.schooling is None and facts.child.hukou_type is F.HukouType.UNKNOWN
    F.ChildFacts.from_dict(facts.to_dict())


@pytest.mark.django_db
def test_facts_queryset_constant_queries(make_child, django_assert_max_num_queries):
    for i in range(5):
        c = make_child(f"韦{i}号", birth_date=dt.date(2014, 1, i + 1))
        services.guardian_save(actor="t", child=c, data={"role": "father", "name": "父"})
    with django_assert_max_num_queries(6):
        for child in facts_queryset(Child.objects.all()):
            child_facts(child)
