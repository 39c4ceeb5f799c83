"""Cell and header rules of the ledger reader (R-B2, R-B3): what counties type, and how each is read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tonghu.registry.ledger import parsing as P
from tonghu.registry.ledger.validate import format_health, format_schooling, health_tuple, parse_schooling


@pytest.mark.parametrize("raw, date, precise", [
    ("2015年3月", dt.date(2015, 3, 1), False),
    ("2015.3", dt.date(2015, 3, 1), False),
    ("２０１５．０３", dt.date(2015, 3, 1), False),
    ("2015-03-08", dt.date(2015, 3, 8), True),
    ("2015/3/8", dt.date(2015, 3, 8), True),
    ("2015年3月8日", dt.date(2015, 3, 8), True),
    (201503, dt.date(2015, 3, 1), False),
    (201503.0, dt.date(2015, 3, 1), False),
    (20150308, dt.date(2015, 3, 8), True),
    (42000, dt.date(2014, 12, 27), True),
    (2015.12, dt.date(2015, 12, 1), False),
    (dt.datetime(2015, 3, 8), dt.date(2015, 3, 8), True),
    (dt.datetime(2015, 3, 1), dt.date(2015, 3, 1), False),
])
def test_dates_in_every_shape(raw, date, precise):
    month = P.parse_month(raw)
    assert (month.date, month.precise) == (date, precise)


def test_ambiguous_and_bad_dates():
    assert P.parse_month(2015.1).ambiguous == (1, 10)
    assert P.parse_month(2015.1).matches(dt.date(2015, 10, 3))
    with pytest.raises(P.CellError, match="不存在"):
        P.parse_month("2015-13")
    with pytest.raises(P.CellError, match="无法识别日期"):
        P.parse_month("去年春天")


def test_id_numbers_damaged_by_excel():
    assert P.parse_id_number(" ４５１０２７２０１５０３０８００２Ｘ ") == "45102720150308002X"
    with pytest.raises(P.CellError, match="第 16 位以后的数字已丢失"):
        P.parse_id_number(4.51027201503081e17)
    with pytest.raises(P.CellError, match="只有 17 位"):
        P.parse_id_number(45102720150308002)
    with pytest.raises(P.CellError, match="科学计数法"):
        P.parse_id_number("4.51027E+17")
    assert P.parse_id_number("451027********002X") == P.MASKED_ID


def test_names_phones_money():
    assert P.parse_name("张 三") == "张三"
    assert P.parse_name("买买提•艾力") == "买买提·艾力"
    with pytest.raises(P.CellError, match="含有数字或符号"):
        P.parse_name("张三3")
    assert P.split_name_phone("韦大山：13907760001") == ("韦大山", "13907760001")
    assert P.parse_phone(13907760001.0) == "13907760001"
    assert P.parse_phone("0776-1234567") == "07761234567"
    with pytest.raises(P.CellError, match="电话号码"):
        P.parse_phone("12345")
    assert P.parse_money("￥300元/月") == Decimal("300.00")
    assert P.parse_money("无") is None and P.parse_money(0) is None
    assert P.parse_money_or_tick("√") is True
    with pytest.raises(P.CellError, match="不是数字"):
        P.parse_money("三百")


def test_choices_categories_health():
    assert P.parse_choice("城镇户口", "hukou") == "urban"
    assert P.parse_choice("☑农村户籍 □城市户籍", "hukou") == "rural"
    assert P.parse_choice("是，单亲母亲家庭", "single_parent") == "mother"
    with pytest.raises(P.CellError, match="可填：男、女"):
        P.parse_choice("未知", "sex")
    assert P.parse_category("农村留守儿童、困境儿童") == (["left_behind", "difficulty"], "")
    assert P.parse_category("困境儿童，具体类别：重病") == (["difficulty"], "重病")
    h = P.parse_health("残疾（肢体二级）")
    assert health_tuple(h) == ("disability", "", "physical", 2, "") and format_health(health_tuple(h)) == "残疾（肢体二级）"
    assert health_tuple(P.parse_health("重病：白血病")) == ("serious_illness", "白血病", "", None, "")
    assert P.parse_health("体弱").code == "weak"
    with pytest.raises(P.CellError, match="残疾等级"):
        P.parse_health("残疾")
    with pytest.raises(P.CellError, match="患病情况"):
        P.parse_health("慢性病")
    assert P.parse_ethnicity("壮") == "08" and P.parse_ethnicity(4) == "04"


@pytest.mark.parametrize("text", ["学龄前", "凌云县第一小学 三年级", "在校", "辍学（凌云县中学）", "凌云县中学"])
def test_schooling_round_trips(text):
    assert format_schooling(*parse_schooling(text)) == text


def test_headers_two_rows_merged_and_single_row():
    two = [
        ["2026 年农村留守儿童和困境儿童个人信息台账"],
        ["序号", "儿童基本信息", None, None, None, "享受救助情况", None, "家庭享受补助情况", None],
        [None, "姓 名", "性别", "出生\n年月", "村（社区）", "低保（元/月）", "孤儿", "低保", "其他"],
    ]
    start, mapping, unknown, written = P.match_headers(two)
    assert start == 3 and unknown == []
    assert mapping == {0: "seq", 1: "name", 2: "sex", 3: "birth_date", 4: "village", 5: "assist_dibao", 6: "assist_orphan", 7: "family_dibao", 8: "family_other"}
    assert written[3] == "出生年月"
    one = [["姓名", "性别", "出生年月", "村", "低保", "低保", "备注栏"]]
    start, mapping, unknown, _w = P.match_headers(one)
    assert mapping[4] == "assist_dibao" and mapping[5] == "family_dibao" and unknown == ["G“备注栏”"]
    with pytest.raises(P.HeaderError, match="缺少必需的列：出生年月"):
        P.match_headers([["姓名", "性别", "民族", "村"]])
