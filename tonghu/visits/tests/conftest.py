"""Fixtures of the visits tests: children whose policy facts the test chooses (independent of how the registry
stores them), regions for the other jurisdictions, and a fixed 'today'."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.policy import facts as F

TODAY = dt.date(2025, 6, 16)

# What a home visit must record (R-C3) and whom the director met: a complete home visit's details.
OBSERVED = {"people_met": "祖母、儿童本人", "living_conditions": "住房稳固", "guardianship": "祖母照料", "schooling": "在校",
            "health": "良好", "psychology": "开朗"}

# Other jurisdictions' regions (fictional townships/villages under real prefixes).
EXTRA_REGIONS = [
    ("540000000000", "西藏自治区", "province"), ("540100000000", "拉萨市", "city"), ("540102000000", "城关区", "county"),
    ("540102001000", "测试街道", "township"), ("540102001200", "测试村", "village"),
    ("210000000000", "辽宁省", "province"), ("210300000000", "鞍山市", "city"), ("210302000000", "铁东区", "county"),
    ("210302001000", "测试街道", "township"), ("210302001200", "测试村", "village"),
    ("140000000000", "山西省", "province"), ("140400000000", "长治市", "city"), ("140402000000", "潞州区", "county"),
    ("140402001000", "测试镇", "township"), ("140402001200", "测试村", "village"),
]

VILLAGE = {"guangxi": "451027001200", "shangrila": "533401001200", "xizang": "540102001200", "anshan": "210302001200",
           "changzhi": "140402001200"}


def left_behind(child, *, father=None, mother=None, **child_extra):
    """Both parents working away in another province since January 2024 (left-behind under every profile);
    ``father``/``mother``: extra Guardian fields; ``child_extra``: extra facts.Child fields."""
    away = F.WorkingAway(since=dt.date(2024, 1, 1), destination_code="440300")
    kw = dict(birth_date=dt.date(2015, 5, 1), hukou_type=F.HukouType.RURAL, lives_in_rural_area=True,
              residence_code=child.village_id)
    kw.update(child_extra)
    return F.ChildFacts(id=str(child.pk), child=F.Child(**kw),
                        guardians=(F.Guardian(role=F.Role.FATHER, **({"working_away": away} | (father or {}))),
                                   F.Guardian(role=F.Role.MOTHER, **({"working_away": away} | (mother or {})))))


@pytest.fixture
def facts(monkeypatch):
    """``facts[child.pk] = builder`` chooses a child's facts; default: left-behind."""
    chosen: dict[int, object] = {}

    def fake(child, on=None):
        builder = chosen.get(child.pk, left_behind)
        return builder(child)

    monkeypatch.setattr("tonghu.visits.planning.facts_for", fake)
    return chosen


@pytest.fixture
def regions(world):
    from tonghu.core.models import Region
    from tonghu.core.regions import parent_code

    for code, name, level in EXTRA_REGIONS:
        Region(code=code, name=name, level=level, parent_id=parent_code(code)).save()
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def make_child(make_child, facts):
    """The root ``make_child`` (through ``registry.services.child_create``; issue 20 item 3: one helper, one argument
    order) with the children's policy facts chosen by the ``facts`` fixture (default: left-behind), so that a visit
    schedule exists; ``opened=`` dates the file."""
    return make_child
