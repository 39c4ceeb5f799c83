"""Schedules from the jurisdiction's profile and the child's risk (R-C1, R-C2): stored, recomputed by one function."""

import datetime as dt
from functools import partial

import pytest

from tonghu.core.texts import render

from tonghu.policy import facts as F
from tonghu.visits.models import Schedule, TaskState
from tonghu.visits.services import schedule_refresh

from .conftest import OBSERVED, TODAY, VILLAGE, left_behind

pytestmark = pytest.mark.django_db

D = dt.date


def _rows(child):
    return {s.kind: s for s in Schedule.objects.filter(child=child)}


@pytest.mark.parametrize("profile, contact_label, home_label, home_due", [
    ("guangxi", "每月联系", "每3个月入户走访", D(2025, 4, 1)),
    ("shangrila", "每月联系", "每3个月入户走访", D(2025, 4, 1)),
    ("xizang", "每月联系", "每3个月入户走访", D(2025, 4, 1)),
    ("anshan", "每月联系", "每月入户走访", D(2025, 2, 1)),  # 002: a home visit every month
    ("changzhi", "每月联系", "每3个月入户走访", D(2025, 4, 1)),
])
def test_r_c1_windows_from_each_profile(profile, contact_label, home_label, home_due, regions, make_child):
    """R-C1: monthly contact and quarterly home visit (Anshan: monthly home visit), counted from the file's opening
    until the first visit; the window opens half an interval (≤ 30 days) before the due date."""
    child = make_child(village=VILLAGE[profile], opened=D(2025, 1, 1))
    schedule_refresh(child, today=D(2025, 1, 20))
    rows = _rows(child)
    assert rows["contact"].interval_label == contact_label
    assert rows["contact"].due_on == D(2025, 2, 1)
    assert rows["contact"].opens_on == D(2025, 1, 17)  # 30 days // 2 = 15 days before
    assert rows["contact"].state == TaskState.OPEN
    assert rows["home_visit"].interval_label == home_label
    assert rows["home_visit"].due_on == home_due
    assert rows["home_visit"].profile == profile
    assert not rows["contact"].escalated and rows["contact"].reason == ""


@pytest.mark.parametrize("builder, why", [
    (partial(left_behind, father={"disability": F.Disability(type=F.DisabilityType.PHYSICAL, grade=1)}), "父亲"),
    (partial(left_behind, mother={"disability": F.Disability(type=F.DisabilityType.INTELLECTUAL, grade=2)}), "母亲"),
    (partial(left_behind, health=F.Health(disability=F.Disability(type=F.DisabilityType.PHYSICAL, grade=3))), "儿童"),
    (partial(left_behind, health=F.Health(psych_behaviour_problem=True)), "心理或行为异常"),
])
def test_r_c2_escalation_triggers(builder, why, make_child, facts):
    """R-C2: a parent's severe physical/intellectual disability, a disabled child, psychological or behavioural
    problems → the profile's escalated cadence (national default: contact every 15 days, home visit monthly)."""
    child = make_child(opened=D(2025, 1, 1))
    facts[child.pk] = builder
    schedule_refresh(child, today=D(2025, 1, 10))
    rows = _rows(child)
    assert rows["contact"].escalated and rows["contact"].interval_label == "每15天联系"
    assert rows["contact"].due_on == D(2025, 1, 16)
    assert rows["home_visit"].interval_label == "每月入户走访" and rows["home_visit"].due_on == D(2025, 2, 1)
    reason = render(rows["contact"].reason)  # stored language-neutral, read here in Chinese (issue 11 §5)
    assert reason.startswith("加密走访：") and why in reason


def test_r_c2_mild_parent_disability_does_not_escalate(make_child, facts):
    child = make_child(opened=D(2025, 1, 1))
    facts[child.pk] = partial(left_behind, father={"disability": F.Disability(type=F.DisabilityType.PHYSICAL, grade=4)})
    schedule_refresh(child, today=D(2025, 1, 10))
    assert not _rows(child)["contact"].escalated


def single_parent(child):
    """Lives with the mother only; the mother is at home (not left-behind, not in difficulty)."""
    return F.ChildFacts(id=str(child.pk), child=F.Child(birth_date=D(2015, 5, 1), hukou_type=F.HukouType.RURAL,
                                                       lives_in_rural_area=True, residence_code=child.village_id,
                                                       single_parent_family=F.Role.MOTHER),
                        guardians=(F.Guardian(role=F.Role.MOTHER),))


