"""Reference data (ethnicities, identity numbers) and demo-data generators: plain pytest, no database."""

from __future__ import annotations

import csv
import datetime
import random

import pytest
from stdnum import numdb
from stdnum.cn import ric

from tonghu.core.demo import names, regions
from tonghu.core.reference import ethnicities
from tonghu.core.reference.ethnicities import ETHNICITIES, ETHNICITY_CHOICES, by_name
from tonghu.core.reference.idnumber import (
    check_id_number,
    convert_15_to_18,
    make_id_number,
    mask_id_number,
    random_id_number,
    region_name,
    region_valid_in,
    sequence_code,
    sex_of,
)

# ---------------------------------------------------------------------------------------------------- ethnicities

GB3304 = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()


def test_56_groups_plus_97_98_in_standard_order():
    assert len(ETHNICITIES) == 58
    codes = [code for code, _zh, _en in ETHNICITIES]
    assert len(set(codes)) == 58
    assert codes == [f"{i:02d}" for i in range(1, 57)] + ["97", "98"]
    assert [zh for _c, zh, _en in ETHNICITIES[:56]] == [name + "族" for name in GB3304]
    assert ETHNICITIES[-2][1] == "其他未识别民族"
    assert ETHNICITIES[-1][1] == "外国血统中国籍人士"
    assert len({zh for _c, zh, _en in ETHNICITIES}) == 58
    assert len({en for _c, _zh, en in ETHNICITIES}) == 58
    assert all(en and en.isascii() for _c, _zh, en in ETHNICITIES)


def test_choices_and_names():
    assert ETHNICITY_CHOICES[0] == ("01", "汉族")
    assert ETHNICITY_CHOICES[7] == ("08", "壮族")
    assert dict(ETHNICITY_CHOICES)["56"] == "基诺族"
    assert ethnicities.zh_name("05") == "维吾尔族"
    assert ethnicities.en_name("04") == "Tibetan"


@pytest.mark.parametrize("value", ["壮族", "壮", "Zhuang", "zhuang", " ZHUANG ", "08", "8", 8, "０８", "Zhuang people"])
def test_by_name_zhuang_variants(value):
    assert by_name(value) == "08"


@pytest.mark.parametrize(
    "value, code",
    [
        ("汉", "01"), ("汉族", "01"), ("Han", "01"), ("蒙古", "02"), ("Mongol", "02"), ("Mongolian", "02"),
        ("蒙族", "02"), ("回", "03"), ("Tibetan", "04"), ("Zang", "04"), ("藏", "04"), ("Uyghur", "05"),
        ("Uygur", "05"), ("Uighur", "05"), ("维族", "05"), ("维吾尔", "05"), ("苗族", "06"), ("Yi", "07"),
        ("瑶", "13"), ("Yao", "13"), ("Korean", "10"), ("Chosen", "10"), ("Manchu", "11"), ("土", "30"),
        ("土家", "15"), ("Tu", "30"), ("Tujia", "15"), ("水族", "25"), ("Sui", "25"), ("De'ang", "46"),
        ("Deang", "46"), ("京", "49"), ("Gin", "49"), ("基诺", "56"), ("Jino", "56"), ("56", "56"),
        ("其他未识别民族", "97"), ("未识别", "97"), ("97", "97"), ("外国血统中国籍人士", "98"), ("98", "98"),
    ],
)
def test_by_name_variants(value, code):
    assert by_name(value) == code


@pytest.mark.parametrize("value", [None, "", "  ", "00", "57", "99", "火星族", "Klingon", 0, 3.5])
def test_by_name_unknown(value):
    assert by_name(value) is None


def test_every_name_resolves_to_its_code():
    for code, zh, en in ETHNICITIES:
        assert by_name(code) == code
        assert by_name(zh) == code
        assert by_name(en) == code
        if code not in ("97", "98"):
            assert by_name(zh[:-1]) == code


# ---------------------------------------------------------------------------------------------------- ID numbers

BIRTH = datetime.date(2015, 3, 2)


def test_make_id_number_is_valid_and_round_trips():
    rng = random.Random(7)
    for _ in range(200):
        birth = datetime.date(2002, 1, 1) + datetime.timedelta(days=rng.randrange(0, 8000))
        sex = rng.choice("MF")
        seq = sequence_code(sex, rng.randrange(0, 499))
        number = make_id_number("451027", birth, sex, seq)
        assert len(number) == 18
        assert ric.is_valid(number)
        assert ric.get_birth_date(number) == birth
        assert sex_of(number) == sex
        assert number[:6] == "451027"
        assert number[14:17] == f"{seq:03d}"
        assert check_id_number(number, birth=birth, sex=sex) == (number, [])


