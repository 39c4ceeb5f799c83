"""Tolerant reading of ledger cells and headers.

Real ledgers are typed by hand in Excel/WPS: full-width digits and brackets, stray spaces and line breaks inside
headers, dates as ``2015.3`` / ``2015年3月`` / ``201503`` / Excel date serials, ticks (√) for yes, amounts with
``元/月`` appended, and ID numbers that Excel has turned into numbers (losing the check character X or everything
after the 15th digit). Each ``parse_*`` function takes the raw cell value (as openpyxl gives it: ``str``,
``int``, ``float``, ``datetime`` or ``None``) and returns the clean value, or raises :class:`CellError` with a
Chinese message. Pure Python; no database access.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from tonghu.core.reference import ethnicities

from .columns import COLUMNS, DISABILITY_GRADES, DISABILITY_TYPES, VOCAB

EMPTY_MARKERS = {"", "-", "--", "—", "——", "/", "\\", "无", "暂无", "空", "null", "none", "n/a", "na"}


class CellError(ValueError):
    """A cell that cannot be read; the message (Chinese) says what is wrong and how to fix it."""


# --- text ---------------------------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·", "⋅": "·"})


def norm_text(value) -> str:
    """NFKC (full-width → half-width), trimmed, inner runs of white space collapsed to one space."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii() and not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    if "  " in value or "\n" in value or "\t" in value or "\r" in value:
        value = _SPACES.sub(" ", value)
    return value.strip()


