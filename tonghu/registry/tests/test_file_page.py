"""The file page (一人一档), the household view (一户一档), the ledgers (一乡一账, 一市一库) and the change history
(R-B2, R-B4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.exceptions import ValidationError

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry import services
from tonghu.registry.models import Child

from .conftest import IN_SCOPE_VILLAGE


@pytest.mark.django_db
def test_opening_the_file_is_audited(login, officer, make_child):
    child = make_child("韦明")
    before = AuditEntry.objects.filter(action="view", object_id=str(child.pk)).count()
    assert login(officer).get(f"/children/{child.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="view", object_id=str(child.pk)).count() == before + 1


@pytest.mark.django_db
def test_history_shows_who_what_before_after(login, officer, make_child):
    child = make_child("韦明", school="河口小学")
    services.child_update(actor=officer, child=child, data={"school": "泗城镇中心小学", "boarding": True}, expected_version=child.version)
    g = services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "韦父", "working_away": True,
                                                                 "away_since": dt.date(2023, 3, 1), "away_destination": "广东省佛山市"})
    services.guardian_save(actor=officer, child=child, guardian=g, data={"phone": "13912345678"}, expected_version=g.version)
    page = login(officer).get(f"/children/{child.pk}/").content.decode()
    assert "就读学校：河口小学 → 泗城镇中心小学" in page
    assert "寄宿生：— → 是" in page
    assert "监护人 · 联系电话：— → 13912345678" in page
    assert officer.username in page


@pytest.mark.django_db
def test_household_view_lists_siblings_and_parents_R_B4(login, officer, make_child):
    elder = make_child("梁大宝", birth_date=dt.date(2012, 1, 1))
    household = elder.household
    younger = services.child_create(actor=officer, data={"name": "梁小宝", "sex": "F", "birth_date": dt.date(2016, 1, 1), "village": elder.village},
                                    household=household)
    services.guardian_save(actor=officer, child=elder, data={"role": "father", "name": "梁父"})
    services.household_update(actor=officer, household=household, data={"income_per_head_year": 4800, "dibao_month": 320}, expected_version=1)
    client = login(officer)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "梁大宝" in page and "梁小宝" in page and "梁父" in page and "4800" in page
    file_page = client.get(f"/children/{younger.pk}/").content.decode()
    assert "梁大宝" in file_page  # siblings on the file
    household.refresh_from_db()
    assert household.dibao  # an amount implies the household receives it


@pytest.mark.django_db
def test_add_sibling_via_household_link(login, director, make_child):
    elder = make_child("梁大宝", birth_date=dt.date(2012, 1, 1))
    client = login(director)
    response = client.post(f"/children/new/?household={elder.household_id}", {"name": "梁二宝", "sex": "M", "birth_date": "2014-02-02",
                                                                                "village": IN_SCOPE_VILLAGE, "hukou_type": "rural",
                                                                                "household": elder.household_id})
    assert response.status_code == 302
    assert Child.objects.get(name="梁二宝").household_id == elder.household_id


@pytest.mark.django_db
def test_township_ledger_and_overview(login, users, make_child):
    make_child("梁大宝")
    make_child("陈晓", village="451027002200")
    client = login(users[Role.SUPERVISOR])  # 泗城镇
    ledger = client.get("/registry/township/451027001000/").content.decode()
    assert "梁大宝" in ledger and "陈晓" not in ledger
    assert client.get("/registry/township/451027002000/").status_code == 404  # another township
    overview = login(users[Role.COUNTY_OFFICER]).get("/registry/overview/").content.decode()
    assert "泗城镇" in overview and "下甲镇" in overview


@pytest.mark.django_db
def test_attachment_served_only_through_checked_view(login, users, make_child, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    child = make_child("梁大宝")
    g = services.guardian_save(actor="test", child=child, data={"role": "father", "name": "梁父", "deceased": True, "deceased_date": dt.date(2021, 5, 1)})
    upload = SimpleUploadedFile("死亡证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    a = services.attachment_add(actor="test", child=child, upload=upload, kind="death_cert", fact="guardian.deceased", guardian=g)
    g.refresh_from_db()
    assert g.deceased_evidence  # the upload marks the fact as evidenced
    hiv = services.attachment_add(actor="test", child=child, upload=SimpleUploadedFile("x.pdf", b"%PDF"), kind="diagnosis", fact="child.hiv")
    assert hiv.sensitive
    director = login(users[Role.CHILD_DIRECTOR])
    response = director.get(f"/children/{child.pk}/attachments/{a.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert director.get(f"/children/{child.pk}/attachments/{hiv.pk}/").status_code == 404
    assert login(users[Role.COUNTY_OFFICER]).get(f"/children/{child.pk}/attachments/{hiv.pk}/").status_code == 200
    assert "/media/" not in login(users[Role.CHILD_DIRECTOR]).get(f"/children/{child.pk}/").content.decode()
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor="test", child=child, upload=SimpleUploadedFile("a.exe", b"MZ"), kind="other")
    assert "不支持的文件类型" in str(exc.value)


@pytest.mark.django_db
def test_registered_sections_render(login, officer, make_child):
    from tonghu.registry.sections import _SECTIONS

    child = make_child("梁大宝")
    page = login(officer).get(f"/children/{child.pk}/").content.decode()
    for section in _SECTIONS:
        assert str(section.title) in page


@pytest.mark.django_db
def test_guardian_rules(officer, make_child):
    child = make_child("梁大宝")
    services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "梁父"})
    with pytest.raises(ValidationError) as exc:
        services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "另一个父亲"})
    assert "已登记父亲" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.guardian_save(actor=officer, child=child, data={"role": "mother", "working_away": True, "away_destination_code": "4401x"})
    text = str(exc.value)
    assert "外出时间" in text and "务工地区划代码" in text
    with pytest.raises(ValidationError) as exc:
        services.guardian_save(actor=officer, child=child, data={"role": "other", "name": "梁奶奶"})
    assert "与儿童的关系" in str(exc.value)


@pytest.mark.django_db
def test_join_siblings_into_one_household_R_B4(login, director, make_child):
    elder = make_child("梁大宝", birth_date=dt.date(2012, 1, 1))
    younger = make_child("梁小宝", birth_date=dt.date(2016, 1, 1))
    assert elder.household_id != younger.household_id
    client = login(director)
    assert client.post(f"/children/{younger.pk}/household/", {"sibling": elder.pk}).status_code == 302
    younger.refresh_from_db()
    assert younger.household_id == elder.household_id
    outside = make_child("外村儿童", village="451027001201")
    page = client.post(f"/children/{younger.pk}/household/", {"sibling": outside.pk}).content.decode()
    assert "没有编号为" in page and "外村儿童" not in page


@pytest.mark.django_db
def test_split_a_household_R_B4(login, director, make_child):
    """分户: one child leaves a shared household for its own; the sibling, the old household and the history stay."""
    elder = make_child("梁大宝", birth_date=dt.date(2012, 1, 1))
    younger = make_child("梁小宝", birth_date=dt.date(2016, 1, 1), household=None)
    services.child_join_household(actor="test", child=younger, household=elder.household)
    younger.refresh_from_db()
    shared, version = younger.household_id, younger.version
    client = login(director)
    page = client.get(f"/children/{younger.pk}/").content.decode()
    assert f"/children/{younger.pk}/household/split/" in page
    form = client.get(f"/children/{younger.pk}/household/split/").content.decode()
    assert "新家庭户主" in form
    response = client.post(f"/children/{younger.pk}/household/split/", {"head_name": "梁外婆", "address": "青山村5组", "note": "随外婆生活"})
    assert response.status_code == 302
    younger.refresh_from_db()
    elder.refresh_from_db()
    assert younger.household_id != shared and elder.household_id == shared and younger.version == version + 1
    assert (younger.household.head_name, younger.household.address, younger.household.village_id) == ("梁外婆", "青山村5组", younger.village_id)
    assert AuditEntry.objects.filter(object_id=str(younger.pk), summary__contains="分户：单独立户").exists()
    assert f"/children/{younger.pk}/household/split/" not in client.get(f"/children/{younger.pk}/").content.decode()
    # alone in its household now: nothing to split, said in words, nothing written
    again = client.post(f"/children/{younger.pk}/household/split/", {"head_name": "梁外婆"})
    assert again.status_code == 200 and "已是单独一户" in again.content.decode()
    younger.refresh_from_db()
    assert younger.version == version + 1


@pytest.mark.django_db
def test_withdrawn_attachment_is_kept_but_hidden(login, officer, make_child, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    child = make_child("梁大宝")
    a = services.attachment_add(actor="test", child=child, upload=SimpleUploadedFile("错传.pdf", b"%PDF"), kind="other", title="错传的文件")
    client = login(officer)
    assert client.post(f"/children/{child.pk}/attachments/{a.pk}/withdraw/", {"reason": ""}).status_code == 200
    a.refresh_from_db()
    assert not a.withdrawn  # no reason, no withdrawal
    assert client.post(f"/children/{child.pk}/attachments/{a.pk}/withdraw/", {"reason": "上传错了"}).status_code == 302
    a.refresh_from_db()
    assert a.withdrawn and a.file.name  # kept for the record
    assert "错传的文件" not in client.get(f"/children/{child.pk}/").content.decode().split('id="history"')[0]
    assert client.get(f"/children/{child.pk}/attachments/{a.pk}/").status_code == 404