def test_make_id_number_sex_parity():
    assert int(make_id_number("451027", BIRTH, "M", 123)[16]) % 2 == 1
    assert int(make_id_number("451027", BIRTH, "F", 124)[16]) % 2 == 0
    with pytest.raises(ValueError):
        make_id_number("451027", BIRTH, "M", 124)
    with pytest.raises(ValueError):
        make_id_number("451027", BIRTH, "F", 123)
    with pytest.raises(ValueError):
        make_id_number("451027", BIRTH, "M", 0)
    with pytest.raises(ValueError):
        make_id_number("451027", BIRTH, "F", 1000)


def test_make_id_number_needs_region_in_use_in_birth_year():
    with pytest.raises(ValueError):
        make_id_number("451027", datetime.date(1985, 5, 1), "M", 1)  # 凌云县 was 452628 before 2002
    assert ric.is_valid(make_id_number("452628", datetime.date(1985, 5, 1), "M", 1))
    with pytest.raises(ValueError):
        make_id_number("999999", BIRTH, "M", 1)


def test_random_id_number_is_deterministic():
    a = [random_id_number(random.Random(3), "451027", BIRTH, s) for s in "MF"]
    b = [random_id_number(random.Random(3), "451027", BIRTH, s) for s in "MF"]
    assert a == b
    assert all(ric.is_valid(n) for n in a)
    assert sex_of(a[0]) == "M" and sex_of(a[1]) == "F"


def test_check_accepts_lowercase_spaces_and_full_width():
    number = make_id_number("451027", BIRTH, "M", 1)
    assert check_id_number(number) == (number, [])
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} "
    assert check_id_number(spaced) == (number, [])
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert check_id_number(full_width) == (number, [])
    # a number whose check character is X, typed in lower case or full width
    x_number = next(
        n for n in (make_id_number("451027", BIRTH, "M", s) for s in range(1, 1000, 2)) if n.endswith("X")
    )
    assert check_id_number(x_number.lower()) == (x_number, [])
    assert check_id_number(x_number[:-1] + "ｘ") == (x_number, [])
    assert check_id_number(x_number[:-1] + "Ｘ") == (x_number, [])


def test_check_empty():
    assert check_id_number("") == ("", ["请填写身份证号码"])
    assert check_id_number(None) == ("", ["请填写身份证号码"])


def test_check_wrong_length_says_how_many():
    assert check_id_number("45102720150302123") == (
        "45102720150302123", ["身份证号码应为 18 位（旧号码为 15 位），当前输入了 17 位"]
    )
    assert check_id_number("4510272015030212345")[1] == ["身份证号码应为 18 位（旧号码为 15 位），当前输入了 19 位"]


def test_check_non_digit_says_which_position():
    assert check_id_number("4510272O1503021238")[1] == ["身份证号码第 8 位“O”不是数字"]
    assert check_id_number("45102720150302123A")[1] == ["身份证号码第 18 位“A”应为数字或 X"]
    assert check_id_number("4510a72015o3021238")[1] == ["身份证号码第 5、11 位不是数字（“A”、“O”）"]
    assert check_id_number("4510272015030212X")[1] == ["身份证号码应为 18 位（旧号码为 15 位），当前输入了 17 位"]


def test_check_wrong_check_character():
    number = make_id_number("451027", BIRTH, "M", 1)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert check_id_number(wrong) == (wrong, ["身份证号码的校验位（最后一位）不正确，号码很可能输错了，请逐位核对"])


def _with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_check_impossible_birth_date():
    number = _with_check("45102720150230001")
    assert check_id_number(number)[1] == ["身份证号码中的出生日期 2015-02-30 不是有效日期"]
    number = _with_check("45102720151301001")
    assert check_id_number(number)[1] == ["身份证号码中的出生日期 2015-13-01 不是有效日期"]


def test_check_future_birth_date():
    next_year = datetime.date.today().year + 1
    number = _with_check(f"451027{next_year}0101001")
    assert check_id_number(number)[1] == [f"身份证号码中的出生日期 {next_year}-01-01 晚于今天，不可能"]


def test_check_unknown_region():
    number = _with_check("99999920150302001")
    assert check_id_number(number)[1] == ["身份证号码前 6 位地区码 999999 不存在，请核对"]
    number = _with_check("45999920150302001")
    assert check_id_number(number)[1] == ["身份证号码前 6 位地区码 459999 不存在，请核对"]


