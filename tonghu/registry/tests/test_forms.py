"""Every form of the file page works end to end (POST → service → visible on the file), and a wrong value is
answered in Chinese without writing anything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tonghu.registry.models import Assistance, Attachment, CareArrangement, DepartureRegistration, Guardian, GuardianRestriction, GuardianshipProblem


@pytest.mark.django_db
def test_all_file_forms(login, officer, make_child, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    child = make_child("蒙小雨", sex="F")
    client = login(officer)
    base = f"/children/{child.pk}"

    bad = client.post(f"{base}/guardians/new/", {"role": "mother", "working_away": "on", "is_legal_guardian": "on", "lives_with_child": "unknown"})
    assert "外出务工时请填写外出时间" in bad.content.decode() and not Guardian.objects.exists()
    ok = client.post(f"{base}/guardians/new/", {"role": "mother", "name": "蒙母", "working_away": "on", "away_since": "2023-02-01",
                                                 "away_destination": "广东省东莞市", "away_destination_code": "441900", "is_legal_guardian": "on",
                                                 "lives_with_child": "unknown"})
    assert ok.status_code == 302
    mother = Guardian.objects.get(child=child)
    edit = client.post(f"{base}/guardians/{mother.pk}/edit/", {"role": "mother", "name": "蒙母", "phone": "13800001111", "working_away": "on",
                                                               "away_since": "2023-02-01", "is_legal_guardian": "on", "lives_with_child": "unknown",
                                                               "version": mother.version})
    assert edit.status_code == 302
    mother.refresh_from_db()
    assert mother.phone == "13800001111" and mother.version == 2

    assert client.post(f"{base}/guardians/{mother.pk}/restrictions/new/", {"kind": "detention", "start": "2024-01-01"}).status_code == 302
    assert GuardianRestriction.objects.filter(guardian=mother).exists()
    assert client.post(f"{base}/problems/new/", {"kind": "neglect", "since": "2024-03-01"}).status_code == 302
    assert GuardianshipProblem.objects.filter(child=child).exists()

    assert client.post(f"{base}/care/new/", {"caregiver_kind": "grandparents", "caregiver_name": "蒙奶奶", "relation": "祖母",
                                              "quality": "fair", "start": "2023-02-01"}).status_code == 302
    care = CareArrangement.objects.get(child=child)
    assert client.post(f"{base}/care/{care.pk}/edit/", {"caregiver_kind": "grandparents", "caregiver_name": "蒙奶奶", "quality": "poor",
                                                        "start": "2023-02-01", "version": care.version}).status_code == 302
    care.refresh_from_db()
    assert care.quality == "poor"

    assert client.post(f"{base}/departures/new/", {"guardian": mother.pk, "departed_on": "2023-02-01", "destination": "广东省东莞市",
                                                    "contact_phone": "13800001111", "care": care.pk}).status_code == 302
    assert DepartureRegistration.objects.filter(child=child, care=care).exists()

    bad = client.post(f"{base}/assistance/new/", {"scheme": "dibao", "amount_month": "-5"})
    assert "金额不能为负数" in bad.content.decode()
    assert client.post(f"{base}/assistance/new/", {"scheme": "dibao", "amount_month": "350", "start": "2024-01-01"}).status_code == 302
    a = Assistance.objects.get(child=child)
    assert client.post(f"{base}/assistance/{a.pk}/edit/", {"scheme": "dibao", "amount_month": "380", "start": "2024-01-01", "version": a.version}).status_code == 302

    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert client.post(f"{base}/attachments/new/", {"file": upload, "kind": "care_agreement", "fact": "care.agreement", "care": care.pk}).status_code == 302
    care.refresh_from_db()
    assert care.agreement_signed and Attachment.objects.filter(child=child).count() == 1

    page = client.get(f"{base}/").content.decode()
    for text in ("蒙母", "13800001111", "蒙奶奶", "广东省东莞市", "380", "协议", "在押（羁押）", "疏于照料"):
        assert text in page, text


@pytest.mark.django_db
def test_household_edit_form(login, officer, make_child):
    child = make_child("蒙小雨", sex="F")
    household = child.household
    client = login(officer)
    response = client.post(f"/households/{household.pk}/edit/", {"head_name": "蒙父", "income_per_head_year": "5200", "version": household.version})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "蒙父" and household.version == 2
    stale = client.post(f"/households/{household.pk}/edit/", {"head_name": "别人", "version": 1})
    assert stale.status_code == 200 and "已修改了这份记录" in stale.content.decode()
    household.refresh_from_db()
    assert household.head_name == "蒙父"
