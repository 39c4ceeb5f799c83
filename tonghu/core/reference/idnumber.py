"""Helpers around the 18-character 公民身份号码 (GB 11643), built on ``stdnum.cn.ric``.

Validation itself (check character, birth date, region code and the years it was in use) is python-stdnum's;
this module adds what a data-entry form needs on top:

* input cleaning: spaces, hyphens, full-width digits (``０``-``９``), ``Ｘ``/lower-case ``x``/``×``;
* the conversion of old 15-digit numbers (1984-1999) to 18 digits;
* one clear Simplified-Chinese message per problem (:func:`check_id_number`);
* comparison with the birth date and sex typed on the same form;
* masking for display (:func:`mask_id_number`) and making valid numbers for demo data (:func:`make_id_number`).

Region codes: stdnum checks the first six digits against its database of real county codes *and the years each
code was in use*: ``451027`` (凌云县) exists from 2002, people born earlier carry ``452628``. Demo data must
therefore use real county codes valid in the birth year (see ``tonghu.core.demo.regions.id_region_code``).

Pure Python: no Django import.
"""

from __future__ import annotations

import datetime
import random
import unicodedata

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

MALE = "M"
FEMALE = "F"
_SEX_ZH = {MALE: "男", FEMALE: "女"}

# Characters people type for the check character "X" besides x/X (full-width forms are folded by NFKC).
_X_LOOKALIKES = "×✕✖╳χΧ"


class IdCheck(tuple):
    """Result of :func:`check_id_number`: unpacks as ``(normalized, errors)`` and carries more as attributes.

    ``notes`` are information, not errors (e.g. that a 15-digit number was converted); ``birth_date``, ``sex``
    (``"M"``/``"F"``) and ``region`` (the 6-digit code) are filled in when they could be read from the number.
    """

    def __new__(cls, normalized: str, errors: list[str], **extra):
        self = super().__new__(cls, (normalized, errors))
        self.notes: list[str] = list(extra.get("notes", ()))
        self.converted: bool = bool(extra.get("converted", False))
        self.birth_date: datetime.date | None = extra.get("birth_date")
        self.sex: str | None = extra.get("sex")
        self.region: str | None = extra.get("region")
        return self

    @property
    def normalized(self) -> str:
        return self[0]

    @property
    def errors(self) -> list[str]:
        return self[1]

    @property
    def ok(self) -> bool:
        return not self[1]


def normalize(value: str | None) -> str:
    """Fold full-width characters, X look-alikes and case; drop spaces and hyphens. No validation."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    for ch in _X_LOOKALIKES:
        text = text.replace(ch, "X")
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "-‐‑–—")
    return text.upper()


def normalize_sex(value) -> str | None:
    """``"M"``/``"F"`` from M/F, 男/女, male/female or the GB/T 2261.1 codes 1/2; ``None`` for empty/0/9."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in ("", "0", "9"):
        return None
    if text in ("m", "男", "male", "1", "男性"):
        return MALE
    if text in ("f", "女", "female", "2", "女性"):
        return FEMALE
    raise ValueError(f"unknown sex value: {value!r}")


def _as_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def convert_15_to_18(value: str) -> str:
    """Convert an old 15-digit number (``RRRRRRYYMMDDSSS``) to 18 digits.

    GB 11643-1999: insert ``19`` before the two-digit year and append the check character. The 15-digit numbers
    were issued from 1984 to 1999 to people born in the 20th century.
    """
    number = normalize(value)
    if len(number) != 15 or not number.isdigit():
        raise ValueError(f"not a 15-digit number: {value!r}")
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def region_county(region6: str) -> str | None:
    """The county entry of stdnum's database for a 6-digit code, ``None`` when the code is unknown.

    The entry may carry the years of use, e.g. ``"[2002-]凌云县"`` or ``"[-2000]中甸县,[2001-2013]香格里拉县"``.
    """
    if len(region6) != 6 or not region6.isdigit():
        return None
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(region6):
        info.update(props)
    return info.get("county") or None


