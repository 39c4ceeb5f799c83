"""应保尽保 gaps (R-E1, R-E4, R-E5) and time-driven changes (R-A4)."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.policy.engine import classify, entitlement_gaps, load_profile, next_changes
from tonghu.policy.tests.builders import D, both_away, child, facts, parent, run

DEAD = {"deceased": {"date": "2020-03-01", "evidence": True}}


def gaps(f, profile: str = "national", on: str = "2024-11-15"):
    c = run(f, profile, on)
    return {g.scheme: g for g in entitlement_gaps(f, c, load_profile(profile))}


def orphan(**child_kw):
    return facts(child(birth="2014-05-01", schooling={"status": "in_school"}, **child_kw),
                 parent("father", **DEAD), parent("mother", **DEAD))


def test_orphan_gaps() -> None:
    # R-E1 / R-E4
    g = gaps(orphan())
    assert set(g) == {"orphan_allowance", "tekun", "student_grant"}
    assert g["orphan_allowance"].status == "eligible"
    assert g["orphan_allowance"].because == ("in_difficulty.orphan",)
    assert "孤儿基本生活费" in g["orphan_allowance"].reason_zh
    assert "未满16周岁" in g["tekun"].reason_zh
    assert "R-E4" in g["student_grant"].source


def test_received_scheme_closes_gap() -> None:
    f = facts(child(schooling={"status": "in_school"}), parent("father", **DEAD), parent("mother", **DEAD),
              received=("orphan_allowance",))
    g = gaps(f)
    assert set(g) == {"student_grant"}  # tekun is satisfied by the orphan allowance (satisfied_by)


def test_tekun_gap_ends_at_16() -> None:
    f = facts(child(birth="2008-05-01", schooling={"status": "in_school"}), parent("father", **DEAD),
              parent("mother", **DEAD))
    assert "tekun" not in gaps(f)
    assert "orphan_allowance" in gaps(f)


def test_unsupported_allowance_gap_and_local_source() -> None:
    f = facts(child(profile="changzhi", schooling={"status": "in_school"}), parent("father", **DEAD),
              parent("mother", restrictions=[{"kind": "prison", "from": "2022-01-01", "to": "2030-01-01", "evidence": True}]))
    g = gaps(f, "changzhi")
    assert {"unsupported_allowance", "tekun", "student_grant"} <= set(g)
    assert "004 §二(三)12" in g["student_grant"].source


def test_pending_evidence_gap() -> None:
    f = facts(child(), parent("father", deceased={"date": "2020-01-01"}), parent("mother", **DEAD))
    g = gaps(f)
    assert g["orphan_allowance"].status == "pending_evidence"
    assert "证明材料尚未齐备" in g["orphan_allowance"].reason_zh


@pytest.mark.parametrize("profile", ["national", "guangxi"])
def test_hiv_allowance_even_without_hiv_category(profile: str) -> None:
    # Guangxi has no HIV category (R-A2) but the allowance is still checked (R-E1).
    g = gaps(facts(child(profile=profile, health={"hiv": {"evidence": True}})), profile)
    assert "hiv_allowance" in g


@pytest.mark.parametrize(
    "birth, disability, household, expected",
    [
        pytest.param("2020-01-01", {"type": "physical", "grade": 3}, {}, {"disability_rehab"},
                     id="R-E5 disabled child aged 4: rehabilitation aid"),
        pytest.param("2016-01-01", {"type": "physical", "grade": 3}, {}, set(),
                     id="R-E5 disabled child aged 8 grade 3: nothing automatic"),
        pytest.param("2016-01-01", {"type": "physical", "grade": 2}, {}, {"disability_allowance"},
                     id="R-E5 grade 2: severe disability care allowance"),
        pytest.param("2016-01-01", {"type": "physical", "grade": 4}, {"dibao": True}, {"disability_allowance"},
                     id="R-E5 grade 4 in a 低保 household: living allowance"),
    ],
)
def test_disability_schemes(birth: str, disability: dict, household: dict, expected: set) -> None:
    f = facts(child(birth=birth, health={"disability": {**disability, "evidence": True}}), household=household)
    assert set(gaps(f)) & {"disability_rehab", "disability_allowance"} == expected


def test_poor_family_student_gets_education_aid_gap() -> None:
    f = facts(child(schooling={"status": "in_school"}), household={"dibao": True})
    assert set(gaps(f)) == {"education_aid"}


def test_entitlement_gaps_rejects_other_profile() -> None:
    f = orphan()
    c = run(f, "national")
    with pytest.raises(ValueError):
        entitlement_gaps(f, c, load_profile("guangxi"))


# ------------------------------------------------------------------------------------ next_changes (R-A4)


def test_next_changes_left_behind() -> None:
    f = both_away("national", "2024-10-01", birth="2010-03-15")
    ch = next_changes(f, load_profile("national"), D("2024-11-15"))
    by_date = {c.date.isoformat(): c for c in ch}
    assert by_date["2025-01-01"].entered == ("left_behind",)
    assert "父亲外出务工满3个月" in by_date["2025-01-01"].causes_zh
    assert by_date["2026-03-15"].left == ("left_behind",)
    assert "满16周岁" in by_date["2026-03-15"].causes_zh


def test_next_changes_de_facto_and_eighteenth() -> None:
    f = facts(child(birth="2010-03-15", schooling={"status": "in_school"}), parent("father", **DEAD),
              parent("mother", out_of_contact={"since": "2024-01-01", "police_report_accepted": "2024-08-20",
                                               "evidence": True}))
    ch = {c.date.isoformat(): c for c in next_changes(f, load_profile("national"), D("2024-11-15"))}
    assert "in_difficulty.de_facto_unsupported" in ch["2025-02-20"].entered
    assert "unsupported_allowance" in ch["2025-02-20"].gaps_added
    assert "母亲失联报案受理满6个月" in ch["2025-02-20"].causes_zh
    assert "tekun" in ch["2026-03-15"].gaps_removed  # 16th birthday
    assert "in_difficulty.de_facto_unsupported" in ch["2028-03-15"].left  # 18th birthday


def test_next_changes_detention() -> None:
    f = facts(child(birth="2012-01-01"), parent("father", **DEAD),
              parent("mother", restrictions=[{"kind": "detention", "from": "2024-10-01", "evidence": True}]))
    ch = next_changes(f, load_profile("national"), D("2024-11-15"), until=D("2025-12-31"))
    assert [c.date.isoformat() for c in ch] == ["2025-04-01"]
    assert "母亲被限制人身自由满6个月" in ch[0].causes_zh


def test_next_changes_agree_with_classify() -> None:
    # The job will re-run classify on these dates; the state on each date must be what classify says.
    f = both_away("xizang", "2024-05-20", birth="2010-08-01")
    prof = load_profile("xizang")
    changes = next_changes(f, prof, D("2024-06-01"))
    assert len(changes) >= 2  # becoming left-behind after six months away, leaving it at sixteen
    for c in changes:
        before = classify(f, prof, c.date - dt.timedelta(days=1))
        after = classify(f, prof, c.date)
        assert set(before.categories) != set(after.categories) or c.gaps_added or c.gaps_removed


def test_profile_start_is_a_change_date() -> None:
    # Before 000 takes effect (2024-07-01) national rules apply: same-county work counts; from then it does not.
    f = both_away("xizang", "2024-01-01", where="same_county")
    ch = {c.date.isoformat(): c for c in next_changes(f, load_profile("xizang"), D("2024-06-01"))}
    assert ch["2024-07-01"].left == ("left_behind",)
    assert "西藏自治区方案新版本生效" in ch["2024-07-01"].causes_zh
