"""API writes to the rows of a file (issue 3 item 10): guardians, entrusted care and assistance through
/api/v1/children/{id}/…, with the page's rules, audit, optimistic locking and the sensitive-field rules (R-B2,
R-B4, R-F1, R-N1)."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.audit.models import AuditEntry
from tonghu.registry import services
from tonghu.registry.models import Assistance, CareArrangement, Guardian
from tonghu.core.texts import render

JSON = "application/json"


@pytest.mark.django_db
def test_officer_adds_and_changes_a_guardian(login, officer, make_child):
    child = make_child("韦小燕")
    client = login(officer)
    response = client.post(f"/api/v1/children/{child.pk}/guardians/",
                           {"role": "father", "name": "韦大山", "phone": "13907760001", "working_away": True, "away_since": "2024-03-01",
                            "away_destination_code": "440300", "away_destination": "深圳"}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    father = Guardian.objects.get(child=child, role="father")
    assert body["id"] == father.pk and body["version"] == 1 and father.working_away and father.away_since == dt.date(2024, 3, 1)
    assert AuditEntry.objects.filter(action="create", object_id=str(child.pk), summary__contains="添加监护人信息").exists()
    # the file shows it
    assert client.get(f"/api/v1/children/{child.pk}/").json()["guardians"][0]["name"] == "韦大山"

    url = f"/api/v1/children/{child.pk}/guardians/{father.pk}/"
    assert "version" in client.patch(url, {"phone": "13907760002"}, content_type=JSON).json()
    changed = client.patch(url, {"phone": "13907760002", "version": 1}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["phone"] == "13907760002" and changed.json()["version"] == 2
    entry = AuditEntry.objects.filter(action="update", object_id=str(child.pk)).latest("pk")
    assert entry.changes["phone"] == ["13907760001", "13907760002"]
    # someone else saved in between: refused with what they changed
    stale = client.patch(url, {"phone": "13907760003", "version": 1}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert Guardian.objects.get(pk=father.pk).phone == "13907760002"


@pytest.mark.django_db
def test_guardian_errors_are_the_services_in_chinese(login, officer, make_child):
    child = make_child("韦小燕")
    client = login(officer)
    response = client.post(f"/api/v1/children/{child.pk}/guardians/", {"role": "uncle", "name": "韦大山", "away_since": "2024/03/01"}, content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert "无效" in body["role"][0] and "YYYY-MM-DD" in body["away_since"][0]
    second = client.post(f"/api/v1/children/{child.pk}/guardians/", {"role": "father", "name": "韦大山", "deceased": True,
                                                                     "deceased_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
                         content_type=JSON)
    assert second.status_code == 400 and "deceased_date" in second.json(), second.content
    assert not Guardian.objects.filter(child=child).exists()


@pytest.mark.django_db
def test_new_caregiver_ends_the_current_one(login, officer, make_child):
    child = make_child("韦小燕")
    client = login(officer)
    first = client.post(f"/api/v1/children/{child.pk}/care/", {"caregiver_kind": "grandparents", "caregiver_name": "韦奶奶", "start": "2025-01-01"},
                        content_type=JSON)
    assert first.status_code == 201, first.content
    assert client.post(f"/api/v1/children/{child.pk}/care/", {"caregiver_kind": "relatives_friends"}, content_type=JSON).json() == {
        "caregiver_name": ["请填写受委托照护人的姓名"]}
    second = client.post(f"/api/v1/children/{child.pk}/care/", {"caregiver_kind": "relatives_friends", "caregiver_name": "韦姑妈",
                                                               "start": "2026-06-01", "quality": "fair"}, content_type=JSON)
    assert second.status_code == 201
    old = CareArrangement.objects.get(pk=first.json()["id"])
    assert old.end == dt.date(2026, 6, 1) and render(old.end_reason) == "更换受委托照护人"  # stored language-neutral (issue 11 §5)
    detail = client.get(f"/api/v1/children/{child.pk}/").json()
    assert detail["caregiver"]["caregiver_name"] == "韦姑妈" and [c["caregiver_name"] for c in detail["care_history"]] == ["韦奶奶"]
    changed = client.patch(f"/api/v1/children/{child.pk}/care/{second.json()['id']}/", {"quality": "good", "version": second.json()["version"]},
                           content_type=JSON)
    assert changed.status_code == 200 and CareArrangement.objects.get(pk=second.json()["id"]).quality == "good"


@pytest.mark.django_db
def test_assistance_add_and_change(login, officer, make_child):
    child = make_child("韦小燕")
    client = login(officer)
    added = client.post(f"/api/v1/children/{child.pk}/assistance/", {"scheme": "dibao", "amount_month": "300", "start": "2026-01-01"}, content_type=JSON)
    assert added.status_code == 201
    row = Assistance.objects.get(pk=added.json()["id"])
    too_much = client.patch(f"/api/v1/children/{child.pk}/assistance/{row.pk}/", {"amount_month": "300000", "version": added.json()["version"]}, content_type=JSON)
    assert too_much.status_code == 400 and "过大" in too_much.json()["amount_month"][0]
    ok = client.patch(f"/api/v1/children/{child.pk}/assistance/{row.pk}/", {"amount_month": "350", "end": "2026-12-31", "version": 1}, content_type=JSON)
    assert ok.status_code == 200
    row.refresh_from_db()
    assert str(row.amount_month) == "350.00" and row.end == dt.date(2026, 12, 31)


@pytest.mark.django_db
def test_roles_without_sensitive_rights_cannot_write_or_reach_sensitive_values(login, officer, director, make_child):
    child = make_child("韦小燕")
    father = services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "韦大山"})
    hiv = services.assistance_add(actor=officer, child=child, data={"scheme": "hiv_allowance", "amount_month": 600})
    client = login(director)
    refused = client.patch(f"/api/v1/children/{child.pk}/guardians/{father.pk}/", {"criminal_record": "曾服刑", "version": 1}, content_type=JSON)
    assert refused.status_code == 400 and refused.json() == {"criminal_record": ["您的角色无权填写受限信息"]}
    assert Guardian.objects.get(pk=father.pk).criminal_record == ""
    scheme = client.post(f"/api/v1/children/{child.pk}/assistance/", {"scheme": "hiv_allowance", "amount_month": "600"}, content_type=JSON)
    assert scheme.status_code == 400 and "受限信息" in scheme.json()["scheme"][0]
    assert client.patch(f"/api/v1/children/{child.pk}/assistance/{hiv.pk}/", {"amount_month": "1"}, content_type=JSON).status_code == 404
    # the director may still do the ordinary work
    assert client.post(f"/api/v1/children/{child.pk}/assistance/", {"scheme": "dibao", "amount_month": "300"}, content_type=JSON).status_code == 201
    # and the officer may write the sensitive fact
    assert login(officer).patch(f"/api/v1/children/{child.pk}/guardians/{father.pk}/", {"criminal_record": "曾服刑", "version": 1},
                                content_type=JSON).status_code == 200


@pytest.mark.django_db
def test_a_row_of_another_file_is_not_found(login, officer, make_child):
    child, other = make_child("韦小燕"), make_child("黄明", birth_date=dt.date(2014, 1, 1))
    guardian = services.guardian_save(actor=officer, child=other, data={"role": "mother", "name": "黄母"})
    client = login(officer)
    assert client.patch(f"/api/v1/children/{child.pk}/guardians/{guardian.pk}/", {"name": "改", "version": 1}, content_type=JSON).status_code == 404
    assert Guardian.objects.get(pk=guardian.pk).name == "黄母"