def test_check_region_not_in_use_in_birth_year():
    number = _with_check("45102719850302001")
    assert check_id_number(number)[1] == ["身份证号码前 6 位地区码 451027（凌云县）在出生年份 1985 年未在使用，号码可能有误"]


def test_check_mismatch_with_typed_birth_and_sex():
    number = make_id_number("451027", BIRTH, "F", 2)
    assert check_id_number(number, birth=datetime.date(2015, 3, 20))[1] == [
        "身份证号码中的出生日期为 2015-03-02，与填写的 2015-03-20 不一致"
    ]
    assert check_id_number(number, birth="2015-03-20")[1] == [
        "身份证号码中的出生日期为 2015-03-02，与填写的 2015-03-20 不一致"
    ]
    assert check_id_number(number, sex="M")[1] == ["身份证号码中的性别为女，与填写的男不一致"]
    assert check_id_number(number, sex="男")[1] == ["身份证号码中的性别为女，与填写的男不一致"]
    male = make_id_number("451027", BIRTH, "M", 1)
    assert check_id_number(male, sex="F")[1] == ["身份证号码中的性别为男，与填写的女不一致"]
    assert check_id_number(number, birth=BIRTH, sex="F") == (number, [])
    result = check_id_number(number, birth=datetime.date(2015, 3, 20), sex="M")
    assert len(result.errors) == 2


def test_check_result_attributes():
    number = make_id_number("451027", BIRTH, "F", 2)
    result = check_id_number(number)
    assert result.ok and result.normalized == number and result.errors == []
    assert result.birth_date == BIRTH and result.sex == "F" and result.region == "451027"
    assert result.notes == [] and not result.converted


def test_15_digit_number_is_converted():
    old = "452628850302123"
    new = convert_15_to_18(old)
    assert new[:17] == "45262819850302123"
    assert ric.is_valid(new)
    result = check_id_number(old)
    normalized, errors = result
    assert normalized == new
    assert errors == []
    assert result.converted
    assert result.notes == [f"已将 15 位旧身份证号码 {old} 转换为 18 位：{new}"]
    assert result.birth_date == datetime.date(1985, 3, 2) and result.sex == "M"
    assert check_id_number(old, birth=datetime.date(1985, 3, 2), sex="M").ok
    # conversion does not hide other problems
    assert check_id_number("452628850230123")[1] == ["身份证号码中的出生日期 1985-02-30 不是有效日期"]
    with pytest.raises(ValueError):
        convert_15_to_18("45262885030212")


def test_mask():
    assert mask_id_number("450102201503021234") == "450102********1234"
    assert mask_id_number("45010220150302123x") == "450102********123X"
    assert mask_id_number("452628850302123") == "452628*****2123"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
    assert mask_id_number("12345") == "*****"


def test_region_helpers():
    assert region_name("451027") == "凌云县"
    assert region_name("533421", 1995) == "中甸县"
    assert region_name("533421", 2005) == "香格里拉县"
    assert region_name("999999") is None
    assert region_valid_in("451027", 2002) and not region_valid_in("451027", 2001)


# ---------------------------------------------------------------------------------------------------- names

HAN_SURNAMES = [s for s, _w in names.HAN_SURNAMES]


def _draw(seed: int, code: str, n: int = 50) -> list[str]:
    rng = random.Random(seed)
    return [names.person_name(rng, code, "MF"[i % 2], adult=bool(i % 3 == 0)) for i in range(n)]


def test_names_are_deterministic():
    for code in ("01", "08", "13", "03", "04", "05", "07", "02"):
        assert _draw(42, code) == _draw(42, code)
        assert _draw(42, code) != _draw(43, code)
    assert names.family_names(random.Random(5), "08", n_children=3) == names.family_names(5, "08", n_children=3)


def test_han_names():
    rng = random.Random(1)
    for _ in range(500):
        name = names.person_name(rng, "01", rng.choice("MF"))
        assert 2 <= len(name) <= 4
        assert any(name.startswith(s) for s in HAN_SURNAMES)
        assert names.NAME_DOT not in name
        assert name not in names.FAMOUS_NAMES


