"""The director's page and the record form, the API (same scoping and audit), and the permission matrix for
this app's URLs (run on its own so it does not depend on other apps' state)."""

import datetime as dt

import pytest
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.visits import services
from tonghu.visits.models import Schedule, Visit

from .conftest import OBSERVED

pytestmark = pytest.mark.django_db


def test_director_day_shows_what_is_due_and_why(make_child, users, client, facts):
    """Overdue first with how late, then due this week; escalation says why (R-C1, R-C2)."""
    from functools import partial

    from tonghu.policy import facts as F

    from .conftest import left_behind

    today = timezone.localdate()
    late = make_child(name="王小丽", opened=today - dt.timedelta(days=200))
    services.schedule_refresh(late, today=today)
    Schedule.objects.filter(child=late, kind="contact").update(due_on=today - dt.timedelta(days=5))
    risky = make_child(name="李小明", opened=today - dt.timedelta(days=12))
    facts[risky.pk] = partial(left_behind, father={"disability": F.Disability(type=F.DisabilityType.PHYSICAL, grade=1)})
    services.schedule_refresh(risky, today=today)
    make_child(village="451027001201", name="邻村儿童")
    client.force_login(users[Role.CHILD_DIRECTOR])
    page = client.get("/visits/tasks/").content.decode()
    assert "每月联系 — 逾期 5 天" in page
    assert page.index("王小丽") < page.index("李小明")
    assert "加密走访：父亲为" in page and "每15天联系 — 还有 3 天" in page
    assert "邻村儿童" not in page


def test_record_from_the_form_moves_the_schedule(make_child, users, client):
    today = timezone.localdate()
    child = make_child(opened=today - dt.timedelta(days=60))
    services.schedule_refresh(child, today=today)
    client.force_login(users[Role.CHILD_DIRECTOR])
    form = client.get(f"/visits/new/{child.pk}/?kind=contact")
    assert form.status_code == 200 and "data-draft-key" in form.content.decode()
    response = client.post(f"/visits/new/{child.pk}/?kind=contact", {
        "kind": "contact", "date": today.isoformat(), "method": "video", "contacted_person": "母亲", "problem_0_severity": "low"},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/visits/tasks/?saved={child.pk}"
    assert Schedule.objects.get(child=child, kind="contact").last_done_on == today
    # a wrong date is answered on the field, nothing is written
    bad = client.post(f"/visits/new/{child.pk}/", {"kind": "contact", "date": (today + dt.timedelta(days=2)).isoformat(),
                                                    "method": "phone", "contacted_person": "母亲"})
    assert bad.status_code == 200 and "不能晚于今天" in bad.content.decode()
    assert Visit.objects.filter(child=child).count() == 1


def test_photo_is_served_only_through_the_checked_view(make_child, users, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    child = make_child()
    visit = services.visit_record(actor=users[Role.CHILD_DIRECTOR], child=child, kind="home_visit", date=timezone.localdate(),
                                  details=OBSERVED, photos=[SimpleUploadedFile("a.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")])
    photo = visit.photos.get()
    client.force_login(users[Role.SUPERVISOR])
    assert client.get(f"/visits/photos/{photo.pk}/").status_code == 200
    client.force_login(users[Role.AUDITOR])
    assert client.get(f"/visits/photos/{photo.pk}/").status_code == 404


def test_api_tasks_are_mine_and_filterable(make_child, users, client):
    today = timezone.localdate()
    mine = make_child(name="本村儿童", opened=today - dt.timedelta(days=40))
    other = make_child(village="451027001201", name="邻村儿童", opened=today - dt.timedelta(days=40))
    for c in (mine, other):
        services.schedule_refresh(c, today=today)
    client.force_login(users[Role.CHILD_DIRECTOR])
    data = client.get("/api/v1/tasks/").json()
    assert {r["child_name"] for r in data["results"]} == {"本村儿童"} and data["count"] == 2
    overdue = client.get("/api/v1/tasks/?due=overdue").json()
    assert [r["kind"] for r in overdue["results"]] == ["contact"] and overdue["results"][0]["overdue_days"] > 0
    assert client.get("/api/v1/tasks/?kind=home_visit").json()["count"] == 1
    client.force_login(users[Role.SUPERVISOR])
    assert client.get("/api/v1/tasks/").json()["count"] == 4


def test_api_visit_create_and_list_scoped_and_audited(make_child, users, client):
    today = timezone.localdate()
    child = make_child()
    sibling = make_child(village="451027001201")
    client.force_login(users[Role.CHILD_DIRECTOR])
    ok = client.post("/api/v1/visits/", {"child": child.pk, "kind": "contact", "date": today.isoformat(), "method": "phone",
                                         "contacted_person": "祖父", "problems": [{"category": "health", "description": "咳嗽", "severity": "low"}]},
                     content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["problems_found"][0]["description"] == "咳嗽"
    assert AuditEntry.objects.filter(object_type="visits.visit", action="create").count() == 1
    refused = client.post("/api/v1/visits/", {"child": sibling.pk, "kind": "contact", "date": today.isoformat(), "contacted_person": "x"},
                          content_type="application/json")
    assert refused.status_code == 400 and "child" in refused.json()
    late = client.post("/api/v1/visits/", {"child": child.pk, "kind": "contact", "date": "2020-01-01", "contacted_person": "x"},
                       content_type="application/json")
    assert late.status_code == 400 and "补录" in late.json()["date"][0]
    assert [v["id"] for v in client.get("/api/v1/visits/").json()["results"]] == [ok.json()["id"]]
    client.force_login(users[Role.SUPERVISOR])
    assert client.post("/api/v1/visits/", {"child": child.pk, "kind": "contact", "date": today.isoformat()},
                       content_type="application/json").status_code == 403
    client.force_login(users[Role.AUDITOR])
    assert client.get("/api/v1/visits/").status_code == 403


@pytest.mark.parametrize("role", list(Role.values))
def test_permission_matrix_for_visits_urls(role, users, world, client, make_user, monkeypatch):
    """The core matrix (tonghu/core/tests/test_permission_matrix.py) restricted to this app's endpoints."""
    from tonghu.core import capabilities
    from tonghu.core.tests import test_permission_matrix as matrix

    ours = {k: v for k, v in capabilities.endpoints().items()
            if k.startswith(("visit", "problem", "census", "notification", "task-"))}
    monkeypatch.setattr(matrix, "endpoints", lambda: ours)
    monkeypatch.setattr(services, "cases_report_function", lambda: None)
    failures = matrix.run_matrix(users[role], world, client, make_user(Role.COUNTY_OFFICER, "533401000000"))
    assert not failures, "\n".join(failures)


def test_visits_show_in_the_childs_file_and_history(make_child, users, client):
    """R-C3: a recorded visit appears in the one-child file (registry section) and in the audit history."""
    child = make_child()
    visit = services.visit_record(actor=users[Role.CHILD_DIRECTOR], child=child, kind="contact", date=timezone.localdate(),
                                  method="phone", contacted_person="祖母")
    client.force_login(users[Role.SUPERVISOR])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert 'data-testid="visits-section"' in page and f"/visits/{visit.pk}/" in page
    assert AuditEntry.objects.filter(object_type="visits.visit", object_id=str(visit.pk), action="create").exists()
