"""Profiles as data: loading, citations, inheritance, region selection, versions by date, calendars
(R-A1–A3, R-B1, R-C1, R-M1, R-M2)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tonghu.policy.engine import calendar_items, classify, load_profile, load_profiles, profile_for_region
from tonghu.policy.profile import PROFILE_DIR, ProfileError
from tonghu.policy.tests.builders import D, PROFILES, both_away, child, facts, away


def test_all_six_profiles_load() -> None:
    assert set(load_profiles()) == set(PROFILES)
    for key in PROFILES:
        p = load_profile(key)
        assert p.name_zh and p.name_en
        assert (p.parent is None) is (key == "national")


@pytest.mark.parametrize("key", PROFILES)
def test_every_setting_is_cited(key: str) -> None:
    p = load_profile(key)
    for d in p.change_dates() + [D("2025-06-01")]:
        for path, s in p.at(d).walk():
            assert s.source.strip(), f"{key}:{path} has no source"
            assert s.citation.strip()


@pytest.mark.parametrize(
    "key, seed", [("xizang", "000"), ("shangrila", "001"), ("anshan", "002"), ("guangxi", "003"), ("changzhi", "004")]
)
def test_local_profiles_cite_their_seed(key: str, seed: str) -> None:
    rp = load_profile(key).at(D("2025-06-01"))
    assert load_profile(key).seed == seed
    own = [s for _, s in rp.walk() if s.origin.startswith(key) or s.inherited_note]
    assert own, key
    assert all(seed in s.citation for s in own), [s.citation for s in own if seed not in s.citation]


def test_silence_is_stated() -> None:
    rp = load_profile("anshan").at(D("2025-01-01"))
    s = rp.setting("left_behind.months_away")
    assert s.origin == "national@baseline" and s.value == 3
    assert "002 未给出农村留守儿童定义，沿用全国" in s.citation


@pytest.mark.parametrize(
    "code, expected",
    [
        ("540102001001", "xizang"),
        ("533401101201", "shangrila"),
        ("533422", "national"),  # 德钦: same prefecture, no profile of its own
        ("210381101201", "anshan"),
        ("210102", "national"),  # 沈阳: Liaoning has no profile
        ("450321", "guangxi"),
        ("140403101201", "changzhi"),
        ("110105", "national"),
    ],
)
def test_region_uses_nearest_profile(code: str, expected: str) -> None:
    assert profile_for_region(code).key == expected


@pytest.mark.parametrize(
    "key, distance, rural, months, age",
    [
        pytest.param("national", "none", "rural_child", 3, 16, id="R-A1 national"),
        pytest.param("xizang", "cross_county", "rural_child", 3, 16, id="R-A1 xizang 跨县域"),
        pytest.param("shangrila", "cross_city", "none", 3, 16, id="R-A1 shangrila 跨市域, not rural-only"),
        pytest.param("guangxi", "none", "rural_registration", 3, 16, id="R-A1 guangxi 农村户籍"),
        pytest.param("anshan", "none", "rural_child", 3, 16, id="R-A1 anshan silent"),
        pytest.param("changzhi", "none", "rural_child", 3, 16, id="R-A1 changzhi silent"),
    ],
)
def test_left_behind_definitions(key: str, distance: str, rural: str, months: int, age: int) -> None:
    rp = load_profile(key).at(D("2025-01-01"))
    assert rp.value("left_behind.distance_rule") == distance
    assert rp.value("left_behind.rural_requirement") == rural
    assert rp.value("left_behind.months_away") == months
    assert rp.value("left_behind.age_limit") == age
    assert rp.value("left_behind.short_returns")["tolerate"] is (key == "guangxi")


# ------------------------------------------------------------------------------ versions by effective date


def test_real_profile_applies_only_from_its_effective_date() -> None:
    # 000 takes effect 2024-07-01 (部署启动); before that the national rules (no distance rule) apply.
    f = both_away("xizang", "2024-01-01", where="same_county")
    before = classify(f, load_profile("xizang"), D("2024-06-30"))
    after = classify(f, load_profile("xizang"), D("2024-07-01"))
    assert before.left_behind is True and before.profile_version == "national@baseline"
    assert after.left_behind is False and after.profile_version == "xizang@2024.1 ← national@baseline"


def _write_profiles(tmp_path: Path, extra: str) -> Path:
    shutil.copy(PROFILE_DIR / "national.yaml", tmp_path / "national.yaml")
    (tmp_path / "testland.yaml").write_text(textwrap.dedent(extra), encoding="utf-8")
    return tmp_path


TESTLAND = """\
key: testland
name: {zh: 测试县, en: Testland}
parent: national
region: {prefix: "999999", source: "test"}
versions:
  - version: "2024.1"
    effective_from: 2024-01-01
    source: "test v1"
    settings:
      left_behind:
        distance_rule: {value: cross_county, source: "v1 §1"}
  - version: "2025.1"
    effective_from: 2025-01-01
    source: "test v2"
    settings:
      left_behind:
        months_away: {value: 6, source: "v2 §1 改为连续6个月"}
      visits:
        home_visit_interval: {value: {months: 2}, source: "v2 §2"}
