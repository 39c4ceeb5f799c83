"""API /api/v1/children/ (issue 3 item 10): create, update, nested file, Chinese validation errors, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry import services
from tonghu.registry.models import Child

from .conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE, id_for


@pytest.mark.django_db
def test_create_and_read_nested(login, officer, world):
    client = login(officer)
    number = id_for(dt.date(2014, 2, 2), "M")
    response = client.post("/api/v1/children/", {"name": "农家乐", "sex": "M", "birth_date": "2014-02-02", "village": IN_SCOPE_VILLAGE,
                                                  "id_number": number, "ethnicity": "08", "hukou_type": "rural"}, content_type="application/json")
    assert response.status_code == 201, response.content
    child = Child.objects.get(pk=response.json()["id"])
    assert child.name_initials == "njl"
    assert AuditEntry.objects.filter(action="create", object_id=str(child.pk)).exists()
    services.guardian_save(actor=officer, child=child, data={"role": "mother", "name": "农母", "working_away": True, "away_since": dt.date(2022, 1, 1)})
    services.care_start(actor=officer, child=child, data={"caregiver_kind": "grandparents", "caregiver_name": "农奶奶"})
    services.assistance_add(actor=officer, child=child, data={"scheme": "dibao", "amount_month": 300, "start": dt.date(2023, 1, 1)})
    detail = client.get(f"/api/v1/children/{child.pk}/").json()
    assert detail["guardians"][0]["name"] == "农母" and detail["caregiver"]["caregiver_name"] == "农奶奶"
    assert detail["assistance"][0]["scheme"] == "dibao" and detail["household"]["id"] == child.household_id
    assert AuditEntry.objects.filter(action="view", object_id=str(child.pk)).exists()


@pytest.mark.django_db
def test_create_errors_in_chinese(login, officer, world):
    client = login(officer)
    number = id_for(dt.date(2014, 2, 2), "M")
    response = client.post("/api/v1/children/", {"name": "农家乐", "sex": "F", "birth_date": "2014-02-03", "village": IN_SCOPE_VILLAGE,
                                                  "id_number": number}, content_type="application/json")
    assert response.status_code == 400
    messages = response.json()["id_number"]
    assert any("出生日期为 2014-02-02" in m for m in messages) and any("性别为男" in m for m in messages)
    missing = client.post("/api/v1/children/", {"sex": "X", "birth_date": "2014/02/03"}, content_type="application/json").json()
    assert missing["name"] == ["请填写姓名"]
    assert "无效" in missing["sex"][0] and "YYYY-MM-DD" in missing["birth_date"][0]
    outside = client.post("/api/v1/children/", {"name": "外县", "sex": "M", "birth_date": "2014-02-02", "village": OUT_OF_SCOPE_VILLAGE},
                          content_type="application/json").json()
    assert "不在您的辖区内" in outside["village"][0]
    assert Child.objects.count() == 0


@pytest.mark.django_db
def test_similar_needs_confirm_similar(login, officer, make_child):
    make_child("农家乐", birth_date=dt.date(2014, 2, 2))
    client = login(officer)
    data = {"name": "农家乐", "sex": "M", "birth_date": "2014-02-02", "village": IN_SCOPE_VILLAGE}
    first = client.post("/api/v1/children/", data, content_type="application/json")
    assert first.status_code == 400 and first.json()["similar"][0]["name"] == "农家乐"
    second = client.post("/api/v1/children/", data | {"confirm_similar": True}, content_type="application/json")
    assert second.status_code == 201


@pytest.mark.django_db
def test_write_needs_edit_capability(login, users, make_child):
    child = make_child("农家乐")
    client = login(users[Role.SUPERVISOR])
    assert client.post("/api/v1/children/", {"name": "x"}, content_type="application/json").status_code == 403
    assert client.patch(f"/api/v1/children/{child.pk}/", {"name": "x", "version": 1}, content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_update_audits_field_changes(login, officer, make_child):
    child = make_child("农家乐")
    response = login(officer).patch(f"/api/v1/children/{child.pk}/", {"grade": "三年级", "version": child.version}, content_type="application/json")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="update", object_id=str(child.pk)).latest("seq")
    assert entry.changes["grade"] == ["", "三年级"] and entry.actor == officer


@pytest.mark.django_db
def test_list_filters_and_search(login, officer, make_child):
    make_child("农家乐", village="451027002200")
    make_child("张伟")
    client = login(officer)
    assert [r["name"] for r in client.get("/api/v1/children/?q=zw").json()["results"]] == ["张伟"]
    assert [r["name"] for r in client.get("/api/v1/children/?region=451027002000").json()["results"]] == ["农家乐"]
    assert client.get("/api/v1/children/?ordering=-name").json()["results"][0]["name"] == "张伟"
