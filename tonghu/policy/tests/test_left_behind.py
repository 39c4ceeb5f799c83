"""农村留守儿童 (R-A1, R-A4) scenario tables, one row per profile and boundary."""

from __future__ import annotations

import pytest

from tonghu.policy.tests.builders import (
    ON,
    PROFILES,
    REGIONS,
    away,
    both_away,
    child,
    facts,
    parent,
    run,
)

# ------------------------------------------------------------------------------- 3 months away, exactly


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "since, on, expected",
    [
        pytest.param("2024-08-15", "2024-11-15", True, id="R-A1 exactly 3 months (15 Aug → 15 Nov)"),
        pytest.param("2024-08-15", "2024-11-14", False, id="R-A1 one day short of 3 months"),
        pytest.param("2024-08-31", "2024-11-30", True, id="R-A1 month-end clamp: 31 Aug → 30 Nov"),
        pytest.param("2024-08-31", "2024-11-29", False, id="R-A1 month-end clamp: one day short"),
    ],
)
def test_three_months_away_boundary(profile: str, since: str, on: str, expected: bool) -> None:
    c = run(both_away(profile, since), profile, on)
    assert c.left_behind is expected
    e = c.explanation("left_behind")
    if expected:
        assert e.status == "met"
        assert "满3个月" in e.text_zh and "父母双方均外出务工满3个月" in e.text_zh
    else:
        assert e.status == "not_met"
        assert "未满3个月" in e.text_zh
        assert "2个月" in e.text_zh  # "连续外出务工2个月，未满3个月"
    assert e.profile == profile
    assert any(f.path == "guardians[0].working_away.since" for f in e.facts)


def test_why_not_names_the_parent_and_the_months() -> None:
    # R-A4: "父亲外出务工 2 个月，未满 3 个月"
    f = facts(child(profile="guangxi"), away("father", "2024-09-01"), away("mother", "2024-05-01"))
    e = run(f, "guangxi", "2024-11-15").explanation("left_behind")
    assert e.status == "not_met"
    assert "父亲自2024年9月1日起外出务工，连续外出务工2个月，未满3个月（2024年12月1日满3个月）" in e.text_zh
    assert "母亲自2024年5月1日起外出务工" in e.text_zh
    assert "under 3" in e.text_en


# ------------------------------------------------------------------------------------- 16th birthday


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "on, expected",
    [
        pytest.param("2024-11-30", True, id="R-A4 day before 16th birthday: still left-behind"),
        pytest.param("2024-12-01", False, id="R-A4 on the 16th birthday: leaves"),
    ],
)
def test_sixteenth_birthday(profile: str, on: str, expected: bool) -> None:
    c = run(both_away(profile, "2024-01-01", birth="2008-12-01"), profile, on)
    assert c.left_behind is expected
    if not expected:
        assert "已于2024年12月1日满16周岁" in c.explanation("left_behind").text_zh
        # still under 18: the 困境 categories are evaluated (not cut off by age)
        assert any(e.group == "in_difficulty" and e.category for e in c.explanations)


def test_leap_day_birth_reaches_age_on_28_february() -> None:
    # 民法典 第二百零二条: no corresponding day → the month's last day. (16 is a multiple of 4, so a 29 February
    # child's 16th birthday always exists; the 18th does not: 2008-02-29 → 2026-02-28.)
    orphan = facts(child(birth="2008-02-29"), parent("father", deceased={"date": "2015-01-01", "evidence": True}),
                   parent("mother", deceased={"date": "2016-01-01", "evidence": True}))
    assert run(orphan, "national", "2026-02-27").in_difficulty is True
    c = run(orphan, "national", "2026-02-28")
    assert c.in_difficulty is False
    assert "已于2026年2月28日满18周岁" in c.explanation("in_difficulty").text_zh


# ---------------------------------------------------------------------------------------- distance rule

DISTANCE_EXPECTATIONS = {
    # profile: (same county, other county, other city, other province)
    "national": (True, True, True, True),  # no distance rule
    "xizang": (False, True, True, True),  # 000 §一(三) 跨县域
    "shangrila": (False, True, True, True),  # 001 §一(三) 跨市域 — 香格里拉市 is a county-level city (issue 19)
    "guangxi": (True, True, True, True),  # 003 §一(三) no distance rule
    "anshan": (True, True, True, True),  # 002 silent → national
    "changzhi": (True, True, True, True),  # 004 silent → national
}


@pytest.mark.parametrize(
    "profile, where, expected",
    [
        pytest.param(p, where, DISTANCE_EXPECTATIONS[p][n], id=f"R-A1 {p} {where}")
        for p in PROFILES
        for n, where in enumerate(("same_county", "other_county", "other_city", "other_province"))
    ],
)
def test_distance_rule(profile: str, where: str, expected: bool) -> None:
    c = run(both_away(profile, "2024-01-01", where=where), profile)
    assert c.left_behind is expected
    text = c.explanation("left_behind").text_zh
    if profile == "xizang" and not expected:
        assert "在同一县（区）内，本方案要求跨县域外出务工" in text
    if profile == "shangrila" and not expected:
        assert "在同一香格里拉市（县级市）内，本方案要求跨市域外出务工" in text
    if profile == "xizang" and expected:
        assert "跨县域" in text