def region_name(region6: str, year: int | None = None) -> str | None:
    """Name of the county a code stood for (in ``year`` when given): ``region_name("451027")`` -> ``"凌云县"``."""
    county = region_county(region6)
    if county is None:
        return None
    if year is not None:
        try:
            return ric.get_birth_place(f"{region6}{year:04d}0101000X")["county"]
        except (ValidationError, ValueError, KeyError):
            pass
    last = county.split(",")[-1]
    return last.split("]", 1)[1] if last.startswith("[") else last


def region_valid_in(region6: str, year: int) -> bool:
    """Whether stdnum accepts ``region6`` for someone born in ``year`` (the code was in use that year)."""
    if region_county(region6) is None:
        return False
    try:
        ric.get_birth_place(f"{region6}{year:04d}0101000X")
    except (ValidationError, ValueError, KeyError):
        return False
    return True


def _positions(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


def check_id_number(value: str | None, birth=None, sex=None) -> IdCheck:
    """Check a 公民身份号码 typed by a person; returns ``(normalized, errors)`` (an :class:`IdCheck`).

    ``errors`` is a list of Simplified-Chinese messages, empty when the number is valid and agrees with the
    ``birth`` date and ``sex`` given (either may be omitted). ``normalized`` is the cleaned number, converted to
    18 digits when a valid-looking 15-digit number was given (the conversion is reported in ``result.notes``).
    """
    number = normalize(value)
    birth = _as_date(birth)
    sex = normalize_sex(sex)
    notes: list[str] = []
    errors: list[str] = []

    if not number:
        return IdCheck("", ["请填写身份证号码"])
    if len(number) not in (15, 18):
        return IdCheck(number, [f"身份证号码应为 18 位（旧号码为 15 位），当前输入了 {len(number)} 位"])

    # Every position must be a digit, except the last of an 18-character number which may be X.
    bad = [(i + 1, ch) for i, ch in enumerate(number) if not ch.isdigit() and not (i == 17 and ch == "X")]
    if bad:
        if len(bad) == 1 and bad[0][0] == 18:
            message = f"身份证号码第 18 位“{bad[0][1]}”应为数字或 X"
        elif len(bad) == 1:
            message = f"身份证号码第 {bad[0][0]} 位“{bad[0][1]}”不是数字"
        else:
            chars = "、".join(f"“{ch}”" for _pos, ch in bad[:6])
            message = f"身份证号码第 {_positions([p for p, _ch in bad[:6]])} 位不是数字（{chars}）"
        return IdCheck(number, [message])

    converted = False
    if len(number) == 15:
        old = number
        number = convert_15_to_18(old)
        converted = True
        notes.append(f"已将 15 位旧身份证号码 {old} 转换为 18 位：{number}")

    # Birth date (characters 7-14).
    id_birth: datetime.date | None = None
    raw_date = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    try:
        id_birth = ric.get_birth_date(number)
    except ValidationError:
        errors.append(f"身份证号码中的出生日期 {raw_date} 不是有效日期")
    else:
        if id_birth > datetime.date.today():
            errors.append(f"身份证号码中的出生日期 {raw_date} 晚于今天，不可能")
            id_birth = None
        elif id_birth.year < 1900:
            errors.append(f"身份证号码中的出生日期 {raw_date} 早于 1900 年，不是有效日期")
            id_birth = None

    # Region (characters 1-6): known to stdnum, and in use in the birth year.
    region6 = number[:6]
    if region_county(region6) is None:
        errors.append(f"身份证号码前 6 位地区码 {region6} 不存在，请核对")
    elif id_birth is not None and not region_valid_in(region6, id_birth.year):
        errors.append(
            f"身份证号码前 6 位地区码 {region6}（{region_name(region6)}）在出生年份 {id_birth.year} 年"
            "未在使用，号码可能有误"
        )

    # Check character (character 18). A converted number has a computed one.
    if not converted and number[17] != ric.calc_check_digit(number):
        errors.append("身份证号码的校验位（最后一位）不正确，号码很可能输错了，请逐位核对")

    id_sex = MALE if int(number[16]) % 2 else FEMALE

    # Agreement with what was typed elsewhere on the form.
    if birth is not None and id_birth is not None and birth != id_birth:
        errors.append(f"身份证号码中的出生日期为 {id_birth:%Y-%m-%d}，与填写的 {birth:%Y-%m-%d} 不一致")
    if sex is not None and sex != id_sex:
        errors.append(f"身份证号码中的性别为{_SEX_ZH[id_sex]}，与填写的{_SEX_ZH[sex]}不一致")

    if not errors:
        try:
            ric.validate(number)
        except (ValidationError, ValueError, KeyError):  # pragma: no cover - the checks above cover stdnum's
            errors.append("身份证号码无效，请核对")

    return IdCheck(number, errors, notes=notes, converted=converted, birth_date=id_birth, sex=id_sex, region=region6)


def is_valid_id_number(value: str | None) -> bool:
    """True when the number (after cleaning and 15->18 conversion) is valid."""
    return check_id_number(value).ok


def birth_date_of(value: str) -> datetime.date:
    """Birth date encoded in a (cleaned, 18-character) number; raises stdnum's ``InvalidComponent``."""
    return ric.get_birth_date(normalize(value))


def sex_of(value: str) -> str:
    """``"M"`` when the 17th character is odd, ``"F"`` when even."""
    number = normalize(value)
    if len(number) == 15:
        number = convert_15_to_18(number)
    return MALE if int(number[16]) % 2 else FEMALE


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 and last 4 characters: ``450102********1234``. Short input is masked entirely."""
    number = normalize(value)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id_number(region6: str, birth: datetime.date, sex: str, seq: int) -> str:
    """A valid 18-character number for demo and test data.

    ``seq`` is the 3-digit order code (1-999): odd for a male, even for a female; a mismatch raises ``ValueError``
    (use :func:`sequence_code` or :func:`random_id_number` to get a matching one). ``region6`` must be a county
    code stdnum knows and that was in use in the birth year. The result is checked with ``stdnum.cn.ric``.
    """
    region6 = str(region6)
    if len(region6) == 12 and region6.isdigit():
        region6 = region6[:6]
    if len(region6) != 6 or not region6.isdigit():
        raise ValueError(f"region6 must be 6 digits: {region6!r}")
    birth = _as_date(birth)
    if birth is None:
        raise ValueError("birth date required")
    sex = normalize_sex(sex)
    if sex is None:
        raise ValueError("sex must be 'M' or 'F'")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= 999:
        raise ValueError(f"seq must be an int in 1..999: {seq!r}")
    if (seq % 2 == 1) != (sex == MALE):
        raise ValueError(f"seq {seq} is {'odd' if seq % 2 else 'even'}; odd is male, even is female (sex={sex})")
    body = f"{region6}{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    if not region_valid_in(region6, birth.year):
        raise ValueError(f"region code {region6} is unknown to stdnum or not in use in {birth.year}")
    return ric.validate(number)


def sequence_code(sex: str, n: int) -> int:
    """The ``n``-th (from 0) order code for a sex: males 1, 3, 5, ... 999; females 2, 4, ... 998."""
    sex = normalize_sex(sex)
    code = 2 * n + (1 if sex == MALE else 2)
    if n < 0 or code > 999:
        raise ValueError(f"no order code number {n} for sex {sex}")
    return code


def random_id_number(rng: random.Random, region6: str, birth: datetime.date, sex: str) -> str:
    """:func:`make_id_number` with an order code drawn from ``rng`` (deterministic for a seeded ``rng``)."""
    sex = normalize_sex(sex)
    seq = rng.randrange(1 if sex == MALE else 2, 1000, 2)
    return make_id_number(region6, birth, sex, seq)
