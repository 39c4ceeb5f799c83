"""Duplicate guard (issue 3 item 7, R-B2, R-N1): one child, one file — never a silent second file, and nothing
about a child outside the user's region leaks through the refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from tonghu.core.demo.regions import id_region_code
from tonghu.registry import services
from tonghu.registry.models import Child

from .conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE, SIBLING_VILLAGE, id_for

BIRTH = dt.date(2013, 9, 2)


@pytest.mark.django_db
def test_same_id_in_scope_is_refused_and_links_existing(login, officer, make_child, world):
    number = id_for(BIRTH, "M")
    existing = make_child("陆家宝", id_number=number, birth_date=BIRTH)
    client = login(officer)
    response = client.post("/children/new/", {"name": "陆佳宝", "sex": "M", "birth_date": "2013-09-02", "village": IN_SCOPE_VILLAGE,
                                               "id_number": number, "hukou_type": "rural"})
    page = response.content.decode()
    assert "不能重复建档" in page
    assert f"/children/{existing.pk}/" in page
    assert Child.objects.filter(id_number=number).count() == 1
    assert Child.objects.count() == 1


@pytest.mark.django_db
def test_same_id_outside_scope_says_only_where_to_ask_R_N1(login, officer, make_child, world):
    number = id_for(BIRTH, "F", region6=id_region_code("533401000000", BIRTH.year))
    other = make_child("卓玛央金", sex="F", id_number=number, birth_date=BIRTH, village=OUT_OF_SCOPE_VILLAGE, ethnicity="04",
                       address="尼西村三组", pairing_name="某某结对人")
    client = login(officer)
    response = client.post("/children/new/", {"name": "卓玛", "sex": "F", "birth_date": "2013-09-02", "village": IN_SCOPE_VILLAGE,
                                               "id_number": number, "hukou_type": "rural"})
    page = response.content.decode()
    assert "已在香格里拉市建立儿童档案" in page and "请联系香格里拉市民政局" in page
    for leak in ("卓玛央金", "尼西村", "某某结对人", f"/children/{other.pk}/", "建塘镇"):
        assert leak not in page, leak
    assert Child.objects.count() == 1

    api = client.post("/api/v1/children/", {"name": "卓玛", "sex": "F", "birth_date": "2013-09-02", "village": IN_SCOPE_VILLAGE,
                                             "id_number": number}, content_type="application/json")
    assert api.status_code == 400
    body = api.content.decode("utf-8")
    assert "香格里拉市民政局" in api.json()["id_number"][0]
    assert "卓玛央金" not in body and "existing" not in api.json() and "尼西村" not in body


@pytest.mark.django_db
def test_same_name_and_birth_date_warns_then_confirm_creates(login, director, make_child, world):
    make_child("黄志强", birth_date=BIRTH)
    client = login(director)
    data = {"name": "黄志强", "sex": "M", "birth_date": "2013-09-02", "village": IN_SCOPE_VILLAGE, "hukou_type": "rural"}
    first = client.post("/children/new/", data)
    page = first.content.decode()
    assert first.status_code == 200 and "姓名（或拼音）和出生日期相同" in page
    assert "这是另一名儿童，继续建档" in page
    assert Child.objects.filter(name="黄志强").count() == 1
    second = client.post("/children/new/", data | {"confirm_similar": "on"})
    assert second.status_code == 302
    assert Child.objects.filter(name="黄志强").count() == 2


@pytest.mark.django_db
def test_same_pinyin_different_characters_is_a_candidate(officer, make_child):
    make_child("黄志强", birth_date=BIRTH)
    report = services.find_duplicates(user=officer, name="黄志墙", birth_date=BIRTH, village=IN_SCOPE_VILLAGE)
    assert [c.name for c in report.similar] == ["黄志强"]
    assert report.needs_confirmation and not report.blocking


@pytest.mark.django_db
def test_similar_in_county_outside_users_village_is_only_counted(director, make_child):
    make_child("黄志强", birth_date=BIRTH, village=SIBLING_VILLAGE)
    report = services.find_duplicates(user=director, name="黄志强", birth_date=BIRTH, village=IN_SCOPE_VILLAGE)
    assert report.similar == [] and report.similar_elsewhere == 1
    assert "黄志强" not in report.message and "白石村" not in report.message
    with pytest.raises(services.DuplicateChildError):
        services.child_create(actor=director, data={"name": "黄志强", "sex": "M", "birth_date": BIRTH, "village": director.region})


@pytest.mark.django_db
def test_other_county_same_name_is_not_a_candidate(officer, make_child):
    make_child("黄志强", birth_date=BIRTH, village=OUT_OF_SCOPE_VILLAGE)
    report = services.find_duplicates(user=officer, name="黄志强", birth_date=BIRTH, village=IN_SCOPE_VILLAGE)
    assert not report.needs_confirmation


@pytest.mark.django_db
def test_service_for_import_existing_id_numbers(make_child):
    number = id_for(BIRTH, "M")
    make_child("陆家宝", id_number=number, birth_date=BIRTH)
    assert services.existing_id_numbers([number, id_for(BIRTH, "F"), None]) == {number}


@pytest.mark.django_db
def test_update_to_an_existing_id_is_refused(officer, make_child):
    number = id_for(BIRTH, "M")
    make_child("陆家宝", id_number=number, birth_date=BIRTH)
    other = make_child("陆小宝", birth_date=BIRTH)
    with pytest.raises(services.DuplicateChildError):
        services.child_update(actor=officer, child=other, data={"id_number": number}, expected_version=other.version)
    other.refresh_from_db()
    assert other.id_number is None