"""


@pytest.mark.parametrize(
    "on, expected, version",
    [
        pytest.param("2024-12-31", True, "testland@2024.1", id="R-A4 old version: 4 months ≥ 3"),
        pytest.param("2025-01-01", False, "testland@2025.1", id="R-A4 new version from its effective date: 5 < 6"),
        pytest.param("2025-01-31", False, "testland@2025.1", id="R-A4 new version: one day short of 6 months"),
        pytest.param("2025-02-01", True, "testland@2025.1", id="R-A4 new version: 6 months reached"),
    ],
)
def test_version_switching(tmp_path: Path, on: str, expected: bool, version: str) -> None:
    d = _write_profiles(tmp_path, TESTLAND)
    prof = load_profile("testland", d)
    f = facts(child(residence_code="999999101201"), away("father", "2024-08-01", "440305"),
              away("mother", "2024-08-01", "440305"))
    c = classify(f, prof, D(on))
    assert c.left_behind is expected
    assert c.profile_version.startswith(version)
    e = c.explanation("left_behind")
    assert ("v2 §1" in e.source) is (version == "testland@2025.1")
    # a later version keeps earlier versions' values it does not restate
    assert prof.at(D(on)).value("left_behind.distance_rule") == "cross_county"


def test_parent_version_propagates(tmp_path: Path) -> None:
    d = _write_profiles(tmp_path, TESTLAND)
    nat = (d / "national.yaml").read_text(encoding="utf-8")
    nat = nat.rstrip("\n") + "\n" + (
        '  - version: "2026.1"\n'
        "    effective_from: 2026-01-01\n"
        '    source: "hypothetical national revision"\n'
        "    settings:\n"
        "      visits:\n"
        '        contact_interval: {value: {days: 20}, source: "national v2"}\n'
    )
    (d / "national.yaml").write_text(nat, encoding="utf-8")
    prof = load_profile("testland", d)
    assert prof.at(D("2025-12-31")).value("visits.contact_interval") == {"months": 1}
    assert prof.at(D("2026-01-01")).value("visits.contact_interval") == {"days": 20}
    assert prof.at(D("2026-01-01")).value("visits.home_visit_interval") == {"months": 2}
    assert D("2026-01-01") in prof.change_dates()


@pytest.mark.parametrize(
    "bad, message",
    [
        ("        months_away: 6\n", "has no citation"),
        ("        months_away: {value: 6}\n", "has no citation"),
        ("        distance_rule: {value: cross_galaxy, source: x}\n", "distance_rule"),
        ("        max_speed: {value: 1, source: x}\n", "unknown settings"),
        ("        months_away: {inherit: true, value: 4, source: x}\n", "inherit"),
    ],
)
def test_invalid_profiles_are_rejected(tmp_path: Path, bad: str, message: str) -> None:
    doc = f"""\
key: broken
name: {{zh: 坏, en: Broken}}
parent: national
region: {{prefix: "99", source: "test"}}
versions:
  - version: "1"
    effective_from: 2024-01-01
    source: "test"
    settings:
      left_behind:
{bad}"""
    d = _write_profiles(tmp_path, TESTLAND)
    (d / "broken.yaml").write_text(doc, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profiles(d)


def test_unknown_category_rule_is_rejected(tmp_path: Path) -> None:
    doc = """\
key: broken
name: {zh: 坏, en: Broken}
parent: national
region: {prefix: "99", source: "test"}
versions:
  - version: "1"
    effective_from: 2024-01-01
    source: "test"
    settings:
      in_difficulty:
        categories:
          lucky: {enabled: true, label: {zh: 幸运, en: Lucky}, rule: astrology, params: {}, requires_evidence: false, source: x}
