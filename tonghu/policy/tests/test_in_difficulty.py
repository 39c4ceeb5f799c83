"""困境儿童 (R-A2, R-A4, R-A5): national 孤儿 and 事实无人抚养 criteria and each profile's categories."""

from __future__ import annotations

import pytest

from tonghu.policy.tests.builders import PROFILES, child, facts, parent, run

DEAD = {"deceased": {"date": "2020-03-01", "evidence": True}}
MISSING = {"declared_missing": {"date": "2021-05-01", "evidence": True}}


def out_of_contact(accepted: str | None, since: str = "2023-01-01") -> dict:
    oc: dict = {"since": since, "evidence": True}
    if accepted:
        oc["police_report_accepted"] = accepted
    return {"out_of_contact": oc}


def detained(start: str, end: str | None = None, kind: str = "detention") -> dict:
    r: dict = {"kind": kind, "from": start, "evidence": True}
    if end:
        r["to"] = end
    return r


# --------------------------------------------------------------------------------------- 孤儿 (R-A5)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "father, mother",
    [
        pytest.param(DEAD, DEAD, id="R-A5 orphan: both parents dead"),
        pytest.param(DEAD, MISSING, id="R-A5 orphan: one dead, one declared missing"),
        pytest.param(MISSING, MISSING, id="R-A5 orphan: both parents declared missing"),
    ],
)
def test_orphan(profile: str, father: dict, mother: dict) -> None:
    c = run(facts(child(profile=profile), parent("father", **father), parent("mother", **mother)), profile)
    assert c.difficulty_categories == ["orphan"]  # and not also de facto unsupported
    assert "in_difficulty" in c.categories
    e = c.explanation("in_difficulty.orphan")
    assert "父母双方均死亡或被宣告失踪" in e.text_zh
    assert "DOMAIN.md 孤儿" in e.source
    df = c.explanation("in_difficulty.de_facto_unsupported")
    assert df.status == "not_met" and "不重复认定为事实无人抚养儿童" in df.text_zh


def test_birth_parents_unfound_is_orphan() -> None:
    c = run(facts(child(birth_parents_unfound={"evidence": True})), "national")
    assert c.difficulty_categories == ["orphan"]
    assert "查找不到生父母" in c.explanation("in_difficulty.orphan").text_zh


def test_out_of_contact_is_not_missing_for_orphan() -> None:
    # 失联 (police report) is not 宣告失踪 (court): both out of contact ≥6 months → de facto unsupported, not orphan.
    c = run(facts(child(), parent("father", **out_of_contact("2023-06-01")),
                  parent("mother", **out_of_contact("2023-06-01"))), "national")
    assert c.difficulty_categories == ["de_facto_unsupported"]


def test_orphan_without_evidence_is_pending() -> None:
    c = run(facts(child(), parent("father", deceased={"date": "2020-03-01"}), parent("mother", **DEAD)), "national")
    assert "in_difficulty.orphan" in c.pending
    assert c.in_difficulty is False
    e = c.explanation("in_difficulty.orphan")
    assert e.status == "pending_evidence"
    assert "缺少证明材料：父亲死亡证明或宣告死亡判决" in e.text_zh
    assert e.evidence_missing == ("guardians[0].deceased.evidence",)


# ------------------------------------------------------------------------- 事实无人抚养 (R-A5, DOMAIN.md)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "on, expected",
    [
        pytest.param("2024-09-09", False, id="R-A5 dead + out of contact 5 months 30 days since police acceptance"),
        pytest.param("2024-09-10", True, id="R-A5 dead + out of contact exactly 6 months since police acceptance"),
    ],
)
def test_dead_and_out_of_contact(profile: str, on: str, expected: bool) -> None:
    f = facts(child(profile=profile), parent("father", **DEAD), parent("mother", **out_of_contact("2024-03-10")))
    c = run(f, profile, on)
    assert ("de_facto_unsupported" in c.difficulty_categories) is expected
    e = c.explanation("in_difficulty.de_facto_unsupported")
    if expected:
        assert "公安机关于2024年3月10日受理报案，已满6个月" in e.text_zh
        assert "父亲死亡或失踪，母亲属于无法履行抚养义务的情形" in e.text_zh
    else:
        assert "未满6个月（2024年9月10日满6个月）" in e.text_zh


