"""Routing, deadlines and escalation (R-F2): every report goes to police and civil affairs (and education, the
women's federation where the rules say), with acceptance deadlines in hours for immediate danger."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.cases.models import Deadline, Event
from tonghu.cases.rules import rules_for_region
from tonghu.cases.services import escalate_overdue, report_from_visit
from tonghu.core.jobs import execute_job, job_start

from .conftest import notices
from .helpers import backdate, file_report, open_case


@pytest.mark.django_db
@pytest.mark.parametrize("danger, hours", [(True, 2), (False, 24)])
def test_routing_and_acceptance_deadline_by_immediate_danger(cast, world, danger, hours):
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], immediate_danger=danger)
    accept = list(Deadline.objects.filter(report=report, kind="accept").order_by("department"))
    assert {d.department for d in accept} == {"public_security", "civil_affairs", "education"}
    assert all(d.due_at == report.submitted_at + dt.timedelta(hours=hours) for d in accept)
    assert "待确认" in accept[0].source, "system defaults are flagged for confirmation"
    assert report.profile_key == "guangxi"


@pytest.mark.django_db
def test_sexual_assault_reports_also_go_to_the_womens_federation(cast, world):
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], situation="girl_under14_sexual", immediate_danger=True)
    assert "womens_federation" in set(report.deadlines.values_list("department", flat=True))


@pytest.mark.django_db
def test_handling_deadlines_after_acceptance_follow_the_profile(cast, world, make_user):
    """Guangxi adds a case-conference deadline (003 §二(二)7); Shangri-La (national) does not."""
    gx = open_case(cast["officer"], file_report(cast["officer"], world[IN_SCOPE_VILLAGE], immediate_danger=True))
    kinds = dict(gx.report.deadlines.exclude(kind="accept").values_list("kind", "due_at"))
    assert kinds == {"assess": gx.accepted_at + dt.timedelta(hours=24), "conference": gx.accepted_at + dt.timedelta(hours=72)}
    assert rules_for_region(OUT_OF_SCOPE_VILLAGE).hours("conference_hours", True) is None
    from tonghu.accounts.roles import Role

    yn_officer = make_user(Role.COUNTY_OFFICER, "533401000000")
    yn = open_case(yn_officer, file_report(yn_officer, world[OUT_OF_SCOPE_VILLAGE]))
    assert set(yn.report.deadlines.exclude(kind="accept").values_list("kind", flat=True)) == {"assess"}


@pytest.mark.django_db
def test_overdue_acceptance_escalates_level_by_level_once(cast, world):
    """Overdue → county manager; 24 h later → city civil affairs; running again escalates nothing new."""
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], immediate_danger=True)
    assert escalate_overdue() == 0
    backdate(report, 3)  # due 2 h after filing: 1 h overdue
    assert escalate_overdue() == 3  # police, civil affairs, education
    assert escalate_overdue() == 0
    d = report.deadlines.get(kind="accept", department="civil_affairs")
    assert d.escalation_level == 1 and d.escalated_at is not None
    assert any("逾期上报（第1级）" in t for t in notices(cast["manager"]))
    assert not any("逾期上报" in t for t in notices(cast["city"]))
    backdate(report, 24)
    assert escalate_overdue() == 3
    assert report.deadlines.get(kind="accept", department="civil_affairs").escalation_level == 2
    assert any("逾期上报（第2级）" in t for t in notices(cast["city"]))
    assert Event.objects.filter(report=report, kind="escalated").count() == 6
    # Escalation stops at the top level; done steps never escalate; new late steps do (assess, conference: 2 levels each).
    open_case(cast["officer"], report)
    backdate(report, 200)
    assert escalate_overdue() == 4
    assert report.deadlines.get(kind="accept", department="civil_affairs").escalation_level == 2


@pytest.mark.django_db
def test_escalation_command_and_job(cast, world):
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE])
    backdate(report, 25)
    out = io.StringIO()
    call_command("cases_escalate", stdout=out)
    assert "escalated 3" in out.getvalue()
    backdate(report, 24)
    job = execute_job(job_start(kind="cases_escalate", user=cast["officer"], label="逾期上报").pk)
    assert job.status == "succeeded" and job.result == {"escalated": 3}


@pytest.mark.django_db
def test_report_from_visit(cast, child):
    """The visits app offers a one-step mandatory report from a home visit that found harm."""

    class Visit:
        pk = 42
        date = dt.date(2026, 5, 4)

    Visit.child = child
    report = report_from_visit(actor=cast["director"], visit=Visit(), situation="abandonment",
                               description="入户发现儿童独自在家三天，无人照料。", immediate_danger=True)
    assert report.channel == "visit" and report.child == child and report.region_id == child.village_id
    assert report.source_ref == "visit:42" and report.occurred_at.date() == dt.date(2026, 5, 4)
    assert report.deadlines.filter(kind="accept").count() == 3 and report.reporter == cast["director"]


def test_every_profile_resolves_complete_case_rules():
    """Deadlines and the risk scale are profile sections (issue 11: one rule store): every profile resolves them,
    each value cited, tonghu's defaults flagged, and the scale's levels are the model's (R-F2, R-F6)."""
    from tonghu.cases.models import RiskLevel
    from tonghu.policy.engine import load_profiles

    for key, prof in load_profiles().items():
        rules = rules_for_region((prof.region_prefix or "53").ljust(12, "0"))  # 53: Yunnan outside 香格里拉市
        assert rules.profile_key == key
        assert rules.hours("accept_hours", True) < rules.hours("accept_hours", False)
        assert [lv["code"] for lv in rules.levels] == list(RiskLevel.values), key
        assert rules.source("accept_hours").endswith("（系统默认，待确认）")
        assert rules.risk["source"]
    assert "待确认" not in rules_for_region(IN_SCOPE_VILLAGE).source("routing.departments")
    assert rules_for_region(IN_SCOPE_VILLAGE).value("procuratorate_reviews_every_case") is True  # 003 §二(二)6
    assert rules_for_region(OUT_OF_SCOPE_VILLAGE).value("procuratorate_reviews_every_case") is False


@pytest.mark.django_db
def test_a_new_profile_version_changes_deadlines_from_its_effective_date(cast, world):
    """A county's confirmed hours enter as a profile version and apply from its date: nothing caches the rules
    beyond the version (the old lru_cache kept a region's first reading for the life of the process)."""
    from django.utils import timezone

    from tonghu.policy.models import PolicyProfile
    from tonghu.policy.services import policy_load, profile_version_create

    policy_load()
    assert rules_for_region(IN_SCOPE_VILLAGE).hours("accept_hours", True) == 2
    today = timezone.localdate()
    profile_version_create(
        actor=cast["officer"], profile=PolicyProfile.objects.get(key="guangxi"), effective_from=today,
        source="百色市民政局确认：紧急情形1小时内受理", reason="确认强制报告受理时限",
        changes={"mandatory_reporting": {"accept_hours": {"value": {"immediate": 1, "normal": 12},
                                                          "source": "百色市民政局确认"}}})
    assert rules_for_region(IN_SCOPE_VILLAGE).hours("accept_hours", True) == 1
    assert rules_for_region(IN_SCOPE_VILLAGE, today - dt.timedelta(days=1)).hours("accept_hours", True) == 2
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], immediate_danger=True)
    accept = report.deadlines.filter(kind="accept").first()
    assert accept.due_at == report.submitted_at + dt.timedelta(hours=1)
    assert "待确认" not in accept.source