def test_changzhi_single_parent_is_visited_and_escalated(regions, make_child, facts):
    """R-C2 (004): Changzhi visits single-parent children and visits them more often; elsewhere a single-parent child
    who is neither left-behind nor in difficulty has no visit schedule (the profile decides, not the code)."""
    cz = make_child(village=VILLAGE["changzhi"], opened=D(2025, 1, 1))
    gx = make_child(village=VILLAGE["guangxi"], opened=D(2025, 1, 1))
    facts[cz.pk] = facts[gx.pk] = single_parent
    schedule_refresh(cz, today=D(2025, 1, 10))
    schedule_refresh(gx, today=D(2025, 1, 10))
    rows = _rows(cz)
    assert rows["contact"].escalated and "单亲家庭儿童" in render(rows["contact"].reason)
    assert rows["contact"].interval_label == "每15天联系"
    assert _rows(gx) == {}


def test_high_guardianship_risk_escalates(make_child, facts, monkeypatch):
    """A high guardianship-risk rating on the file (when the registry records one) uses the escalated cadence."""
    child = make_child(opened=D(2025, 1, 1))
    child.guardianship_risk = "high"
    schedule_refresh(child, today=D(2025, 1, 10))
    assert "家庭监护风险高" in render(_rows(child)["contact"].reason)


def test_schedule_moves_when_a_visit_is_recorded(make_child, users):
    """Recording moves the stored schedule: a home visit also counts as a contact."""
    from tonghu.accounts.roles import Role
    from tonghu.visits.services import visit_record

    child = make_child(opened=D(2025, 1, 1))
    schedule_refresh(child, today=TODAY)
    assert _rows(child)["contact"].state == TaskState.OVERDUE
    director = users[Role.CHILD_DIRECTOR]
    visit_record(actor=director, child=child, kind="contact", date=D(2025, 6, 14), method="phone", contacted_person="祖母", today=TODAY)
    rows = _rows(child)
    assert rows["contact"].due_on == D(2025, 7, 14) and rows["contact"].state == TaskState.UPCOMING
    assert rows["contact"].last_done_on == D(2025, 6, 14)
    assert rows["home_visit"].due_on == D(2025, 4, 1) and rows["home_visit"].state == TaskState.OVERDUE
    visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED)
    rows = _rows(child)
    assert rows["home_visit"].due_on == D(2025, 9, 16)
    assert rows["contact"].due_on == D(2025, 7, 16)


def test_inactive_child_has_no_schedule(make_child):
    child = make_child(opened=D(2025, 1, 1))
    schedule_refresh(child, today=TODAY)
    child.status = "moved"
    schedule_refresh(child, today=TODAY)
    assert not Schedule.objects.filter(child=child).exists()


def test_listing_tasks_does_not_recompute(make_child, users, client, monkeypatch, django_assert_num_queries):
    """Listing reads the stored rows only: the policy engine is never called, and the query count is pinned."""
    from tonghu.accounts.roles import Role

    for _ in range(8):
        schedule_refresh(make_child(opened=D(2025, 1, 1)), today=TODAY)
    monkeypatch.setattr("tonghu.visits.planning.plan_for", lambda *a, **k: pytest.fail("recomputed while listing"))
    client.force_login(users[Role.CHILD_DIRECTOR])
    # 14 = session, user, user's region, page shell (region path, session save …) + count + one query for the rows
    # + the menu's "has jobs" and "on a case team" (issue 18 §6) + the guardians' phones + the month's progress
    # (visits done, tasks open) on the director's landing (issue 18 §1).
    with django_assert_num_queries(14):
        response = client.get("/visits/tasks/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="task"') == 16
    for _ in range(10):
        schedule_refresh(make_child(opened=D(2025, 1, 1)), today=TODAY)
    with django_assert_num_queries(14):  # more rows, same queries
        assert client.get("/visits/tasks/").status_code == 200


def test_an_escalation_reason_reads_in_the_readers_language(make_child, facts):
    """The stored reason is the profile's own text in both languages plus message ids: a Chinese reader and an English
    reader see the same stored reason in their language (issue 18 §3: escalated-visit reasons were Chinese)."""
    import re

    from django.utils import translation

    child = make_child(opened=D(2025, 1, 1))
    facts[child.pk] = partial(left_behind, father={"disability": F.Disability(type=F.DisabilityType.PHYSICAL, grade=1)})
    schedule_refresh(child, today=D(2025, 1, 10))
    stored = _rows(child)["contact"].reason
    with translation.override("zh-hans"):
        chinese = render(stored)
    with translation.override("en"):
        english = render(stored)
    assert chinese.startswith("加密走访：") and "父亲" in chinese
    assert english.startswith("More frequent visits: ") and not re.search(r"[\u4e00-\u9fff]", english), english