def test_given_names_are_sex_appropriate():
    rng = random.Random(2)
    female_chars = set("".join(names.CHILD_FEMALE_FIRST + names.CHILD_FEMALE_SECOND + names.CHILD_FEMALE_SINGLE
                               + names.CHILD_FEMALE_DOUBLED))
    male_chars = set("".join(names.CHILD_MALE_FIRST + names.CHILD_MALE_SECOND + names.CHILD_MALE_SINGLE))
    for _ in range(300):
        assert set(names.han_given_name(rng, "F")) <= female_chars
        assert set(names.han_given_name(rng, "M")) <= male_chars
    for _ in range(100):
        assert names.tibetan_name(rng, "F")[-2:] in names.TIBETAN_FEMALE_PARTS
        assert names.tibetan_name(rng, "M")[-2:] in names.TIBETAN_MALE_PARTS
        assert names.uyghur_name(rng, "F").split(names.NAME_DOT)[0] in names.UYGHUR_FEMALE
        assert names.uyghur_name(rng, "M").split(names.NAME_DOT)[0] in names.UYGHUR_MALE


def test_zhuang_surnames_are_local():
    rng = random.Random(3)
    surnames = [names.person_name(rng, "08", "M")[0] for _ in range(400)]
    common = {"黄", "韦", "覃", "莫", "蒙", "农"}
    assert sum(s in common for s in surnames) > 200
    assert {"覃", "韦", "蒙", "黄"} <= set(surnames)
    assert {"覃", "韦", "蒙", "黄"} <= set(HAN_SURNAMES)


def test_hui_names_mostly_ma():
    rng = random.Random(4)
    surnames = [names.person_name(rng, "03", "F")[0] for _ in range(300)]
    assert surnames.count("马") > 60
    assert set(surnames) <= {s for s, _w in names.HUI_SURNAMES}


def test_tibetan_names_have_no_surname():
    rng = random.Random(5)
    for _ in range(500):
        name = names.person_name(rng, "04", rng.choice("MF"))
        assert len(name) in (2, 4)
        assert not any(name.startswith(s) for s in HAN_SURNAMES), name
        assert names.NAME_DOT not in name


def test_uyghur_names_have_a_dot():
    rng = random.Random(6)
    for _ in range(200):
        name = names.person_name(rng, "05", rng.choice("MF"))
        own, father = name.split("·")
        assert own and father in names.UYGHUR_MALE
        assert "·" in name


def test_yi_names_are_clan_plus_personal():
    assert names.yi_name(random.Random(0), "M", clan="阿西") .startswith("阿西")
    rng = random.Random(7)
    for _ in range(100):
        name = names.person_name(rng, "07", "M")
        assert any(name.startswith(c) and name[len(c):] in names.YI_MALE for c in names.YI_CLANS)


@pytest.mark.parametrize("code", ["01", "08", "13", "03", "06", "97"])
def test_family_han_style_children_share_fathers_surname(code):
    rng = random.Random(8)
    for _ in range(100):
        family = names.family_names(rng, code, n_children=rng.choice((1, 2, 3)))
        surname = next(s for s in sorted(names._SURNAMES_BY_CODE.get(code, names.HAN_SURNAMES), key=lambda t: -len(t[0]))
                       if family.father.startswith(s[0]))[0]
        assert family.child.startswith(surname)
        assert all(child.startswith(surname) for child, _sex in family.children)
        assert len({family.father, family.mother, *(c for c, _s in family.children)}) == 2 + len(family.children)
        assert family.child == family.children[0][0] and family.child_sex == family.children[0][1]


def test_family_child_sex_is_respected():
    for seed in range(30):
        assert names.family_names(seed, "01", child_sex="F").child_sex == "F"
        assert names.family_names(seed, "05", child_sex="M").child.split("·")[0] in names.UYGHUR_MALE


def test_family_uyghur_child_carries_fathers_first_name():
    rng = random.Random(9)
    for _ in range(100):
        family = names.family_names(rng, "05", n_children=2)
        father_first = family.father.split("·")[0]
        for child, _sex in family.children:
            assert child.split("·")[1] == father_first
        assert "·" in family.mother


def test_family_tibetan_and_yi():
    rng = random.Random(10)
    for _ in range(100):
        family = names.family_names(rng, "04")
        for name in (family.father, family.mother, family.child):
            assert not any(name.startswith(s) for s in HAN_SURNAMES)
        yi = names.family_names(rng, "07")
        clan = next(c for c in names.YI_CLANS if yi.father.startswith(c))
        assert yi.child.startswith(clan)
        assert not yi.mother.startswith(clan)