def test_out_of_contact_without_police_report() -> None:
    f = facts(child(), parent("father", **DEAD), parent("mother", **out_of_contact(None)))
    e = run(f, "national").explanation("in_difficulty.de_facto_unsupported")
    assert e.status == "not_met"
    assert "公安机关尚未受理报案" in e.text_zh


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "restriction, on, expected",
    [
        pytest.param(detained("2024-03-01"), "2024-08-31", False, id="R-A5 detention 5 months (open-ended)"),
        pytest.param(detained("2024-03-01"), "2024-09-01", True, id="R-A5 detention 6 months (open-ended)"),
        pytest.param(detained("2024-03-01", "2026-03-01", "prison"), "2024-04-01", True,
                     id="R-A5 prison term of 2 years counts from the start"),
        pytest.param(detained("2024-03-01", "2024-08-01", "compulsory_rehab"), "2024-07-01", False,
                     id="R-A5 compulsory rehab term of 5 months never qualifies"),
        pytest.param(detained("2023-01-01", "2024-01-01", "prison"), "2024-09-01", False,
                     id="R-A5 released: no longer in S"),
    ],
)
def test_restriction_of_liberty(profile: str, restriction: dict, on: str, expected: bool) -> None:
    f = facts(child(profile=profile), parent("father", **DEAD), parent("mother", restrictions=[restriction]))
    c = run(f, profile, on)
    assert ("de_facto_unsupported" in c.difficulty_categories) is expected
    text = c.explanation("in_difficulty.de_facto_unsupported").text_zh
    if not expected and on == "2024-08-31":
        assert "已5个月，未满6个月（2024年9月1日满6个月）" in text


def test_detention_then_prison_is_one_period() -> None:
    f = facts(child(), parent("father", **DEAD),
              parent("mother", restrictions=[detained("2024-03-01", "2024-05-01"), detained("2024-05-01", None, "prison")]))
    assert run(f, "national", "2024-08-31").difficulty_categories == []
    c = run(f, "national", "2024-09-01")
    assert c.difficulty_categories == ["de_facto_unsupported"]
    assert "在押（羁押）后服刑" in c.explanation("in_difficulty.de_facto_unsupported").text_zh


@pytest.mark.parametrize(
    "father, mother, expected",
    [
        pytest.param({"disability": {"type": "physical", "grade": 1, "evidence": True}},
                     {"serious_illness": {"name": "白血病", "evidence": True}}, True,
                     id="R-A5 both in S: severely disabled + seriously ill"),
        pytest.param({"disability": {"type": "physical", "grade": 3, "evidence": True}},
                     {"serious_illness": {"evidence": True}}, False,
                     id="R-A5 physical grade 3 is not 重残"),
        pytest.param({"disability": {"type": "mental", "grade": 4, "evidence": True}},
                     {"guardianship_revoked": {"date": "2023-01-01", "evidence": True}}, True,
                     id="R-A5 mental grade 4 + guardianship revoked"),
        pytest.param(DEAD, {"deported": {"date": "2023-01-01", "evidence": True}}, True,
                     id="R-A5 dead + deported"),
        pytest.param(MISSING, {"disability": {"type": "intellectual", "grade": 2, "evidence": True}}, True,
                     id="R-A5 declared missing + severely disabled"),
        pytest.param(DEAD, {}, False, id="R-A5 dead + healthy parent at home"),
    ],
)
def test_de_facto_unsupported_table(father: dict, mother: dict, expected: bool) -> None:
    c = run(facts(child(), parent("father", **father), parent("mother", **mother)), "national")
    assert ("de_facto_unsupported" in c.difficulty_categories) is expected


def test_de_facto_pending_evidence() -> None:
    f = facts(child(), parent("father", **DEAD), parent("mother", restrictions=[{"kind": "prison", "from": "2023-01-01"}]))
    c = run(f, "national")
    assert c.pending == ["in_difficulty.de_facto_unsupported"]
    assert "判决书" in c.explanation("in_difficulty.de_facto_unsupported").text_zh


# ------------------------------------------------------------------------------------- age 18 (R-A4)


@pytest.mark.parametrize(
    "on, expected",
    [
        pytest.param("2024-11-30", True, id="R-A4 day before 18th birthday: still in difficulty"),
        pytest.param("2024-12-01", False, id="R-A4 18th birthday: leaves 困境"),
    ],
)
def test_eighteenth_birthday(on: str, expected: bool) -> None:
    c = run(facts(child(birth="2006-12-01"), parent("father", **DEAD), parent("mother", **DEAD)), "national", on)
    assert c.in_difficulty is expected


# ---------------------------------------------------------------------------- profile categories (R-A2)


