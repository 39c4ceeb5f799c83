"""单亲家庭儿童 (R-A3) and visit cadence with escalation (R-C1, R-C2)."""

from __future__ import annotations

import pytest

from tonghu.policy.dates import Period
from tonghu.policy.engine import load_profile, visit_plan
from tonghu.policy.tests.builders import PROFILES, REGIONS, away, both_away, child, facts, parent, run


def plan(f, profile: str, on: str = "2024-11-15"):
    c = run(f, profile, on)
    return c, visit_plan(f, c, load_profile(profile))


# ------------------------------------------------------------------------------------ R-C1 base cadence

BASE_HOME = {"national": 3, "xizang": 3, "shangrila": 3, "guangxi": 3, "anshan": 1, "changzhi": 3}


@pytest.mark.parametrize(
    "profile", [pytest.param(p, id=f"R-C1 {p} home visit every {BASE_HOME[p]} month(s)") for p in PROFILES]
)
def test_base_cadence(profile: str) -> None:
    c, p = plan(both_away(profile, "2024-01-01"), profile)
    assert p is not None and p.groups == ("left_behind",)
    assert p.contact_interval == Period(months=1)
    assert p.home_visit_interval == Period(months=BASE_HOME[profile])
    assert p.escalated is False


def test_anshan_monthly_home_visits() -> None:
    # R-C1: 002 §三(三)1「村（社区）儿童主任至少每个月入户走访一次」
    c, p = plan(both_away("anshan", "2024-01-01"), "anshan")
    assert p.home_visit_interval == Period(months=1)
    assert "每月入户走访一次" in p.text_zh
    assert "002 §三(三)1" in p.source


def test_not_served_child_has_no_plan() -> None:
    c, p = plan(facts(child()), "national")
    assert p is None


# ------------------------------------------------------------------------------------- R-C2 escalation


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "extra_parent, child_kw, expected",
    [
        pytest.param({"disability": {"type": "physical", "grade": 2}}, {}, True,
                     id="R-C2 parent severe physical disability escalates"),
        pytest.param({"disability": {"type": "physical", "grade": 4}}, {}, False,
                     id="R-C2 parent grade 4 physical does not escalate"),
        pytest.param({}, {"health": {"disability": {"type": "intellectual", "grade": 4}}}, True,
                     id="R-C2 child intellectual disability escalates"),
        pytest.param({}, {"health": {"psych_behaviour_problem": True}}, True,
                     id="R-C2 psychological or behavioural problem escalates"),
    ],
)
def test_escalation(profile: str, extra_parent: dict, child_kw: dict, expected: bool) -> None:
    dest = REGIONS[profile]["other_province"]
    f = facts(child(profile=profile, **child_kw), away("father", "2024-01-01", dest),
              {**away("mother", "2024-01-01", dest), **extra_parent})
    c, p = plan(f, profile)
    assert p is not None
    assert p.escalated is expected
    if expected:
        base = Period(months=BASE_HOME[profile])
        assert p.home_visit_interval != base
        assert p.triggers and p.triggers[0].source
        assert "加大走访频次" in p.text_zh


def test_anshan_escalation_is_more_frequent_than_monthly() -> None:
    f = both_away("anshan", "2024-01-01", health={"psych_behaviour_problem": True})
    c, p = plan(f, "anshan")
    assert p.home_visit_interval == Period(days=15)


# ------------------------------------------------------------------- Changzhi single-parent escalation


def single_parent_left_behind(profile: str):
    dest = REGIONS[profile]["other_province"]
    return facts(child(profile=profile, single_parent_family="mother"), away("mother", "2024-01-01", dest),
                 parent("father", deceased={"date": "2019-01-01"}))


@pytest.mark.parametrize(
    "profile, escalated",
    [
        pytest.param("changzhi", True, id="R-C2 changzhi: single-parent child → more visits (004 §二(三)9)"),
        pytest.param("guangxi", False, id="R-C2 guangxi: single parent alone does not escalate"),
        pytest.param("national", False, id="R-C2 national: single parent alone does not escalate"),
    ],
)
def test_changzhi_single_parent_escalation(profile: str, escalated: bool) -> None:
    c, p = plan(single_parent_left_behind(profile), profile)
    assert c.left_behind and c.single_parent
    assert p.escalated is escalated
    if escalated:
        assert p.home_visit_interval == Period(months=1)
        assert p.triggers[0].key == "single_parent"
        assert "004 §二(三)9" in p.triggers[0].source


def test_changzhi_visits_single_parent_only_children() -> None:
    f = facts(child(profile="changzhi", single_parent_family="father"), parent("father"), parent("mother"))
    c, p = plan(f, "changzhi")
    assert c.categories == ["single_parent"]
    assert p is not None and p.groups == ("single_parent",) and p.escalated
    c, p = plan(facts(child(profile="guangxi", single_parent_family="father")), "guangxi")
    assert c.categories == ["single_parent"] and p is None


# -------------------------------------------------------------------------------------- R-A3 单亲家庭


@pytest.mark.parametrize(
    "profile, hukou, expected",
    [
        pytest.param("national", "urban", True, id="R-A3 national: urban single-parent child tracked"),
        pytest.param("anshan", "urban", False, id="R-A3 anshan: only 农村单亲家庭儿童 (002 §三(三)1)"),
        pytest.param("anshan", "rural", True, id="R-A3 anshan: rural single-parent child tracked"),
        pytest.param("shangrila", "urban", True, id="R-A3 shangrila silent → national"),
    ],
)
def test_single_parent_tracking(profile: str, hukou: str, expected: bool) -> None:
    c = run(facts(child(profile=profile, hukou=hukou, single_parent_family="mother")), profile)
    assert c.single_parent is expected
    if not expected:
        assert "本方案只统计农村单亲家庭儿童" in c.explanation("single_parent").text_zh


def test_single_parent_inferred_from_death() -> None:
    c = run(facts(child(), parent("father", deceased={"date": "2022-01-01"}), parent("mother")), "national")
    assert c.single_parent
    assert "由母亲单独抚养" in c.explanation("single_parent").text_zh
