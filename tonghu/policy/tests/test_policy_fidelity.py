"""Issue 19: where the engine departed from the plans' words — the distance unit, each profile's own names for
its groups, dropouts (劝返复学, R-E4) and Changzhi's education aid (004 §二(三)12). Scenario tables citing the
clauses; the Shangri-La distance boundaries are in test_left_behind.py."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tonghu.policy.engine import entitlement_gaps, load_profile, load_profiles, visit_plan
from tonghu.policy.jsonl import classify_lines
from tonghu.policy.profile import PROFILE_DIR, ProfileError
from tonghu.policy.tests.builders import D, PROFILES, away, both_away, child, facts, parent, run

DEAD = {"deceased": {"date": "2020-03-01", "evidence": True}}
POOR = {"dibao": True}


def gaps(f, profile: str = "national", on: str = "2024-11-15"):
    c = run(f, profile, on)
    return {g.scheme: g for g in entitlement_gaps(f, c, load_profile(profile))}


# ------------------------------------------------------------------------ 2. each profile names its groups


@pytest.mark.parametrize(
    "profile, label",
    [
        pytest.param("shangrila", "留守儿童", id="001 §一(三) 全市范围内的留守儿童 (not 农村)"),
        pytest.param("national", "农村留守儿童", id="国发〔2016〕13号 农村留守儿童"),
        pytest.param("xizang", "农村留守儿童", id="000 §一(三) 农村留守儿童"),
        pytest.param("guangxi", "农村留守儿童", id="003 §一(三) 农村留守儿童"),
        pytest.param("anshan", "农村留守儿童", id="002 农村留守儿童"),
        pytest.param("changzhi", "农村留守儿童", id="004 农村留守儿童"),
    ],
)
def test_left_behind_is_called_what_the_plan_calls_it(profile: str, label: str) -> None:
    c = run(both_away(profile, "2024-01-01"), profile)
    e = c.explanation("left_behind")
    assert e.status == "met"
    assert e.label_zh == label
    assert e.text_zh.endswith(f"，属于{label}。")


def test_shangrila_urban_child_is_never_called_rural() -> None:
    # 001 defines 留守儿童 for the whole city, urban registration included: no 「农村」 anywhere in the account.
    f = both_away("shangrila", "2024-01-01", hukou="urban")
    c = run(f, "shangrila")
    e = c.explanation("left_behind")
    assert e.status == "met"
    assert "农村留守儿童" not in e.text_zh
    assert "属于留守儿童" in e.text_zh
    assert e.label_en == "Left-behind child"
    plan = visit_plan(f, c, load_profile("shangrila"))
    assert plan is not None and plan.text_zh.startswith("留守儿童：")
    # and the why-not wording too
    not_yet = run(both_away("shangrila", "2024-10-01", hukou="urban"), "shangrila").explanation("left_behind")
    assert not_yet.text_zh.endswith("，不属于留守儿童。")


def test_no_profile_uses_rural_wording_for_an_unrestricted_rule() -> None:
    # The review of every profile's explanations (issue 19): a profile that does not restrict to rural children
    # must not call them rural.
    for key, prof in load_profiles().items():
        for d in [D("2024-11-15"), *prof.change_dates()]:
            rp = prof.at(d)
            if rp.value("left_behind.rural_requirement") == "none":
                assert "农村" not in rp.value("left_behind.label")["zh"], key


# ----------------------------------------------------------------------------- 1. the distance unit as data


def _profiles_with(tmp_path: Path, left_behind: str) -> Path:
    shutil.copy(PROFILE_DIR / "national.yaml", tmp_path / "national.yaml")
    (tmp_path / "testland.yaml").write_text(textwrap.dedent("""\
        key: testland
        name: {zh: 测试市, en: Testland}
        parent: national
        region: {prefix: "5301", source: "test"}
        versions:
          - version: "1"
            effective_from: 2024-01-01
            source: "test"
            settings:
              left_behind:
        """) + textwrap.indent(textwrap.dedent(left_behind), " " * 8), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "unit, dest, expected",
    [
        pytest.param("prefecture", "530103", False, id="prefecture unit: another county of the same city stays inside"),
        pytest.param("prefecture", "530302", True, id="prefecture unit: another prefecture is outside"),
        pytest.param("county", "530103", True, id="county unit: another county is outside"),
        pytest.param("province", "530302", False, id="province unit: another prefecture of the province stays inside"),
        pytest.param("province", "510104", True, id="province unit: another province is outside"),
    ],
)
def test_distance_unit_decides_the_boundary(tmp_path: Path, unit: str, dest: str, expected: bool) -> None:
    d = _profiles_with(tmp_path, f"""\
        distance_rule: {{value: cross_city, source: "t §1"}}
        distance_unit: {{value: {{level: {unit}, zh: 本单位, en: this unit}}, source: "t §1"}}
        """)
    prof = load_profile("testland", d)
    f = facts(child(residence_code="530102101201"), away("father", "2024-01-01", dest), away("mother", "2024-01-01", dest))
    from tonghu.policy.engine import classify

    e = classify(f, prof, D("2024-11-15")).explanation("left_behind")
    assert (e.status == "met") is expected
    if not expected:
        assert "在同一本单位内，本方案要求跨市域外出务工" in e.text_zh


def test_distance_unit_defaults_to_what_the_words_usually_mean(tmp_path: Path) -> None:
    # No unit named: 跨市域 is a prefecture-level city, so another county of 昆明 is still the same city.
    d = _profiles_with(tmp_path, """\
        distance_rule: {value: cross_city, source: "t §1"}
        """)
    from tonghu.policy.engine import classify

    f = facts(child(residence_code="530102101201"), away("father", "2024-01-01", "530103"),
              away("mother", "2024-01-01", "530103"))
    e = classify(f, load_profile("testland", d), D("2024-11-15")).explanation("left_behind")
    assert e.status == "not_met"
    assert "在同一市内" in e.text_zh


@pytest.mark.parametrize(
    "setting, message",
    [
        pytest.param('distance_unit: {value: {level: township, zh: 乡, en: township}, source: x}', "distance_unit",
                     id="unknown unit"),
        pytest.param('distance_unit: {value: county, source: x}', "distance_unit", id="unit without its name"),
        pytest.param('label: {value: {zh: 留守儿童}, source: x}', "left_behind.label", id="label without English"),
    ],
)
def test_bad_distance_unit_or_label_is_refused(tmp_path: Path, setting: str, message: str) -> None:
    d = _profiles_with(tmp_path, setting + "\n")
    with pytest.raises(ProfileError, match=message):
        load_profiles(d)


# ------------------------------------------------------------------------------- 3. dropouts (劝返复学, R-E4)


def dropout(birth: str = "2014-05-01", *, profile: str = "national", since: str | None = "2024-09-01",
            household=POOR, left_behind: bool = False):
    schooling = {"status": "dropped_out", **({"dropout_since": since} if since else {})}
    kid = child(birth, profile=profile, schooling=schooling)
    if left_behind:
        from tonghu.policy.tests.builders import REGIONS

        dest = REGIONS[profile]["other_province"]
        return facts(kid, away("father", "2024-01-01", dest), away("mother", "2024-01-01", dest))
    return facts(kid, household=household)


@pytest.mark.parametrize("profile", PROFILES)
def test_poor_family_dropout_gains_return_to_school_and_keeps_education_aid(profile: str) -> None:
    # 000/003 §二(三)10, 001 §二(二)8, 002 §三(三)3, 004 §二(三)12: 劝返复学，确保应返尽返; 落实教育资助 (R-E4).
    g = gaps(dropout(profile=profile), profile)
    assert {"return_to_school", "education_aid"} <= set(g)
    back = g["return_to_school"]
    assert back.status == "eligible"
    assert "应劝返复学" in back.reason_zh and "10周岁，2024年9月1日起辍学" in back.reason_zh
    assert back.because == ("child.schooling.status",)
    assert "R-E4" in back.source
    assert "劝返复学后落实" in g["education_aid"].reason_zh


def test_at_school_the_same_child_has_education_aid_and_no_return_need() -> None:
    f = facts(child(schooling={"status": "in_school"}), household=POOR)
    assert set(gaps(f)) == {"education_aid"}
    assert "劝返复学后落实" not in gaps(f)["education_aid"].reason_zh


def test_left_behind_dropout_must_be_brought_back() -> None:
    g = gaps(dropout(left_behind=True, household=None))
    assert set(g) == {"return_to_school"}  # not poor: no education aid, but the return is due


def test_dropout_outside_the_served_groups_is_not_a_gap() -> None:
    # The plans speak of 留守儿童和困境儿童辍学学生; a registered child in neither group gets no 劝返复学 gap here.
    assert "return_to_school" not in gaps(dropout(household={}))


@pytest.mark.parametrize(
    "birth, on, expected",
    [
        pytest.param("2018-11-15", "2024-11-15", True, id="R-E4 6th birthday: compulsory schooling age"),
        pytest.param("2018-11-16", "2024-11-15", False, id="R-E4 day before the 6th birthday"),
        pytest.param("2008-11-16", "2024-11-15", True, id="R-E4 last day aged 15"),
        pytest.param("2008-11-15", "2024-11-15", False, id="R-E4 16th birthday: past compulsory schooling"),
    ],
)
def test_compulsory_school_age_boundaries(birth: str, on: str, expected: bool) -> None:
    g = gaps(dropout(birth, since=None), on=on)
    assert ("return_to_school" in g) is expected
    assert ("education_aid" in g) is expected  # the aid follows the same age window for a dropout


def test_return_to_school_ends_on_the_sixteenth_birthday_as_a_next_change() -> None:
    from tonghu.policy.engine import next_changes

    ch = {c.date.isoformat(): c for c in next_changes(dropout("2010-03-15"), load_profile("national"), D("2024-11-15"))}
    assert "return_to_school" in ch["2026-03-15"].gaps_removed


def test_classify_command_explains_the_dropout() -> None:
    line = json.dumps({"id": "D-1", "child": {"birth_date": "2014-05-01", "hukou_type": "rural",
                                              "residence_code": "450321101201",
                                              "schooling": {"status": "dropped_out", "dropout_since": "2024-09-01"}},
                       "household": {"dibao": True}}, ensure_ascii=False)
    out = list(classify_lines([line], "guangxi", D("2024-11-15")))[0]
    by = {g["scheme"]: g for g in out["gaps"]}
    assert "return_to_school" in by and "education_aid" in by
    assert "义务教育年龄内辍学，应劝返复学" in by["return_to_school"]["reason_zh"]
    assert "003 §二(三)10" in by["return_to_school"]["source"]


# --------------------------------------------------------------- 4. Changzhi 004 §二(三)12 教育资助体系


@pytest.mark.parametrize(
    "profile, expected",
    [
        pytest.param("changzhi", {"orphan_allowance", "tekun", "student_grant", "education_aid"},
                     id="004 §二(三)12 orphan at school: 纳入教育资助体系"),
        pytest.param("national", {"orphan_allowance", "tekun", "student_grant"}, id="national: student grant only"),
        pytest.param("guangxi", {"orphan_allowance", "tekun", "student_grant"}, id="003: student grant only"),
    ],
)
def test_orphan_at_school_education_aid(profile: str, expected: set) -> None:
    f = facts(child(profile=profile, schooling={"status": "in_school"}), parent("father", **DEAD),
              parent("mother", **DEAD))
    g = gaps(f, profile)
    assert set(g) == expected
    if profile == "changzhi":
        assert "004 §二(三)12" in g["education_aid"].source
        assert "纳入教育资助体系" in g["education_aid"].reason_zh
        assert g["education_aid"].because == ("in_difficulty.orphan",)


def test_changzhi_de_facto_unsupported_student_gets_education_aid() -> None:
    f = facts(child(profile="changzhi", schooling={"status": "in_school"}), parent("father", **DEAD),
              parent("mother", restrictions=[{"kind": "prison", "from": "2022-01-01", "to": "2030-01-01",
                                              "evidence": True}]))
    g = gaps(f, "changzhi")
    assert {"unsupported_allowance", "student_grant", "education_aid"} <= set(g)
    assert g["education_aid"].because == ("in_difficulty.de_facto_unsupported",)


def test_changzhi_orphan_not_at_school_has_no_education_aid() -> None:
    f = facts(child(profile="changzhi", birth="2020-01-01", schooling={"status": "preschool"}),
              parent("father", **DEAD), parent("mother", **DEAD))
    assert "education_aid" not in gaps(f, "changzhi")