@pytest.mark.parametrize(
    "profile, expected",
    [
        pytest.param("national", ["hiv"], id="R-A2 national: HIV category"),
        pytest.param("xizang", ["hiv"], id="R-A2 xizang 000 lists 艾滋病病毒感染儿童"),
        pytest.param("shangrila", ["hiv"], id="R-A2 shangrila 001 lists 艾滋病病毒感染儿童"),
        pytest.param("guangxi", [], id="R-A2 guangxi three causes: no HIV category"),
    ],
)
def test_hiv_category(profile: str, expected: list[str]) -> None:
    c = run(facts(child(profile=profile, health={"hiv": {"evidence": True}})), profile)
    assert c.difficulty_categories == expected


@pytest.mark.parametrize(
    "profile, disability, expected",
    [
        pytest.param("national", {"type": "physical", "grade": 4}, [], id="R-A2 national: grade 4 is not 重残"),
        pytest.param("national", {"type": "physical", "grade": 2}, ["severe_disability"], id="R-A2 national: grade 2 重残"),
        pytest.param("national", {"type": "intellectual", "grade": 3}, ["severe_disability"],
                     id="R-A2 national: intellectual grade 3 重残"),
        pytest.param("guangxi", {"type": "physical", "grade": 4}, ["disability"],
                     id="R-A2 guangxi: any certified disability (因自身残疾)"),
        pytest.param("xizang", {"type": "physical", "grade": 4}, [], id="R-A2 xizang: 重残 only"),
    ],
)
def test_disability_categories(profile: str, disability: dict, expected: list[str]) -> None:
    c = run(facts(child(profile=profile, health={"disability": {**disability, "evidence": True}})), profile)
    assert c.difficulty_categories == expected
    if profile == "national" and not expected:
        assert "不在本类别范围（一、二级残疾，或精神、智力残疾三、四级）" in c.explanation(
            "in_difficulty.severe_disability").text_zh


@pytest.mark.parametrize(
    "profile, household, expected",
    [
        pytest.param("national", {"dibao": True}, ["poor_family"], id="R-A2 national: 低保 household"),
        pytest.param("guangxi", {"tekun": True}, ["poor_family"], id="R-A2 guangxi: 特困 household (家庭贫困)"),
        pytest.param("national", {"low_income": True}, [], id="R-A2 national: low income alone is not 贫困家庭"),
        pytest.param("shangrila", {"low_income": True}, ["poor_family"], id="R-A2 shangrila: 家庭经济困难 incl. low income"),
    ],
)
def test_poor_family(profile: str, household: dict, expected: list[str]) -> None:
    c = run(facts(child(profile=profile), household=household), profile)
    assert c.difficulty_categories == expected
    if profile == "shangrila" and expected:
        assert c.explanation("in_difficulty.poor_family").label_zh == "家庭经济困难儿童"


@pytest.mark.parametrize(
    "profile, expected",
    [
        pytest.param("national", ["guardianship_lacking"], id="R-A2 national: 监护缺失或不当"),
        pytest.param("shangrila", ["guardianship_lacking"], id="R-A2 shangrila: 家庭监护不到位"),
        pytest.param("guangxi", ["guardianship_lacking"], id="R-A2 guangxi: 监护缺失或监护不当遭受虐待"),
        pytest.param("xizang", ["other"], id="R-A2 xizang: no separate category, counted as 其他困境儿童"),
    ],
)
def test_abuse(profile: str, expected: list[str]) -> None:
    c = run(facts(child(profile=profile, guardianship_problems=[{"kind": "abuse", "since": "2024-05-01"}])), profile)
    assert c.difficulty_categories == expected
    key = f"in_difficulty.{expected[0]}"
    assert "虐待" in c.explanation(key).text_zh


def test_other_difficulty_recorded_by_officer() -> None:
    c = run(facts(child(other_difficulty={"description": "房屋倒塌，暂住亲戚家"})), "national")
    assert c.difficulty_categories == ["other"]
    assert "房屋倒塌" in c.explanation("in_difficulty.other").text_zh


def test_guangxi_has_exactly_its_categories() -> None:
    c = run(facts(child(profile="guangxi")), "guangxi")
    cats = [e.category for e in c.explanations if e.group == "in_difficulty"]
    assert cats == ["orphan", "de_facto_unsupported", "poor_family", "guardianship_lacking", "disability"]
    assert "hiv" not in cats and "other" not in cats


def test_every_not_met_category_is_explained() -> None:
    c = run(facts(child()), "national")
    assert c.categories == []
    keys = {e.key for e in c.not_met()}
    assert keys == {"left_behind", "single_parent"} | {
        f"in_difficulty.{k}" for k in ("orphan", "de_facto_unsupported", "hiv", "serious_illness",
                                       "severe_disability", "poor_family", "guardianship_lacking", "other")}
    for e in c.not_met():
        assert e.text_zh.endswith("。") and "不属于" in e.text_zh
        assert e.source and e.profile == "national"
