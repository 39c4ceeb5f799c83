"""Visit records (R-C3), back-dating and late entries, problems followed to resolution and escalation (R-C4),
the one-step mandatory report, the printable file's quarterly rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.visits import services
from tonghu.visits.models import Notification, Problem, ProblemLevel, ProblemStatus, Visit
from tonghu.visits.selectors import quarterly_visit_rows
from tonghu.visits.services import problems_escalate, visit_record

from .conftest import OBSERVED, TODAY

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def child(make_child):
    return make_child(opened=D(2025, 1, 1))


@pytest.fixture
def director(users):
    return users[Role.CHILD_DIRECTOR]


def test_r_c3_home_visit_record_with_problems_and_audit(child, director):
    visit = visit_record(
        actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, near_water=True,
        details={"people_met": "祖母、儿童本人", "living_conditions": "住房稳固", "guardianship": "祖母照料", "caregiver_performance": "fair",
                 "schooling": "在校，四年级", "health": "良好", "psychology": "内向", "home_hazards": "屋后鱼塘无护栏", "measures": "提醒加装护栏"},
        problems=[{"category": "safety", "description": "屋后鱼塘无护栏", "severity": "high"},
                  {"category": "schooling", "description": "作业常不完成", "severity": "low"}])
    assert visit.method == "in_person" and visit.near_water is True and not visit.late_entry
    problems = {p.category: p for p in Problem.objects.filter(visit=visit)}
    assert problems["safety"].due_on == TODAY + dt.timedelta(days=7) and problems["safety"].owner == director
    assert problems["schooling"].due_on == TODAY + dt.timedelta(days=30)
    entry = AuditEntry.objects.filter(object_type="visits.visit", object_id=str(visit.pk)).get()
    assert entry.action == "create" and entry.changes["home_hazards"] == [None, "屋后鱼塘无护栏"]


def test_back_dating_limit_and_late_entry_flag(child, director, settings):
    """Back-dating is limited (configurable) and a visit entered days later is flagged as a late entry (补录)."""
    settings.TONGHU = {**settings.TONGHU, "VISIT_BACKDATE_DAYS": 10, "VISIT_LATE_ENTRY_DAYS": 3}
    on_time = visit_record(actor=director, child=child, kind="contact", date=TODAY - dt.timedelta(days=3), contacted_person="祖母", today=TODAY)
    late = visit_record(actor=director, child=child, kind="contact", date=TODAY - dt.timedelta(days=4), contacted_person="祖母", today=TODAY)
    assert not on_time.late_entry and late.late_entry
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="contact", date=TODAY - dt.timedelta(days=11), contacted_person="祖母", today=TODAY)
    assert "10 天" in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="contact", date=TODAY + dt.timedelta(days=1), contacted_person="祖母", today=TODAY)
    assert "不能晚于今天" in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="contact", date=TODAY, contacted_person=" ", today=TODAY)
    assert "联系对象" in exc.value.message_dict["contacted_person"][0]
    assert Visit.objects.count() == 2


def test_out_of_scope_child_is_refused(make_child, director):
    from django.core.exceptions import PermissionDenied

    sibling = make_child(village="451027001201")
    with pytest.raises(PermissionDenied):
        visit_record(actor=director, child=sibling, kind="contact", date=TODAY, contacted_person="祖母", today=TODAY)


def test_r_c4_problem_escalates_on_its_date_township_then_county(child, director, users):
    """Unresolved past its due date: to the township supervisor, then (after the escalation period) the county."""
    visit = visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED,
                         problems=[{"category": "guardianship", "description": "祖母生病无人照料", "severity": "high"}])
    problem = visit.problems.get()
    due = problem.due_on
    assert problems_escalate(today=due) == 0  # on the due date itself: not yet
    assert problems_escalate(today=due + dt.timedelta(days=1)) == 1
    problem.refresh_from_db()
    assert problem.level == ProblemLevel.TOWNSHIP and problem.status == ProblemStatus.ESCALATED
    assert problem.owner == users[Role.SUPERVISOR] and problem.due_on == due + dt.timedelta(days=8)
    assert Notification.objects.filter(user=users[Role.SUPERVISOR], kind="problem_escalated").exists()
    assert problems_escalate(today=due + dt.timedelta(days=8)) == 0
    assert problems_escalate(today=due + dt.timedelta(days=9)) == 1
    problem.refresh_from_db()
    assert problem.level == ProblemLevel.COUNTY and problem.owner == users[Role.COUNTY_OFFICER]
    assert Notification.objects.filter(user=users[Role.COUNTY_OFFICER], kind="problem_escalated").exists()
    assert AuditEntry.objects.filter(object_type="visits.problem", object_id=str(problem.pk), action="update").count() == 2


def test_resolved_problem_does_not_escalate_and_notifies_recorder(child, director, users):
    visit = visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED,
                         problems=[{"category": "schooling", "description": "辍学风险", "severity": "medium"}])
    problem = visit.problems.get()
    supervisor = users[Role.SUPERVISOR]
    with pytest.raises(ValidationError):
        services.problem_update(actor=supervisor, problem=problem, status="resolved", resolution="")
    services.problem_update(actor=supervisor, problem=problem, status="resolved", resolution="已联系学校返校", today=TODAY)
    assert problems_escalate(today=TODAY + dt.timedelta(days=60)) == 0
    assert Notification.objects.filter(user=director, kind="problem_status").exists()


def test_harm_found_hands_over_to_cases_when_available(child, director, monkeypatch):
    """Harm or danger → one-step mandatory report through the cases app if it exists, else kept as 待报告."""
    monkeypatch.setattr(services, "cases_report_function", lambda: None)
    with pytest.raises(ValidationError):
        visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, harm_found=True)
    pending = visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, harm_found=True,
                           harm_description="身上多处淤青", immediate_danger=True, details={"people_met": "儿童本人"})
    assert pending.report_status == "pending"
    received = {}

    class Report:
        pk = 4711

    def report_from_visit(*, actor, visit, situation, description, immediate_danger):
        received.update(visit=visit.pk, situation=situation, description=description, danger=immediate_danger)
        return Report()

    monkeypatch.setattr(services, "cases_report_function", lambda: report_from_visit)
    assert services.report_visit(actor=director, visit=pending)
    pending.refresh_from_db()
    assert pending.report_status == "handed_over" and pending.report_ref == "4711"
    assert received == {"visit": pending.pk, "situation": "other_serious", "description": "身上多处淤青", "danger": True}
    assert not services.report_visit(actor=director, visit=pending)  # once only


def test_quarterly_rows_for_the_printable_file(child, director):
    for d, kind in [(D(2025, 1, 10), "home_visit"), (D(2025, 2, 10), "contact"), (D(2025, 3, 5), "home_visit"), (D(2025, 5, 20), "home_visit")]:
        visit_record(actor=director, child=child, kind=kind, date=d, contacted_person="祖母", today=d,
                     details=OBSERVED | ({"measures": "发放学习用品"} if d.month == 5 else {}),
                     problems=[{"category": "health", "description": "视力下降", "severity": "low"}] if d.month == 5 else [])
    rows = quarterly_visit_rows(child, 2025)
    assert [r["quarter"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["dates_text"] == "1月10日、3月5日" and rows[0]["contacts"] == 1
    assert rows[1]["problems_text"] == "健康医疗：视力下降" and rows[1]["measures_text"] == "发放学习用品"
    assert rows[2]["dates"] == [] and rows[3]["problems"] == []


def test_r_c4_problem_due_days_are_the_villages_profile_rules(child, director):
    """Problem due days and the escalation period are jurisdiction rules in the profile (issue 11: one rule store),
    read for the village on the day the problem is found: a new version applies from its effective date."""
    from django.utils import timezone

    from tonghu.policy.models import PolicyProfile
    from tonghu.policy.services import policy_load, profile_version_create

    policy_load()
    today = timezone.localdate()
    profile_version_create(
        actor=director, profile=PolicyProfile.objects.get(key="guangxi"), effective_from=today,
        source="凌云县民政局：严重问题3天内解决", reason="县里确认问题解决时限",
        changes={"visits": {"problem_due_days": {"value": {"high": 3, "medium": 10, "low": 20}, "source": "凌云县民政局"},
                            "problem_escalation_days": {"value": 2, "source": "凌云县民政局"}}})
    before = visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED,
                          problems=[{"category": "safety", "description": "屋后鱼塘无护栏", "severity": "high"}])
    assert before.problems.get().due_on == TODAY + dt.timedelta(days=7)  # the version in force on TODAY
    after = visit_record(actor=director, child=child, kind="contact", date=today, today=today, contacted_person="祖母",
                         problems=[{"category": "safety", "description": "电线裸露", "severity": "high"}])
    problem = after.problems.get()
    assert problem.due_on == today + dt.timedelta(days=3)
    assert problems_escalate(today=problem.due_on + dt.timedelta(days=1)) >= 1
    problem.refresh_from_db()
    assert problem.due_on == problem.escalated_on + dt.timedelta(days=2)


def test_an_empty_home_visit_is_refused_and_does_not_clear_the_task(child, director):
    """Issue 10 item 5: a home visit with every field blank was recorded and cleared the overdue task. A home visit
    records whom the director met and what R-C3 asks (living conditions, guardianship, schooling, health,
    psychology); each missing one is named."""
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY,
                     details={"living_conditions": "  ", "notes": ""})
    errors = exc.value.message_dict
    assert set(errors) == {"people_met", "living_conditions", "guardianship", "schooling", "health", "psychology"}
    assert errors["people_met"] == ["见到的人：请填写入户时见到了谁（如：祖母、儿童本人）。"]
    assert errors["schooling"] == ["就学情况：请填写儿童的就学情况（R-C3）。"]
    assert not Visit.objects.filter(child=child).exists()
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED | {"health": ""})
    assert set(exc.value.message_dict) == {"health"}
    assert visit_record(actor=director, child=child, kind="home_visit", date=TODAY, today=TODAY, details=OBSERVED).pk


def test_a_contact_needs_whom_and_how(child, director):
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="contact", date=TODAY, today=TODAY, method="", contacted_person="祖母")
    assert exc.value.message_dict == {"method": ["联系方式：请选择是怎样联系的（电话、视频、见面等）。"]}
    with pytest.raises(ValidationError) as exc:
        visit_record(actor=director, child=child, kind="contact", date=TODAY, today=TODAY, method="phone", contacted_person="")
    assert set(exc.value.message_dict) == {"contacted_person"}
    assert not Visit.objects.filter(child=child).exists()


def test_an_empty_home_visit_page_names_every_missing_field_in_english_too(child, director, client):
    from django.urls import reverse
    from django.utils import timezone

    client.force_login(director)
    url = reverse("visit_create", kwargs={"child": child.pk}) + "?kind=home_visit"
    today = timezone.localdate().isoformat()
    response = client.post(url, {"kind": "home_visit", "date": today})
    assert response.status_code == 200 and not Visit.objects.filter(child=child).exists()
    assert "见到的人：请填写入户时见到了谁" in response.content.decode()
    client.cookies["tonghu_language"] = "en"
    page = client.post(url, {"kind": "home_visit", "date": today}).content.decode()
    assert "People met: " in page and "请填写" not in page