def test_famous_names_never_generated():
    rng = random.Random(11)
    for _ in range(3000):
        assert names.person_name(rng, "01", rng.choice("MF"), adult=rng.random() < 0.5) not in names.FAMOUS_NAMES


# ---------------------------------------------------------------------------------------------------- regions

SIGNIFICANT = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


def test_region_tree_is_well_formed():
    rows = regions.demo_region_rows()
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows)
    seen: set[str] = set()
    for row in rows:
        assert set(row) == set(regions.CSV_HEADER)
        assert len(row["code"]) == 12 and row["code"].isdigit()
        assert row["level"] in SIGNIFICANT
        significant = SIGNIFICANT[row["level"]]
        assert row["code"][significant:] == "0" * (12 - significant)
        if row["level"] == "province":
            assert row["parent_code"] == ""
        else:
            parent = by_code[row["parent_code"]]
            assert row["parent_code"] in seen  # parents come first
            assert list(SIGNIFICANT).index(parent["level"]) == list(SIGNIFICANT).index(row["level"]) - 1
            assert row["code"].startswith(parent["code"][: SIGNIFICANT[parent["level"]]])
        if row["level"] == "village":
            assert row["kind"] in ("village", "community")
            assert row["urban_rural"] in {"111", "112", "121", "122", "123", "210", "220"}
            suffix = int(row["code"][9:])
            assert (1 <= suffix < 200) if row["kind"] == "community" else (suffix >= 200)
            assert row["name"].endswith("社区" if row["kind"] == "community" else "村")
        else:
            assert row["kind"] == "" and row["urban_rural"] == ""
        if row["level"] == "township":
            assert regions.township_type(row["name"]) in ("街道", "镇", "乡")
        seen.add(row["code"])


def test_demo_county_size_and_shape():
    county = regions.demo_county_code()
    assert county == "451027000000"
    rows = regions.rows_in(county)
    townships = [r for r in rows if r["level"] == "township"]
    villages = [r for r in rows if r["level"] == "village"]
    assert len(townships) >= 9
    assert len(villages) >= 90
    types = [regions.township_type(t["name"]) for t in townships]
    assert types.count("街道") == 1 and "镇" in types and "乡" in types
    communities = [v for v in villages if v["kind"] == "community"]
    assert len(communities) < len(villages) / 2
    for township in townships:
        children = [v for v in villages if v["parent_code"] == township["code"]]
        assert 8 <= len(children) <= 14
        if regions.township_type(township["name"]) == "街道":
            assert 3 <= sum(v["kind"] == "community" for v in children) <= 6
    assert len({v["name"] for v in villages}) == len(villages)


def test_real_codes_are_valid_in_stdnum():
    db = numdb.get("cn/loc")
    for code, name in (("451027", "凌云县"), ("533401", "香格里拉市")):
        info = {k: v for _part, props in db.info(code) for k, v in props.items()}
        assert info["county"].endswith(name)
    assert region_name(regions.demo_county_code()[:6]) == "凌云县"
    assert region_name(regions.other_county_code()[:6]) == "香格里拉市"
    names_by_code = {r["code"]: r["name"] for r in regions.demo_region_rows()}
    assert names_by_code["450000000000"] == "广西壮族自治区"
    assert names_by_code["451000000000"] == "百色市"
    assert names_by_code["451027000000"] == "凌云县"


def test_other_county_is_separate():
    other = regions.other_county_code()
    assert other == "533401000000"
    assert not other.startswith(regions.demo_county_code()[:6])
    rows = regions.rows_in(other)
    assert sum(r["level"] == "township" for r in rows) == 2
    assert sum(r["level"] == "village" for r in rows) == 6
    assert not any(r["code"].startswith("451027") for r in rows)


@pytest.mark.parametrize("county", [regions.demo_county_code(), regions.other_county_code()])
def test_id_region_code_validates_in_every_birth_year(county):
    for year in range(1950, datetime.date.today().year + 1):
        code = regions.id_region_code(county, year)
        assert region_valid_in(code, year), (code, year)
        number = make_id_number(code, datetime.date(year, 6, 1), "F", 2)
        assert ric.is_valid(number)


def test_fixture_csv_is_in_sync(tmp_path):
    written = regions.write_csv(tmp_path / "regions.csv")
    with written.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == regions.CSV_HEADER
        assert list(reader) == regions.demo_region_rows()
    assert regions.FIXTURE_PATH.read_bytes() == written.read_bytes(), (
        "run: python -m tonghu.core.demo.regions to regenerate tonghu/core/fixtures/demo_regions.csv"
    )
