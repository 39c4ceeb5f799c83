"""Status lifecycle and transfer (issue 3 item 5, R-B2, R-B3): a file is never deleted; a transfer moves it with
the child so the receiving county sees it and the sending one no longer does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry import services
from tonghu.registry.models import Child, ChildStatus, StatusChange

from .conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE


@pytest.mark.django_db
def test_transfer_moves_visibility_R_B3(login, users, make_user, make_child, world):
    child = make_child("罗小军")
    services.guardian_save(actor="test", child=child, data={"role": "mother", "name": "罗母"})
    services.care_start(actor="test", child=child, data={"caregiver_kind": "grandparents", "caregiver_name": "罗奶奶"})
    officer = users[Role.COUNTY_OFFICER]
    client = login(officer)
    response = client.post(f"/children/{child.pk}/transfer/", {"to_village": OUT_OF_SCOPE_VILLAGE, "date": "2024-03-01",
                                                               "handover_note": "纸质档案和照护协议已邮寄", "received_by": "扎西"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.village_id == OUT_OF_SCOPE_VILLAGE and child.status == ChildStatus.ACTIVE
    assert client.get(f"/children/{child.pk}/").status_code == 404
    assert "罗小军" not in client.get("/children/").content.decode()
    receiver = make_user(Role.COUNTY_OFFICER, "533401000000")
    page = login(receiver).get(f"/children/{child.pk}/").content.decode()
    assert "罗小军" in page and "罗母" in page and "罗奶奶" in page  # the whole file followed
    assert "纸质档案和照护协议已邮寄" in page
    transfer = StatusChange.objects.get(child=child, kind="transfer")
    assert transfer.from_village_code == IN_SCOPE_VILLAGE and transfer.to_village_code == OUT_OF_SCOPE_VILLAGE
    # the sending county's auditors keep the trace of the hand-over
    assert AuditEntry.objects.filter(object_id=str(child.pk), region_code=IN_SCOPE_VILLAGE, summary__contains="档案转出").exists()


@pytest.mark.django_db
def test_transfer_requires_handover_note_and_village(officer, make_child, world):
    child = make_child("罗小军")
    with pytest.raises(ValidationError) as exc:
        services.child_transfer(actor=officer, child=child, to_village=world["451027001000"], handover_note="")
    assert "村级区划" in str(exc.value) and "交接说明" in str(exc.value)


@pytest.mark.django_db
def test_status_changes_never_delete(login, officer, make_child):
    child = make_child("罗小军")
    client = login(officer)
    response = client.post(f"/children/{child.pk}/status/", {"status": "closed", "reason": "", "date": ""})
    assert "请填写原因" in response.content.decode()
    assert client.post(f"/children/{child.pk}/status/", {"status": "closed", "reason": "重复录入后合并", "date": ""}).status_code == 302
    child.refresh_from_db()
    assert child.status == ChildStatus.CLOSED and child.status_reason == "重复录入后合并"
    assert Child.objects.filter(pk=child.pk).exists()
    # closed files are hidden from the default list but found by status filter and by search
    assert "罗小军" not in client.get("/children/").content.decode()
    assert "罗小军" in client.get("/children/?status=closed").content.decode()
    assert "罗小军" in client.get("/children/?q=lxj").content.decode()
    services.child_set_status(actor=officer, child=child, status="active", reason="误操作，重新启用")
    kinds = list(StatusChange.objects.filter(child=child).order_by("at", "id").values_list("to_status", flat=True))
    assert kinds == ["active", "closed", "active"]


@pytest.mark.django_db
def test_aged_out_only_at_18(officer, make_child):
    child = make_child("罗小军", birth_date=dt.date(2015, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.child_set_status(actor=officer, child=child, status="aged_out")
    assert "未满 18 周岁" in str(exc.value)
    old = make_child("罗大军", birth_date=dt.date(2004, 1, 1))
    assert services.child_set_status(actor=officer, child=old, status="aged_out").status == "aged_out"


@pytest.mark.django_db
def test_api_has_no_delete(login, officer, make_child):
    child = make_child("罗小军")
    response = login(officer).delete(f"/api/v1/children/{child.pk}/")
    assert response.status_code == 405
    assert Child.objects.filter(pk=child.pk).exists()


@pytest.mark.django_db
def test_care_history_is_kept_R_F1(officer, make_child):
    child = make_child("罗小军")
    first = services.care_start(actor=officer, child=child, data={"caregiver_kind": "grandparents", "caregiver_name": "罗奶奶",
                                                                 "start": dt.date(2022, 1, 1), "quality": "good"})
    second = services.care_start(actor=officer, child=child, data={"caregiver_kind": "relatives_friends", "caregiver_name": "罗姑姑",
                                                                  "start": dt.date(2024, 2, 1), "agreement_date": dt.date(2024, 2, 1)})
    first.refresh_from_db()
    assert first.end == dt.date(2024, 2, 1) and second.end is None and second.agreement_signed
    with pytest.raises(ValidationError) as exc:
        services.care_start(actor=officer, child=child, data={"caregiver_kind": "relatives_friends", "caregiver_name": ""})
    assert "受委托照护人的姓名" in str(exc.value)


@pytest.mark.django_db
def test_departure_registration_marks_parent_away_R_B7(officer, make_child):
    child = make_child("罗小军")
    father = services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "罗父"})
    reg = services.departure_register(actor=officer, child=child, data={
        "guardian": father, "departed_on": dt.date(2024, 2, 20), "destination": "广东省东莞市", "destination_code": "441900",
        "contact_phone": "13800000000", "school_informed_on": dt.date(2024, 2, 19), "committee_informed": True})
    father.refresh_from_db()
    assert reg.school_informed and father.working_away and father.away_since == dt.date(2024, 2, 20)
    assert father.away_destination_code == "441900"
    with pytest.raises(ValidationError) as exc:
        services.departure_register(actor=officer, child=child, data={"departed_on": dt.date(2024, 2, 20)})
    assert "外出地点" in str(exc.value) and "联系电话" in str(exc.value)