@pytest.mark.parametrize(
    "dest, expected",
    [
        pytest.param("533401", False, id="R-A1 001 within 香格里拉市 (its own county-level code)"),
        pytest.param("533401104000", False, id="R-A1 001 another township of 香格里拉市"),
        pytest.param("533422", True, id="R-A1 001 德钦县, same 迪庆州 but outside the city"),
        pytest.param("533423105201", True, id="R-A1 001 a village of 维西县, same 迪庆州"),
        pytest.param("530702", True, id="R-A1 001 丽江市古城区, another prefecture"),
        pytest.param("510104", True, id="R-A1 001 another province"),
    ],
)
def test_shangrila_city_boundary_is_the_county_level_city(dest: str, expected: bool) -> None:
    """001 §一(三): 「全市范围内」「跨市域」 — 市域 is 香格里拉市 (533401), a county-level city of 迪庆州, so work in
    德钦县 or 维西县 (other counties of the same prefecture) is outside the city."""
    f = facts(child(profile="shangrila"), away("father", "2024-01-01", dest), away("mother", "2024-01-01", dest))
    e = run(f, "shangrila").explanation("left_behind")
    assert (e.status == "met") is expected
    if expected:
        assert f"跨市域（务工地{dest}）" in e.text_zh
    else:
        assert "在同一香格里拉市（县级市）内，本方案要求跨市域外出务工" in e.text_zh
        assert "within the child's own Shangri-La City (a county-level city)" in e.text_en


def test_shangrila_prefecture_code_alone_is_too_coarse() -> None:
    # 5334 (迪庆州) does not say whether the parents are inside 香格里拉市: ask for the county code.
    f = facts(child(profile="shangrila"), away("father", "2024-01-01", "5334"), away("mother", "2024-01-01", "5334"))
    e = run(f, "shangrila").explanation("left_behind")
    assert e.status == "not_met"
    assert "guardians[0].working_away.destination_code" in e.missing
    assert "不够精确" in e.text_zh


def test_distance_rule_needs_destination_code() -> None:
    f = facts(child(profile="xizang"), away("father", "2024-01-01"), away("mother", "2024-01-01"))
    e = run(f, "xizang").explanation("left_behind")
    assert e.status == "not_met"
    assert "guardians[0].working_away.destination_code" in e.missing
    assert "无法判断是否跨县域外出" in e.text_zh


def test_province_code_alone_settles_cross_county() -> None:
    # A 2-digit destination in another province is certainly outside the county (R-A1, Tibet).
    f = facts(child(profile="xizang"), away("father", "2024-01-01", "51"), away("mother", "2024-01-01", "51"))
    assert run(f, "xizang").left_behind is True


# -------------------------------------------------------------------------------------- rural vs urban

RURAL_EXPECTATIONS = {
    # profile: (rural, urban, urban but living in a rural area)
    "national": (True, False, True),
    "xizang": (True, False, True),  # 000 「农村未成年人」
    "shangrila": (True, True, True),  # 001 not restricted to rural
    "guangxi": (True, False, False),  # 003 「农村户籍」
    "anshan": (True, False, True),
    "changzhi": (True, False, True),
}


@pytest.mark.parametrize(
    "profile, case, expected",
    [
        pytest.param(p, case, RURAL_EXPECTATIONS[p][n], id=f"R-A1 {p} {case}")
        for p in PROFILES
        for n, case in enumerate(("rural", "urban", "urban_rural_resident"))
    ],
)
def test_rural_registration(profile: str, case: str, expected: bool) -> None:
    kw = {"hukou": "rural"} if case == "rural" else {"hukou": "urban"}
    if case == "urban_rural_resident":
        kw["lives_in_rural_area"] = True
    c = run(both_away(profile, "2024-01-01", **kw), profile)
    assert c.left_behind is expected
    if profile == "guangxi" and not expected:
        assert "本方案要求农村户籍" in c.explanation("left_behind").text_zh


def test_unknown_registration_is_reported_missing() -> None:
    c = run(both_away("national", "2024-01-01", hukou="unknown"), "national")
    e = c.explanation("left_behind")
    assert e.status == "not_met" and "child.hukou_type" in e.missing


