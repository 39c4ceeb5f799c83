"""Field rules of the child's file (R-B2): ID number validation and cross-checks, uniqueness, pinyin search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonghu.registry import services
from tonghu.registry.filters import search
from tonghu.registry.models import Child
from tonghu.registry.pinyin import name_keys

from .conftest import IN_SCOPE_VILLAGE, id_for

BIRTH = dt.date(2014, 5, 17)


def _errors(**data):
    base = {"name": "李小红", "sex": "F", "birth_date": BIRTH}
    base.update(data)
    return services.validate_child_fields(base)


def test_valid_id_number_passes_and_is_normalised_R_B2():
    number = id_for(BIRTH, "F")
    data = {"name": "李小红", "sex": "F", "birth_date": BIRTH, "id_number": " " + number.lower().replace("x", "x") + " "}
    assert services.validate_child_fields(data) == {}
    assert data["id_number"] == number


def test_wrong_check_digit_is_refused_with_chinese_message():
    number = id_for(BIRTH, "F")
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    errors = _errors(id_number=bad)
    assert any("校验位" in m for m in errors["id_number"])


def test_id_length_message_names_the_count():
    errors = _errors(id_number="45102720140517")
    assert errors["id_number"] == ["身份证号码应为 18 位（旧号码为 15 位），当前输入了 14 位"]


def test_birth_date_cross_check_R_B2():
    number = id_for(BIRTH, "F")
    errors = _errors(id_number=number, birth_date=dt.date(2014, 6, 17))
    assert any("出生日期为 2014-05-17，与填写的 2014-06-17 不一致" in m for m in errors["id_number"])


def test_sex_cross_check():
    number = id_for(BIRTH, "F")
    errors = _errors(id_number=number, sex="M")
    assert any("性别为女，与填写的男不一致" in m for m in errors["id_number"])


def test_month_only_birth_date_accepts_matching_id():
    number = id_for(BIRTH, "F")
    assert _errors(id_number=number, birth_date=dt.date(2014, 5, 1), birth_day_unknown=True) == {}
    errors = _errors(id_number=number, birth_date=dt.date(2014, 7, 1), birth_day_unknown=True)
    assert "出生年月为 2014-05" in errors["id_number"][0]


def test_other_field_rules():
    today = dt.date.today()
    assert "晚于今天" in _errors(birth_date=today + dt.timedelta(days=3))["birth_date"][0]
    assert _errors(name="  ")["name"] == ["请填写姓名"]
    assert "GB/T 3304" in _errors(ethnicity="77")["ethnicity"][0]
    assert "区划代码" in _errors(hukou_region_code="45102")["hukou_region_code"][0]
    assert _errors(health_status="serious_illness")["illness_name"] == ["健康状况为重病或慢性病时，请填写患病情况"]
    assert _errors(health_status="disability")["disability_grade"] == ["健康状况为残疾时，请填写残疾等级"]
    assert "残疾类别" in _errors(disability_grade=2)["disability_type"][0]
    assert "辍学" in _errors(schooling_status="in_school", dropout_since=dt.date(2023, 1, 1))["dropout_since"][0]


@pytest.mark.django_db
def test_id_number_unique_when_present_and_empty_is_null(make_child):
    number = id_for(BIRTH, "M")
    make_child("王一", id_number=number, birth_date=BIRTH)
    a = make_child("王二", id_number="", birth_date=dt.date(2013, 1, 1))
    b = make_child("王三", id_number=None, birth_date=dt.date(2012, 1, 1))
    assert a.id_number is None and b.id_number is None  # several files without a number are fine
    with pytest.raises(services.DuplicateChildError):
        make_child("王四", id_number=number, birth_date=BIRTH)
    assert Child.objects.filter(id_number=number).count() == 1


def test_pinyin_keys():
    assert name_keys("张伟") == ("zhangwei", "zw")
    assert name_keys("覃小红") == ("qinxiaohong", "qxh")  # surname reading, common in Guangxi
    assert name_keys("阿不都·热合曼")[1] == "abdrhm"
    assert name_keys("吕绿")[0] == "lvlv"


@pytest.mark.django_db
def test_search_by_characters_pinyin_and_initials_R_B2(make_child):
    zw = make_child("张伟", birth_date=dt.date(2015, 1, 1))
    zwei = make_child("周薇", sex="F", birth_date=dt.date(2016, 1, 1))
    make_child("李娜", sex="F", birth_date=dt.date(2016, 2, 1))
    qs = Child.objects.all()
    assert set(search(qs, "zw")) == {zw, zwei}  # initials
    assert list(search(qs, "zhangwei")) == [zw]  # full pinyin
    assert list(search(qs, "Zhang Wei")) == [zw]
    assert list(search(qs, "zhang")) == [zw]  # pinyin prefix
    assert list(search(qs, "张伟")) == [zw]
    assert set(search(qs, "伟")) == {zw}


@pytest.mark.django_db
def test_search_by_id_number_full_and_prefix(make_child):
    number = id_for(BIRTH, "M")
    child = make_child("黄明", id_number=number, birth_date=BIRTH)
    make_child("黄亮", birth_date=dt.date(2016, 1, 1))
    assert list(search(Child.objects.all(), number.lower())) == [child]
    assert list(search(Child.objects.all(), number[:10])) == [child]


@pytest.mark.django_db
def test_former_names_are_searchable(make_child):
    child = make_child("韦佳怡", sex="F", former_names="韦小妹")
    assert list(search(Child.objects.all(), "小妹")) == [child]


@pytest.mark.django_db
def test_list_page_search_by_initials(login, officer, make_child):
    make_child("张伟")
    make_child("李娜", sex="F")
    page = login(officer).get("/children/?q=zw").content.decode()
    assert "张伟" in page and "李娜" not in page


@pytest.mark.django_db
def test_service_refuses_village_outside_scope(world, director):
    with pytest.raises(ValidationError) as exc:
        services.child_create(actor=director, data={"name": "越权", "sex": "M", "birth_date": BIRTH, "village": world["451027001201"]})
    assert "不在您的辖区内" in str(exc.value)
    assert not Child.objects.filter(name="越权").exists()


@pytest.mark.django_db
def test_create_page_shows_field_errors_in_chinese(login, director, world):
    client = login(director)
    response = client.post("/children/new/", {"name": "", "sex": "M", "birth_date": "2014-05-17", "village": IN_SCOPE_VILLAGE,
                                               "id_number": "45102720140517", "hukou_type": "rural"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写姓名" in page or "这个字段是必填项" in page
    assert "当前输入了 14 位" in page
    assert Child.objects.count() == 0