def keep_text(value) -> str:
    """Free text as the county wrote it: trimmed, line breaks as ``\n``, nothing else changed. Unlike
    :func:`norm_text` (which is for *matching* cells against vocabularies, headers and numbers) there is no NFKC
    here: full-width punctuation （，：；） stays full-width, so an exported ledger re-imports byte-identical."""
    if value is None:
        return ""
    if type(value) is not str:
        return norm_text(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def is_empty(value) -> bool:
    return value is None or norm_text(value).lower() in EMPTY_MARKERS


_HEADER_DROP = re.compile(r"[\s*＊:：。\"“”'‘’「」【】\[\]]")


@lru_cache(maxsize=4096)
def norm_header(value) -> str:
    """Header text as compared: NFKC, no white space (headers wrap: ``结对 人员 姓名``), no ``*``/colons/quotes."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _HEADER_DROP.sub("", text)
    return text.replace("（", "(").replace("）", ")").lower()


@lru_cache(maxsize=4096)
def _vocab_key(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).lower()
    return re.sub(r"[\s、，,。；;:：()（）]", "", text)


_VOCAB_INDEX: dict[str, dict[str, str]] = {
    name: {_vocab_key(spelling): canonical for canonical, spellings in options.items() for spelling in (canonical, *spellings)}
    for name, options in VOCAB.items()
}


def vocab_labels(vocab: str) -> str:
    """The first spelling of each choice, for messages: ``男、女``."""
    return "、".join(spellings[0] for spellings in VOCAB[vocab].values())


def parse_choice(value, vocab: str) -> str | None:
    text = norm_text(value)
    if not text:
        return None
    key = _vocab_key(text)
    found = _VOCAB_INDEX[vocab].get(key)
    if found is None:
        # A tick-box cell copied from the form: "☑农村户籍 □城市户籍" → the ticked option.
        ticked = re.findall(r"[☑✓✔√■▣](\s*[^☑✓✔√■▣□☐\s]+)", text)
        if len(ticked) == 1:
            found = _VOCAB_INDEX[vocab].get(_vocab_key(ticked[0]))
    if found is None:
        raise CellError(_("无法识别“%(value)s”，可填：%(choices)s") % {"value": text, "choices": vocab_labels(vocab)})
    return found


# --- names, phones ------------------------------------------------------------------------------------------
_NAME_OK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff·A-Za-z ]+$")
_PHONE_TAIL = re.compile(r"^(.*?)[\s,，;；:：/、（(]*((?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})\)?$")


def parse_name(value, max_length: int = 50) -> str | None:
    text = norm_text(value).translate(_DOTS)
    if not text:
        return None
    # Spaces between Chinese characters are typing noise (张 三); keep them between Latin words.
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    text = re.sub(r"\s*·\s*", "·", text)
    if not _NAME_OK.match(text):
        raise CellError(_("姓名“%(value)s”含有数字或符号，只能填写汉字、间隔号“·”或字母") % {"value": text})
    if len(text) > max_length:
        raise CellError(_("姓名过长（最多 %(n)d 个字）") % {"n": max_length})
    return text


def split_name_phone(value) -> tuple[str, str | None]:
    """``"李明 13800000000"`` → ``("李明", "13800000000")``; a cell without a phone → ``(text, None)``."""
    text = norm_text(value)
    match = _PHONE_TAIL.match(text)
    if match and match.group(1).strip():
        return match.group(1).strip(), match.group(2)
    return text, None


def parse_phone(value) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, float):
        value = int(value)
    text = re.sub(r"[\s\-()（）]", "", norm_text(value))
    if text.startswith("+86"):
        text = text[3:]
    if re.fullmatch(r"1[3-9]\d{9}", text) or re.fullmatch(r"0\d{9,11}", text) or re.fullmatch(r"\d{7,8}", text):
        return text
    raise CellError(_("电话号码“%(value)s”格式不对：手机号为 11 位数字，固定电话如 0776-1234567") % {"value": norm_text(value)})


# --- numbers ------------------------------------------------------------------------------------------------
_TICK = {"√", "✓", "✔", "☑", "■", "是", "有", "享受", "y", "yes"}
_MONEY_STRIP = re.compile(r"(元/月|元每月|元/年|元|¥|￥|rmb|,|，|/月|每月|/年)", re.I)


def parse_money(value, maximum: Decimal = Decimal("99999999")) -> Decimal | None:
    if is_empty(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = _MONEY_STRIP.sub("", norm_text(value)).strip()
        if text.lower() in EMPTY_MARKERS or text in {"否", "0"}:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError(_("金额“%(value)s”不是数字，请只填写数字（单位：元）") % {"value": norm_text(value)}) from None
    if amount < 0:
        raise CellError(_("金额不能为负数"))
    if amount > maximum:
        raise CellError(_("金额 %(value)s 过大，请核对单位（元）") % {"value": amount})
    if amount == 0:
        return None
    return amount.quantize(Decimal("0.01"))


def parse_money_or_tick(value) -> Decimal | bool | None:
    """An amount, ``True`` for a tick without amount, ``None`` for empty/否."""
    if is_empty(value):
        return None
    text = norm_text(value).lower()
    if text in _TICK:
        return True
    if text in {"否", "×", "□", "☐"}:
        return None
    return parse_money(value, maximum=Decimal("100000"))


# --- dates --------------------------------------------------------------------------------------------------
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[年./\-\s]\s*(\d{1,2})\s*(?:[月./\-\s]\s*(?:(\d{1,2})\s*[日号]?)?|月)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


class Month:
    """A birth date as read from 出生年月: ``date`` (day 1 when only the month was given) and ``precise``.

    ``ambiguous_month``: for ``2015.1`` stored as a number by Excel (``2015.10`` becomes ``2015.1``), the
    candidate months ``(1, 10)``; resolved with the ID number or reported.
    """

    __slots__ = ("date", "precise", "ambiguous")

    def __init__(self, date: dt.date, precise: bool, ambiguous: tuple[int, ...] = ()):
        self.date, self.precise, self.ambiguous = date, precise, ambiguous

    def __eq__(self, other):
        return isinstance(other, Month) and (self.date, self.precise, self.ambiguous) == (other.date, other.precise, other.ambiguous)

    def __repr__(self):
        return f"Month({self.date!r}, precise={self.precise}, ambiguous={self.ambiguous})"

    def matches(self, day: dt.date) -> bool:
        if self.ambiguous:
            return day.year == self.date.year and day.month in self.ambiguous
        if self.precise:
            return day == self.date
        return (day.year, day.month) == (self.date.year, self.date.month)


def _make(y: int, m: int, d: int | None, raw) -> Month:
    try:
        return Month(dt.date(y, m, d or 1), d is not None)
    except ValueError:
        raise CellError(_("日期“%(value)s”不存在（月份应为 1–12，日期应在当月范围内）") % {"value": norm_text(raw)}) from None


def parse_month(value) -> Month | None:
    """出生年月 in any of the shapes people type; see the module docstring."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        # Excel keeps 2015年3月 as 2015-03-01: day 1 reads as "month only" (the column is 出生年月).
        return Month(value, value.day != 1)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            text = repr(value)
            if re.fullmatch(r"\d{4}\.\d{1,2}", text):
                year, month = text.split(".")
                if month == "1":
                    return Month(dt.date(int(year), 1, 1), False, ambiguous=(1, 10))
                return _make(int(year), int(month), None, value)
            raise CellError(_("无法识别日期“%(value)s”，请写成 2015-03-08 或 2015年3月") % {"value": value})
        number = int(value)
        if 190001 <= number <= 210012:
            return _make(number // 100, number % 100, None, value)
        if 19000101 <= number <= 21001231:
            return _make(number // 10000, number // 100 % 100, number % 100, value)
        if 1 <= number <= 80000:  # an Excel date serial that lost its date format
            return Month(EXCEL_EPOCH + dt.timedelta(days=number), True)
        raise CellError(_("无法识别日期“%(value)s”，请写成 2015-03-08 或 2015年3月") % {"value": value})
    text = norm_text(value).replace(" ", "")
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        y, m, d = match.group(1), match.group(2), match.group(3)
        return _make(int(y), int(m), int(d) if d else None, value)
    raise CellError(_("无法识别日期“%(value)s”，请写成 2015-03-08 或 2015年3月") % {"value": norm_text(value)})


MASKED_ID = "<masked>"

# --- ID numbers ---------------------------------------------------------------------------------------------
def parse_id_number(value) -> str | None:
    """The cleaned text of an ID number, or a :class:`CellError` when Excel stored it as a number and lost digits.

    Validation proper (check character, birth date, region) is ``tonghu.core.reference.idnumber.check_id_number``,
    applied by the row validator.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value)) if isinstance(value, int) or value.is_integer() else norm_text(value)
        if isinstance(value, float) and len(digits) > 15:
            raise CellError(
                _("身份证号码被 Excel 存成了数字（显示为 %(shown)s），第 16 位以后的数字已丢失，无法恢复。请把该列设为“文本”格式后重新录入完整号码") % {"shown": f"{value:.5E}"}
            )
        if len(digits) == 17:
            raise CellError(_("身份证号码只有 17 位：可能是末位 X 在 Excel 中被当作数字时丢失了。请把该列设为“文本”格式后重新录入"))
        return digits
    text = norm_text(value)
    if text.lower() in EMPTY_MARKERS:
        return None
    if re.fullmatch(r"\d{6}\*{4,8}[\dXx]{4}", text.replace(" ", "")):
        return MASKED_ID
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        raise CellError(_("身份证号码被 Excel 显示为科学计数法（%(shown)s），后几位已丢失。请把该列设为“文本”格式后重新录入完整号码") % {"shown": text})
    return text


# --- composite cells ----------------------------------------------------------------------------------------
_SPLIT = re.compile(r"[、，,；;/＋+和及\s]+")


def parse_category(value) -> tuple[list[str], str]:
    """儿童类别 → (["left_behind", "difficulty"], 具体类别 text). ``困境儿童，具体类别：重病`` keeps ``重病``."""
    text = keep_text(value)
    if not text:
        return [], ""
    detail = ""
    match = re.search(r"具体类别[:：]?\s*(.*)$", text)
    if match:
        detail = match.group(1).strip()
        text = text[: match.start()]
    found: list[str] = []
    for part in _SPLIT.split(text):
        part = part.strip("()（）:：☑□☐√ ")
        if not part:
            continue
        code = _VOCAB_INDEX["category"].get(_vocab_key(part))
        if code is None:
            raise CellError(_("儿童类别“%(value)s”无法识别，可填：农村留守儿童、困境儿童（两者都是时用顿号分隔）") % {"value": part})
        if code not in found:
            found.append(code)
    return found, detail


class Health:
    __slots__ = ("code", "detail", "grade", "kind")

    def __init__(self, code: str, detail: str = "", grade: int | None = None, kind: str = ""):
        self.code, self.detail, self.grade, self.kind = code, detail, grade, kind

    def __eq__(self, other):
        return isinstance(other, Health) and (self.code, self.detail, self.grade, self.kind) == (other.code, other.detail, other.grade, other.kind)

    def __repr__(self):
        return f"Health({self.code!r}, {self.detail!r}, grade={self.grade}, kind={self.kind!r})"

    def display(self) -> str:
        label = VOCAB["health"][self.code][0]
        if self.code == "disabled":
            parts = [p for p in (self.kind and f"{self.kind}残疾", self.grade and "一二三四"[self.grade - 1] + "级") if p]
            extra = "，".join(parts + ([self.detail] if self.detail else []))
            return f"{label}（{extra}）" if extra else label
        return f"{label}（{self.detail}）" if self.detail else label


_HEAD_DETAIL = re.compile(r"^([^\s(（:：,，;；]+?)\s*(?:[(（:：,，;；]\s*(.*?)\s*[)）]?)?$")


def parse_health(value) -> Health | None:
    """健康状况: 健康 / 一般或较弱 / 重病（病名）/ 慢性病（病名）/ 残疾（类别、等级）/ 其他（说明）. The details
    keep their full-width punctuation (:func:`keep_text`); the head word is matched after NFKC."""
    text = keep_text(value)
    if not text:
        return None
    match = _HEAD_DETAIL.match(text)
    head, detail = (match.group(1), match.group(2) or "") if match else (text, "")
    code = _VOCAB_INDEX["health"].get(_vocab_key(head))
    if code is None:
        # "二级肢体残疾", "肢体残疾二级": the disability spelled out without the leading 残疾.
        if "残疾" in text:
            code, detail = "disabled", text
        else:
            for word, c in (("重病", "serious"), ("慢性病", "chronic")):
                if text.startswith(word):
                    code, detail = c, text[len(word):].strip("(（:：,，)） ")
                    break
    if code is None:
        raise CellError(_("健康状况“%(value)s”无法识别，可填：健康、一般或较弱、重病（病名）、慢性病（病名）、残疾（类别和等级）、其他（说明）") % {"value": text})
    grade = None
    kind = ""
    if code == "disabled":
        if not any(word in detail for word in DISABILITY_GRADES):
            detail = unicodedata.normalize("NFKC", detail)  # "肢体２级": only then are the details normalised
        for word, g in DISABILITY_GRADES.items():
            if word in detail:
                grade = g
                detail = detail.replace(word, "")
                break
        for word in DISABILITY_TYPES:
            if word in detail:
                kind = word
                detail = detail.replace(word, "")
                break
        detail = detail.replace("残疾", "").strip("、，,;；:：()（） ")
        if grade is None:
            raise CellError(_("请写明残疾等级（一级至四级），例如：残疾（肢体二级）"))
    elif code in {"serious", "chronic"} and not detail:
        raise CellError(_("请写明患病情况，例如：%(example)s") % {"example": "重病（白血病）" if code == "serious" else "慢性病（哮喘）"})
    return Health(code, detail, grade, kind)


def parse_guardian_health(value) -> tuple[str, str] | None:
    text = keep_text(value)
    if not text:
        return None
    match = _HEAD_DETAIL.match(text)
    head, detail = (match.group(1), match.group(2) or "") if match else (text, "")
    code = _VOCAB_INDEX["guardian_health"].get(_vocab_key(head))
    if code is None:
        raise CellError(_("监护人健康状况“%(value)s”无法识别，可填：健康、不健康（患病情况）") % {"value": text})
    if code == "unhealthy" and not detail and _vocab_key(head) not in {"不健康", "患病", "有病"}:
        detail = head
    return code, detail


def parse_ethnicity(value) -> str | None:
    """民族 → the GB/T 3304 two-digit code (汉 / 汉族 / 01 / Han all give ``01``)."""
    if is_empty(value):
        return None
    if isinstance(value, (int, float)):
        value = f"{int(value):02d}"
    code = ethnicities.by_name(norm_text(value))
    if code is None:
        raise CellError(_("民族“%(value)s”不在 GB/T 3304 民族名称表中，请填写如“汉族”“壮族”“藏族”") % {"value": norm_text(value)})
    return code


def parse_file_no(value) -> int | None:
    if is_empty(value):
        return None
    text = norm_text(value)
    text = re.sub(r"^(TH|档)-?", "", text, flags=re.I)
    if not text.isdigit() or int(text) < 1:
        raise CellError(_("档案编号“%(value)s”无效：它由系统在导出时生成，请勿修改；新儿童请留空") % {"value": norm_text(value)})
    return int(text)


def parse_file_version(value) -> int | None:
    """档案版本: written by the export (ledger/conflicts.py); a whole number, empty for a county's own sheet."""
    if is_empty(value):
        return None
    text = norm_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if text.isdigit():
        return int(text)
    raise CellError(_("档案版本“%(value)s”无效：它由系统在导出时生成，用于发现导出后的修改，请勿改动；不知道时请留空") % {"value": text})


def parse_text(value, max_length: int = 200) -> str:
    text = keep_text(value)
    if norm_text(text).lower() in EMPTY_MARKERS:
        return ""
    if len(text) > max_length:
        raise CellError(_("内容过长（最多 %(n)d 个字，实有 %(m)d 个字）") % {"n": max_length, "m": len(text)})
    return text


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- headers ------------------------------------------------------------------------------------------------
class HeaderError(ValueError):
    pass


_ALIASES: dict[str, list[str]] = {}
for _col in COLUMNS:
    for _text in (_col.header, *_col.aliases):
        keys = _ALIASES.setdefault(norm_header(_text), [])
        if _col.key not in keys:
            keys.append(_col.key)
_GROUP_WORDS = {norm_header(c.group) for c in COLUMNS if c.group} | {norm_header(w) for w in ("家庭信息", "儿童基本信息", "走访情况", "牵手童行结对信息")}


def _family_group(group: str) -> bool | None:
    if not group:
        return None
    if "家庭" in group or "补助" in group:
        return True
    if "救助" in group or "儿童" in group:
        return False
    return None


def match_headers(rows: list[list]) -> tuple[int, dict[int, str], list[str], dict[int, str]]:
    """Find the header in the first rows of a sheet.

    ``rows``: the first rows (cell values). Returns ``(data_start_index, {column_index: key}, unknown headers,
    {column_index: the header as written})`` (the last for error messages: "F 身份证号码").
    The leaf header row is the row matching most known headers; the row above it, when it holds group titles
    (儿童基本信息, 享受救助情况 …), is the group row: a group title stands in its first column only (merged cells
    read empty elsewhere), so it is carried to the right. A header merged over both rows stands in the group row
    with an empty cell below it. Raises :class:`HeaderError` when no header row or a required column is missing.
    """
    best, best_score = None, 0
    for i, row in enumerate(rows[:15]):
        score = sum(1 for v in row if norm_header(v) in _ALIASES)
        if score > best_score:
            best, best_score = i, score
    if best is None or best_score < 3:
        raise HeaderError(_("没有找到表头行：前 15 行中没有“姓名”“性别”“出生年月”等列名。请使用台账模板的表头。"))
    leaf = [norm_header(v) for v in rows[best]]
    above = [norm_header(v) for v in rows[best - 1]] if best > 0 else []
    width = max(len(leaf), len(above))
    leaf += [""] * (width - len(leaf))
    above += [""] * (width - len(above))
    is_group_row = any(a in _GROUP_WORDS or a in _ALIASES for a in above)
    mapping: dict[int, str] = {}
    written: dict[int, str] = {}
    raw_leaf, raw_above = list(rows[best]), list(rows[best - 1]) if best > 0 else []
    unknown: list[str] = []
    taken: set[str] = set()
    group = ""
    for c in range(width):
        text = leaf[c]
        if is_group_row:
            if above[c]:
                group = above[c]
            if not text and above[c]:
                text, group = above[c], ""  # merged over both rows: the header sits in the upper row
        if not text:
            continue
        keys = _ALIASES.get(text)
        if not keys:
            unknown.append(f"{column_letter(c)}“{text}”")
            continue
        candidates = [k for k in keys if k not in taken]
        if len(keys) > 1:
            fam = _family_group(group if is_group_row else "")
            if fam is True:
                candidates = [k for k in candidates if k.startswith("family_")] or candidates
            elif fam is False:
                candidates = [k for k in candidates if not k.startswith("family_")] or candidates
        if not candidates:
            raise HeaderError(_("第 %(col)s 列“%(text)s”与前面的列重复") % {"col": column_letter(c), "text": text})
        mapping[c] = candidates[0]
        taken.add(candidates[0])
        source = raw_leaf[c] if c < len(raw_leaf) and leaf[c] else (raw_above[c] if c < len(raw_above) else "")
        written[c] = re.sub(r"\s+", "", str(source or ""))
    missing = [col.header for col in COLUMNS if col.required and col.key not in taken]
    if missing:
        raise HeaderError(_("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
    return best + 1, mapping, unknown, written