# ------------------------------------------------------------ one parent away, other incapable (R-A1)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "disability, expected",
    [
        pytest.param({"type": "physical", "grade": 2}, True, id="R-A1 other parent severely disabled (grade 2)"),
        pytest.param({"type": "physical", "grade": 4}, False, id="R-A1 other parent mildly disabled (grade 4)"),
        pytest.param({"type": "intellectual", "grade": 3}, True, id="R-A1 other parent intellectual grade 3"),
        pytest.param({"type": "hearing", "grade": 3}, False, id="R-A1 other parent hearing grade 3"),
    ],
)
def test_one_away_other_disabled(profile: str, disability: dict, expected: bool) -> None:
    dest = REGIONS[profile]["other_province"]
    f = facts(child(profile=profile), away("father", "2024-01-01", dest), parent("mother", disability=disability))
    c = run(f, profile)
    assert c.left_behind is expected
    text = c.explanation("left_behind").text_zh
    if expected:
        assert "属重度残疾" in text and "另一方无监护能力" in text
    else:
        assert "不属于重度残疾" in text and "母亲不属于无监护能力情形" in text


def test_one_away_other_seriously_ill() -> None:
    f = facts(child(), away("father", "2024-01-01"), parent("mother", serious_illness={"name": "尿毒症"}))
    c = run(f, "national")
    assert c.left_behind is True
    assert "母亲患重病（尿毒症）" in c.explanation("left_behind").text_zh


def test_one_away_other_dead() -> None:
    # National default treats a dead other parent as lacking guardianship capacity (documented interpretation).
    f = facts(child(), away("father", "2024-01-01"), parent("mother", deceased={"date": "2020-01-01"}))
    assert run(f, "national").left_behind is True


def test_one_away_other_at_home_and_healthy() -> None:
    f = facts(child(), away("father", "2024-01-01"), parent("mother"))
    e = run(f, "national").explanation("left_behind")
    assert e.status == "not_met"
    assert "母亲未外出务工" in e.text_zh and "母亲不属于无监护能力情形" in e.text_zh


def test_other_parent_missing_from_record() -> None:
    f = facts(child(), away("father", "2024-01-01"))
    e = run(f, "national").explanation("left_behind")
    assert e.status == "not_met" and "guardians[role=mother]" in e.missing


# ------------------------------------------------------------------------- short trips home (R-A1)

TRIP = {"short_trips_home": [{"from": "2024-06-01", "to": "2024-06-10"}]}


@pytest.mark.parametrize(
    "profile, on, expected",
    [
        pytest.param("guangxi", "2024-08-01", True, id="R-A1 guangxi: trip home does not break 3 months"),
        pytest.param("national", "2024-08-01", False, id="R-A1 national: trip home restarts the count"),
        pytest.param("national", "2024-09-09", False, id="R-A1 national: day before 3 months after return"),
        pytest.param("national", "2024-09-10", True, id="R-A1 national: 3 months after return"),
        pytest.param("changzhi", "2024-08-01", False, id="R-A1 changzhi silent → national strict"),
    ],
)
def test_short_returns(profile: str, on: str, expected: bool) -> None:
    dest = REGIONS[profile]["other_province"]
    f = facts(child(profile=profile), away("father", "2024-04-01", dest, **TRIP),
              away("mother", "2024-04-01", dest, **TRIP))
    c = run(f, profile, on)
    assert c.left_behind is expected
    if profile == "national" and not expected:
        assert "最近一次回家后返回务工地" in c.explanation("left_behind").text_zh


def test_trip_dates_unknown() -> None:
    f_kw = {"has_short_trips_home": True}
    for profile, expected in (("guangxi", True), ("national", False)):
        dest = REGIONS[profile]["other_province"]
        f = facts(child(profile=profile), away("father", "2024-04-01", dest, **f_kw),
                  away("mother", "2024-04-01", dest, **f_kw))
        e = run(f, profile, "2024-08-01").explanation("left_behind")
        assert (e.status == "met") is expected, profile
        if not expected:
            assert "guardians[0].working_away.short_trips_home" in e.missing


def test_at_home_on_a_trip_today() -> None:
    trip = {"short_trips_home": [{"from": "2024-07-25", "to": "2024-08-05"}]}
    f = facts(child(profile="guangxi"), away("father", "2024-04-01", **trip), away("mother", "2024-04-01", **trip))
    assert run(f, "guangxi", "2024-08-01").left_behind is True  # 003: 偶尔回家探亲不影响
    f = facts(child(), away("father", "2024-04-01", **trip), away("mother", "2024-04-01", **trip))
    e = run(f, "national", "2024-08-01").explanation("left_behind")
    assert e.status == "not_met" and "目前在家" in e.text_zh


def test_parent_came_back_for_good() -> None:
    f = facts(child(), away("father", "2024-01-01", until="2024-10-01"), away("mother", "2024-01-01"))
    e = run(f, "national", ON).explanation("left_behind")
    assert e.status == "not_met" and "父亲已于2024年10月1日返乡" in e.text_zh


def test_explanation_cites_profile_clause() -> None:
    e = run(both_away("xizang", "2024-01-01"), "xizang").explanation("left_behind")
    assert "000 §一(三)" in e.source and "跨县域" in e.source
    assert e.profile_version == "xizang@2024.1 ← national@baseline"
    e = run(both_away("anshan", "2024-01-01"), "anshan").explanation("left_behind")
    assert "002 未给出农村留守儿童定义，沿用全国" in e.source
