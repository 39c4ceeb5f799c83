"""The mandatory-reporting rules read from a jurisdiction profile (``cases/rules.py``; R-F2, R-F3, R-F6; issue 20
item 4: ``scripts/mutate.sh cases_rules``). Read as a county officer would meet them: which departments a report
goes to, its deadlines, whom an overdue one escalates to, the citation shown beside each, and the guardianship-risk
level a set of scores gives — pinned on the national profile (Shangri-La has no own mandatory-reporting section) and,
for the edges the shipped profiles do not reach, on a hand-made profile."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import OUT_OF_SCOPE_VILLAGE
from tonghu.cases.rules import CaseRules, rules_for_region
from tonghu.policy.profile import Setting

DEFAULT = "（系统默认，待确认）"


@pytest.fixture
def national(db):
    return rules_for_region(OUT_OF_SCOPE_VILLAGE, on=dt.date(2025, 6, 1))


def test_every_report_goes_to_police_civil_affairs_and_education_and_some_to_the_womens_federation(national):
    """R-F2: the three receiving departments always; the women's federation for sexual assault and domestic violence,
    listed once even when a profile already names it."""
    assert national.departments("abandonment") == ["public_security", "civil_affairs", "education"]
    assert national.departments("girl_under14_sexual") == ["public_security", "civil_affairs", "education", "womens_federation"]
    assert national.receiving_departments() == {"public_security", "civil_affairs", "education", "womens_federation"}
    assert national.profile_key == "shangrila" and "national" in national.profile_version  # inherited section


def test_deadlines_in_hours_by_immediate_danger(national):
    start = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert (national.hours("accept_hours", True), national.hours("accept_hours", False)) == (2, 24)
    assert national.due("accept_hours", start, True) == start + dt.timedelta(hours=2)
    assert national.due("assess_hours", start, False) == start + dt.timedelta(hours=72)
    assert national.hours("conference_hours", True) is None and national.due("conference_hours", start, True) is None


def test_escalation_and_the_citations_an_officer_reads(national):
    """Overdue goes to the county manager, then every 24 h one level up; a system default is flagged as such."""
    assert national.escalation_levels == ["county_manager", "city_staff"]
    assert national.escalation_repeat == dt.timedelta(hours=24)
    assert national.source("accept_hours").endswith(DEFAULT) and "受理" in national.source("accept_hours")
    assert national.source("conference_hours") == "国家层面未要求每案个案会商"
    assert national.risk["source"].startswith("R-F6") and national.risk["source"].endswith(DEFAULT)


@pytest.mark.parametrize("scores, level", [
    ({}, "normal"),
    ({"guardian_presence": 3}, "missing"),
    ({"guardian_presence": 2}, "normal"),
    ({"guardian_presence": 3, "guardian_conduct": 3}, "missing"),  # top down: the first level that matches
    ({"guardian_conduct": 2}, "improper"),
    ({"child_safety": 2}, "improper"),
    ({"guardian_conduct": 1, "child_safety": 1}, "normal"),
    ({"child_health": 2, "child_schooling": 2, "family_economy": 2}, "insufficient"),  # total 6
    ({"child_health": 2, "child_schooling": 2, "family_economy": 1}, "normal"),  # total 5
    ({"guardian_capacity": 3, "family_support": 3}, "insufficient"),
])
def test_the_risk_level_of_a_set_of_scores(national, scores, level):
    """R-F6: each indicator 0–3; 监护缺失 when no guardian is present (3), 监护失当 when conduct or the child's safety
    scores 2 or more, 监护不足 from a total of 6, otherwise 监护正常."""
    assert national.level_for(scores) == level
    assert national.max_score == 3 and len(national.indicators) == 8
    assert [lvl["code"] for lvl in national.levels] == ["missing", "improper", "insufficient", "normal"]


class _Profile:
    """A hand-made profile version: only what ``CaseRules`` reads."""

    key, version_label = "test", "test@1"

    def __init__(self, **settings):
        self.settings = {k.replace("__", "."): v for k, v in settings.items()}

    def setting(self, path):
        value = self.settings[path]
        return value if isinstance(value, Setting) else Setting(value=value, source="测试条款", origin="test@1")

    def value(self, path):
        return self.setting(path).value


def test_a_profile_without_a_catch_all_level_falls_back_to_its_last_level_and_max_score_three():
    """An indicator left unscored counts 0, even against a threshold of 1; with no catch-all level, the last one."""
    scale = {"indicators": [{"code": "a"}, {"code": "b"}],
             "levels": [{"code": "high", "total_at_least": 5}, {"code": "any_b", "any_at_least": {"indicators": ["b"], "score": 1}},
                        {"code": "low", "total_at_least": 2}]}
    rules = CaseRules(rp=_Profile(risk_scale__scale=scale))
    assert rules.level_for({"a": 6}) == "high" and rules.level_for({"a": 2}) == "low" and rules.level_for({"a": 1}) == "low"
    assert rules.level_for({"a": 0}) == "low" and rules.level_for({"b": 1}) == "any_b"
    assert rules.max_score == 3 and rules.risk["source"] == "测试条款"


def test_a_profile_naming_the_womens_federation_itself_or_no_situations():
    rules = CaseRules(rp=_Profile(mandatory_reporting__routing__departments=["public_security", "womens_federation"],
                                  mandatory_reporting__routing__womens_federation_situations=["x"]))
    assert rules.departments("x") == ["public_security", "womens_federation"]
    none = CaseRules(rp=_Profile(mandatory_reporting__routing__departments=["public_security"],
                                 mandatory_reporting__routing__womens_federation_situations=[]))
    assert none.departments("x") == ["public_security"] and none.receiving_departments() == {"public_security"}
    unset = CaseRules(rp=_Profile(mandatory_reporting__routing__departments=["civil_affairs"],
                                  mandatory_reporting__routing__womens_federation_situations=None))
    assert unset.departments("x") == ["civil_affairs"] and unset.receiving_departments() == {"civil_affairs"}


def test_hours_of_zero_mean_no_deadline_and_text_hours_are_read_as_numbers():
    rules = CaseRules(rp=_Profile(mandatory_reporting__h=0, mandatory_reporting__t={"immediate": "4", "normal": "48"}))
    assert rules.hours("h", True) is None
    assert rules.hours("t", True) == 4 and rules.hours("t", False) == 48
