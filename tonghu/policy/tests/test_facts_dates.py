"""The facts schema (strict parsing, round trip) and calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.policy.dates import Period, add_months, age_on, whole_months
from tonghu.policy.facts import ChildFacts, DisabilityType, FactsError, RestrictionKind, Role, Scheme

D = dt.date.fromisoformat

FULL = {
    "id": "450321-0001",
    "child": {
        "name": "小明",
        "birth_date": "2013-06-01",
        "sex": "male",
        "hukou_type": "rural",
        "hukou_region_code": "450321",
        "residence_code": "450321101201",
        "lives_in_rural_area": True,
        "health": {"disability": {"type": "hearing", "grade": 3, "evidence": True},
                   "serious_illness": {"name": "先天性心脏病"}, "hiv": {"evidence": False},
                   "psych_behaviour_problem": True},
        "schooling": {"status": "in_school", "boarding": True},
        "single_parent_family": "mother",
        "guardianship_problems": [{"kind": "neglect", "since": "2024-01-01"}],
        "other_difficulty": {"description": "住房危旧"},
        "birth_parents_unfound": None,
    },
    "household": {"income_per_head_yuan_year": 3600, "dibao": True, "tekun": False, "low_income": False},
    "guardians": [
        {"role": "father", "working_away": {"since": "2023-02-01", "until": None, "destination_code": "440305",
                                            "short_trips_home": [{"from": "2024-02-01", "to": "2024-02-20"}]},
         "restrictions": [{"kind": "compulsory_rehab", "from": "2024-05-01", "to": "2026-05-01", "evidence": True}],
         "disability": {"type": "physical", "grade": 2}},
        {"role": "mother", "deceased": {"date": "2021-01-01", "declared_by_court": True, "evidence": True}},
        {"role": "other", "relation": "祖母", "serious_illness": {"name": "糖尿病"}},
    ],
    "assistance_received": ["dibao", "education_aid"],
}


def test_full_record_parses_and_round_trips() -> None:
    f = ChildFacts.from_dict(FULL)
    assert f.child.health.disability.type is DisabilityType.HEARING
    assert f.guardians[0].restrictions[0].kind is RestrictionKind.COMPULSORY_REHAB
    assert f.guardians[0].working_away.short_trips_home[0].end == D("2024-02-20")
    assert f.parent(Role.MOTHER)[0] == 1
    assert f.assistance_received == (Scheme.DIBAO, Scheme.EDUCATION_AID)
    assert f.household.income_per_head_yuan_year == 3600.0
    again = ChildFacts.from_dict(f.to_dict())
    assert again == f
    assert f.to_dict()["guardians"][0]["restrictions"][0]["from"] == "2024-05-01"  # JSON key, not attribute name


def test_minimal_record() -> None:
    f = ChildFacts.from_dict({"id": "x", "child": {"birth_date": "2015-01-01"}})
    assert f.guardians == () and f.child.hukou_type.value == "unknown"
    assert f.to_dict() == {"id": "x", "child": {"birth_date": "2015-01-01", "hukou_type": "unknown",
                                                "health": {"psych_behaviour_problem": False}},
                           "household": {"dibao": False, "tekun": False, "low_income": False}}


@pytest.mark.parametrize(
    "patch, field, zh",
    [
        ({"child": {"birth_date": "2015-02-30"}}, "child.birth_date", "日期格式错误"),
        ({"child": {"birth_date": "20150101"}}, "child.birth_date", "YYYY-MM-DD"),
        ({"child": {"birth_date": "2015-01-01", "hukou": "rural"}}, "child.hukou", "未知字段"),
        ({"child": {"birth_date": "2015-01-01", "hukou_type": "city"}}, "child.hukou_type", "取值“city”无效"),
        ({"child": {"birth_date": "2015-01-01", "residence_code": "4503211012"}}, "child.residence_code", "12位数字"),
        ({"child": {"birth_date": "2015-01-01", "health": {"disability": {"type": "physical", "grade": 5}}}},
         "child.health.disability.grade", "残疾等级应为1至4"),
        ({"child": {"birth_date": "2015-01-01", "lives_in_rural_area": "yes"}}, "child.lives_in_rural_area",
         "应为 true 或 false"),
        ({"child": {}}, "child.birth_date", "缺少必填字段"),
        ({"child": {"birth_date": "2015-01-01", "single_parent_family": "other"}}, "child.single_parent_family",
         "单亲家庭只能填"),
        ({"guardians": [{"role": "father"}, {"role": "father"}]}, "guardians[1].role", "父亲重复登记"),
        ({"guardians": [{"role": "father", "working_away": {"since": "2024-01-01", "sinse": "x"}}]},
         "guardians[0].working_away.sinse", "未知字段"),
        ({"guardians": [{"role": "mother", "restrictions": [{"kind": "prison", "from": "2024-05-01",
                                                             "to": "2024-01-01"}]}]},
         "guardians[0].restrictions[0].to", "解除日期早于开始日期"),
        ({"guardians": {"role": "father"}}, "guardians", "应为列表"),
        ({"assistance_received": ["lottery"]}, "assistance_received[0]", "无效"),
        ({"household": {"income_per_head_yuan_year": "3600"}}, "household.income_per_head_yuan_year", "数字"),
    ],
)
def test_errors_name_the_field(patch: dict, field: str, zh: str) -> None:
    data = {"id": "x", "child": {"birth_date": "2015-01-01"}, **patch}
    with pytest.raises(FactsError) as exc:
        ChildFacts.from_dict(data)
    assert exc.value.field == field
    assert zh in exc.value.message_zh


def test_not_an_object() -> None:
    with pytest.raises(FactsError) as exc:
        ChildFacts.from_dict([1, 2])
    assert "JSON 对象" in exc.value.message_zh


# --------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "start, n, expected",
    [("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-08-31", 3, "2024-11-30"),
     ("2024-11-15", 3, "2025-02-15"), ("2008-02-29", 216, "2026-02-28")],
)
def test_add_months(start: str, n: int, expected: str) -> None:
    assert add_months(D(start), n) == D(expected)


def test_whole_months_and_age() -> None:
    assert whole_months(D("2024-08-15"), D("2024-11-14")) == 2
    assert whole_months(D("2024-08-15"), D("2024-11-15")) == 3
    assert whole_months(D("2024-08-31"), D("2024-11-30")) == 3
    assert whole_months(D("2024-11-15"), D("2024-01-01")) == 0
    assert age_on(D("2008-12-01"), D("2024-11-30")) == 15
    assert age_on(D("2008-12-01"), D("2024-12-01")) == 16


def test_period() -> None:
    assert Period.from_value({"months": 3}).after(D("2024-11-30")) == D("2025-02-28")
    assert Period.from_value({"days": 15}).zh == "每15天"
    assert Period(months=1).zh == "每月"
    with pytest.raises(ValueError):
        Period.from_value({"weeks": 2})