"""
    d = _write_profiles(tmp_path, TESTLAND)
    (d / "broken.yaml").write_text(doc, encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown rule 'astrology'"):
        load_profiles(d)


def test_unknown_profile() -> None:
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("atlantis")


# -------------------------------------------------------------------------------- calendars (R-B1, R-M1, R-M2)


def _dates(key: str, kind: str) -> list[str]:
    items = calendar_items(load_profile(key), D("2023-01-01"), D("2027-12-31"))
    return [i.date.isoformat() for i in items if i.kind == kind]


@pytest.mark.parametrize(
    "key, expected",
    [
        pytest.param("xizang", ["2024-10-15", "2025-06-15", "2025-11-15", "2026-06-15", "2026-11-15"], id="R-M1 xizang"),
        pytest.param("shangrila", ["2024-06-10", "2024-11-10", "2025-06-10", "2025-11-10", "2026-06-10", "2026-11-10"],
                     id="R-M1 shangrila"),
        pytest.param("anshan", ["2024-11-05", "2025-11-05", "2026-11-05"], id="R-M1 anshan"),
        pytest.param("guangxi", ["2024-12-01", "2025-12-01", "2026-12-01"], id="R-M1 guangxi"),
        pytest.param("changzhi", ["2024-12-01", "2025-12-01", "2026-12-01"], id="R-M1 changzhi"),
        pytest.param("national", [], id="R-M1 national: none of its own"),
    ],
)
def test_progress_report_deadlines(key: str, expected: list[str]) -> None:
    assert _dates(key, "progress_report") == expected


@pytest.mark.parametrize(
    "key, expected",
    [
        pytest.param("xizang", ["2024-05-31", "2024-08-31"], id="R-B1 xizang (data comparison, 困境 census)"),
        pytest.param("shangrila", ["2024-06-30"], id="R-B1 shangrila"),
        pytest.param("anshan", ["2024-05-31"], id="R-B1 anshan"),
        pytest.param("guangxi", ["2024-06-30"], id="R-B1 guangxi"),
        pytest.param("changzhi", ["2024-06-30"], id="R-B1 changzhi"),
    ],
)
def test_census_deadlines(key: str, expected: list[str]) -> None:
    assert _dates(key, "census") == expected


def test_changzhi_census_twice_a_year() -> None:
    assert load_profile("changzhi").at(D("2025-01-01")).value("census.times_per_year") == 2  # R-B1
    assert load_profile("anshan").at(D("2025-01-01")).value("census.times_per_year") == 1


def test_phases_and_milestones() -> None:
    # R-M2: Anshan has four phases; Guangxi's files are handed to the township by 31 January (R-B5).
    assert _dates("anshan", "phase_start") == ["2023-11-01", "2024-02-01", "2025-01-01", "2026-01-01"]
    assert "2025-01-31" in _dates("guangxi", "milestone")
    items = calendar_items(load_profile("changzhi"), D("2026-10-01"), D("2026-12-31"))
    assert [(i.date.isoformat(), i.kind) for i in items] == [("2026-10-31", "phase_end"), ("2026-12-01", "progress_report")]
    assert all("004" in i.source for i in items)


@pytest.mark.parametrize(
    "dest, expected",
    [
        pytest.param("999999", False, id="R-A1 cross_province rule: same county"),
        pytest.param("999901", False, id="R-A1 cross_province rule: other county"),
        pytest.param("990101", False, id="R-A1 cross_province rule: other city"),
        pytest.param("440305", True, id="R-A1 cross_province rule: other province"),
    ],
)
def test_cross_province_rule(tmp_path: Path, dest: str, expected: bool) -> None:
    d = _write_profiles(tmp_path, TESTLAND.replace("value: cross_county", "value: cross_province"))
    f = facts(child(residence_code="999999101201"), away("father", "2024-01-01", dest), away("mother", "2024-01-01", dest))
    c = classify(f, load_profile("testland", d), D("2024-11-01"))
    assert c.left_behind is expected
    if not expected:
        assert "在同一省内，本方案要求跨省域外出务工" in c.explanation("left_behind").text_zh


def test_profiles_from_documents_is_the_database_entry_point() -> None:
    from tonghu.policy.engine import profiles_from_documents
    from tonghu.policy.profile import read_profile_documents

    docs = read_profile_documents()
    docs["guangxi"] = {**docs["guangxi"], "parent": "nowhere"}
    with pytest.raises(ProfileError, match="unknown profile 'nowhere'"):
        profiles_from_documents(docs)
