"""One ledger row → the child's *ledger record* (a flat dict, the same shape the exporter writes) + row errors.

The ledger record (``dict[column key, value]``) is the common currency of import and export: the exporter builds
it from the database (:func:`tonghu.registry.ledger.records.record_of`), the importer from cells (here), and an
import compares the two to decide "unchanged / update / create" — which is why re-importing an export changes
nothing. Values are model codes (``"rural"``, ``"disability"``, ``Decimal("300.00")`` …), never display text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from operator import mul

from django.utils.translation import gettext as _

from tonghu.core.reference.idnumber import check_id_number, region_valid_in

from . import parsing as P
from .columns import BY_KEY, Column

DISABILITY_TYPE_CODES = {"肢体": "physical", "视力": "visual", "听力": "hearing", "言语": "speech", "智力": "intellectual", "精神": "mental", "多重": "multiple"}
DISABILITY_TYPE_NAMES = {v: k for k, v in DISABILITY_TYPE_CODES.items()}
HEALTH_CODES = {"healthy": "healthy", "weak": "weak", "serious": "serious_illness", "chronic": "chronic", "disabled": "disability", "other": "other"}
CAREGIVER_CODES = {"grandparents": "grandparents", "relatives": "relatives_friends", "none": "none", "other": "other"}
CATEGORY_NAMES = {"left_behind": "农村留守儿童", "difficulty": "困境儿童"}
RESTRICTED = "受限信息"  # what exports write in sensitive columns for roles without registry.view_sensitive
NAME_PHONE = {"father_name": "father_phone", "mother_name": "mother_phone", "partner_name": "partner_phone", "director_name": "director_phone"}


@dataclass
class RowError:
    row: int
    column: str  # "E 出生年月"
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return _("第 %(row)d 行，%(column)s 列，值“%(value)s”：%(message)s") % asdict(self)


def shown(value) -> str:
    """A raw cell value as the user typed it (for the report)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)[:100]


# --- fast ID check (check_id_number costs ~250 µs; this path ~5 µs, with the same verdict) ------------------
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@lru_cache(maxsize=20000)
def _region_ok(region6: str, year: int) -> bool:
    return region_valid_in(region6, year)


def _fast_id(number: str, today: dt.date) -> tuple[dt.date, str] | None:
    """(birth date, sex) when ``number`` is a valid 18-character number; ``None`` → take the slow path for messages."""
    if len(number) != 18 or not number[:17].isdigit():
        return None
    if _CHECK[sum(map(mul, map(int, number[:17]), _WEIGHTS)) % 11] != number[17]:
        return None
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth > today or birth.year < 1900 or not _region_ok(number[:6], birth.year):
        return None
    return birth, ("M" if int(number[16]) % 2 else "F")


# --- schooling ------------------------------------------------------------------------------------------
_GRADE = re.compile(r"^(.*?)[\s,，、]*((?:小学|初中|高中|中职|幼儿园)?(?:[一二三四五六七八九]|[1-9])年级|初[一二三]|高[一二三]|大班|中班|小班|学前班)$")


@lru_cache(maxsize=20000)
def parse_schooling(value) -> tuple[str, str, str]:
    """就学情况 → (schooling_status, school, grade); the school's name keeps its full-width punctuation."""
    text = P.keep_text(value)
    if not text:
        return "", "", ""
    for words, status in ((("学龄前", "未到入学年龄", "未入园", "散居"), "preschool"), (("辍学", "失学"), "dropped_out"), (("未入学", "不在校", "休学", "未上学"), "not_in_school")):
        for word in words:
            if text.startswith(word):
                rest = text[len(word):].strip("()（）:：,， ")
                return status, rest, ""
    if text in {"在校", "在读", "在校生", "上学"}:
        return "in_school", "", ""
    match = _GRADE.match(text)
    if match:
        return "in_school", match.group(1).strip(), match.group(2)
    return "in_school", text, ""


def format_schooling(status: str, school: str, grade: str) -> str:
    if status == "in_school":
        return " ".join(p for p in (school, grade) if p) or "在校"
    label = {"preschool": "学龄前", "dropped_out": "辍学", "not_in_school": "不在校"}.get(status, "")
    if not label:
        return " ".join(p for p in (school, grade) if p)
    return f"{label}（{school}）" if school else label


# --- the context an import runs in ---------------------------------------------------------------------------
def _village_keys(name: str) -> set[str]:
    key = P.norm_header(name)
    keys = {key}
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会", "社区居委会", "委员会", "村", "社区", "居委"):
        if key.endswith(suffix) and len(key) > len(suffix):
            keys.add(key[: -len(suffix)])
    return keys


class Villages:
    """Name → village lookup inside the import's region (one query, then in memory)."""

    def __init__(self, rows: list[tuple[str, str, str]], townships: dict[str, str]):
        # rows: (code, name, township code); townships: code -> name
        self.codes = {code for code, _n, _t in rows}
        self.by_key: dict[str, list[tuple[str, str]]] = {}
        for code, name, township in rows:
            for key in _village_keys(name):
                self.by_key.setdefault(key, []).append((code, township))
        self.township_keys: dict[str, str] = {}
        for code, name in townships.items():
            for key in _village_keys(name) | {P.norm_header(name).removesuffix("镇").removesuffix("乡").removesuffix("街道")}:
                self.township_keys[key] = code
        self.township_names = townships

    @classmethod
    def for_region(cls, region) -> "Villages":
        from tonghu.core.models import Region
        from tonghu.core.scoping import prefix_range

        qs = Region.objects.filter(code__range=prefix_range(region.prefix), active=True)
        rows, townships = [], {}
        for code, name, level, parent in qs.values_list("code", "name", "level", "parent_id"):
            if level == "village":
                rows.append((code, name, parent or ""))
            elif level == "township":
                townships[code] = name
        return cls(rows, townships)

    def find(self, value, township_value) -> str:
        text = P.norm_text(value)
        if re.fullmatch(r"\d{12}", text):
            if text in self.codes:
                return text
            raise P.CellError(_("区划代码 %(code)s 不是本次导入区域内的村（社区）") % {"code": text})
        candidates = self.by_key.get(P.norm_header(text), [])
        if len(candidates) > 1 and not P.is_empty(township_value):
            tkey = P.norm_header(P.norm_text(township_value))
            tcode = self.township_keys.get(tkey) or self.township_keys.get(tkey.removesuffix("镇").removesuffix("乡"))
            candidates = [c for c in candidates if c[1] == tcode]
        if not candidates:
            raise P.CellError(_("本次导入区域内没有名为“%(name)s”的村（社区），请核对名称或填写 12 位区划代码") % {"name": text})
        if len({c[0] for c in candidates}) > 1:
            names = "、".join(sorted({self.township_names.get(t, t) for _c, t in candidates}))
            raise P.CellError(_("有多个名为“%(name)s”的村（社区）（%(townships)s），请在“乡镇（街道）”列写明所属乡镇") % {"name": text, "townships": names})
        return candidates[0][0]


class RowValidator:
    """Validates rows of one sheet; ``mapping`` is ``{column index: key}`` from :func:`parsing.match_headers`."""

    def __init__(self, mapping: dict[int, str], villages: Villages, *, can_sensitive: bool, today: dt.date | None = None, headers: dict[int, str] | None = None):
        self.today = today or dt.date.today()
        self.villages = villages
        self.can_sensitive = can_sensitive
        self.columns: list[tuple[int, Column]] = [(i, BY_KEY[k]) for i, k in sorted(mapping.items()) if BY_KEY[k].imported]
        self.index = {col.key: i for i, col in self.columns}
        # Cells of these kinds repeat a lot (villages, dates, choices, amounts): each distinct value of a column is
        # parsed once per import; the cache holds the result or the error message (messages do not name the row).
        # plan: (cell index, key, column, parsed empty value, hidden from this importer, splits a phone off, cache)
        self.plan = [(i, col.key, col, EMPTY_VALUE.get(col.kind), col.sensitive and not can_sensitive, col.key in NAME_PHONE,
                      {} if col.kind in CACHED_KINDS else None) for i, col in self.columns]
        self.converters = converters(self.columns)
        self._village_cache: dict[tuple, tuple] = {}
        headers = headers or {}
        self.labels = {col.key: f"{P.column_letter(i)} {headers.get(i) or col.header}" for i, col in self.columns}
        self.ignored_sensitive = [col.header for _i, col in self.columns if col.sensitive and not can_sensitive]
        self.min_birth = self.today.replace(year=self.today.year - 18) if not (self.today.month == 2 and self.today.day == 29) else self.today.replace(year=self.today.year - 18, day=28)

    def label(self, key: str) -> str:
        return self.labels.get(key) or BY_KEY[key].header

    def validate(self, row_number: int, cells: tuple | list) -> tuple[dict, list[RowError]]:
        record: dict = {}
        errors: list[RowError] = []
        raw: dict[str, object] = {}

        def err(key: str, message: str, value=None):
            errors.append(RowError(row_number, self.label(key), shown(raw.get(key) if value is None else value), message))

        n = len(cells)
        phones: dict[str, str] = {}
        for i, key, col, empty, hidden, name_phone, cache in self.plan:
            value = cells[i] if i < n else None
            if value is None or (value.__class__ is str and not value.strip()):
                raw[key] = None
                if not hidden:
                    record[key] = empty  # what the parser gives for an empty cell
                continue
            raw[key] = value
            if hidden:
                continue  # not the importer's to see: keep what is stored
            if col.sensitive and value.__class__ is str and value.strip() == RESTRICTED:
                continue  # a masked export ("受限信息"): keep what is stored
            if name_phone and value.__class__ is str:
                # "李明 13800000000" in a name column (the template's 姓名及电话): the phone goes to its column.
                name, phone = P.split_name_phone(value)
                if phone:
                    value = name
                    phones[NAME_PHONE[key]] = phone
            if cache is not None:
                # keyed by class too: 1 == 1.0 == True, but the cells "1" and 1.0 may parse differently
                by_class = cache.get(value.__class__)
                if by_class is None:
                    by_class = cache[value.__class__] = {}
                hit = by_class.get(value)
                if hit is None:
                    try:
                        hit = (True, self._cell(col, value))
                    except P.CellError as exc:
                        hit = (False, str(exc))
                    if len(by_class) < CACHE_LIMIT:
                        by_class[value] = hit
                if hit[0]:
                    record[key] = hit[1]
                else:
                    err(key, hit[1])
                    record[key] = None
                continue
            try:
                record[key] = self._cell(col, value)
            except P.CellError as exc:
                err(key, str(exc))
                record[key] = None
        for key, phone in phones.items():
            if not record.get(key) and raw.get(key) is None:
                record[key] = P.parse_phone(phone)

        self._identity(record, raw, err)
        self._village(record, raw, err)
        return canonical(record, self.columns, self.converters), errors

    # each kind of cell ----------------------------------------------------------------------------------
    def _cell(self, col: Column, value):
        kind = col.kind
        if kind == "text":
            return P.parse_text(value, col.max_length)
        if value is None:
            return None if kind not in ("name",) else ""
        if kind == "name":
            return P.parse_name(value, col.max_length) or ""
        if kind == "choice":
            return P.parse_choice(value, col.vocab)
        if kind == "month":
            return P.parse_month(value)
        if kind == "date":
            month = P.parse_month(value)
            return month.date if month else None
        if kind == "id_number":
            return P.parse_id_number(value)
        if kind == "phone":
            return P.parse_phone(value) or ""
        if kind == "money":
            return P.parse_money(value)
        if kind == "money_or_tick":
            return P.parse_money_or_tick(value)
        if kind == "ethnicity":
            return P.parse_ethnicity(value)
        if kind == "category":
            return P.parse_category(value)
        if kind == "health":
            return P.parse_health(value)
        if kind == "guardian_health":
            return P.parse_guardian_health(value)
        if kind == "file_no":
            return P.parse_file_no(value)
        if kind == "file_version":
            return P.parse_file_version(value)
        if kind == "village":
            return P.norm_text(value)
        if kind == "name_phone":
            name, phone = P.split_name_phone(value)
            return (P.parse_name(name) if name else "", P.parse_phone(phone) if phone else "")
        return P.parse_text(value, col.max_length)

    def _identity(self, record: dict, raw: dict, err) -> None:
        if raw.get("name") is None:
            err("name", _("姓名不能为空"))
        number = record.get("id_number")
        month: P.Month | None = record.get("birth_date")
        sex = record.get("sex")
        id_birth = id_sex = None
        if number == P.MASKED_ID:
            if record.get("file_no"):
                record.pop("id_number")  # a masked export re-imported: keep the stored number
                number = None
            else:
                err("id_number", _("身份证号码已脱敏（含 *），无法据此建档：请填写完整号码"))
                record["id_number"] = number = None
        if number:
            fast = _fast_id(P.norm_text(number).upper().replace(" ", ""), self.today) if len(number) >= 18 else None
            if fast is not None:
                record["id_number"] = P.norm_text(number).upper().replace(" ", "")
                id_birth, id_sex = fast
            else:
                check = check_id_number(number)
                if check.errors:
                    for message in check.errors:
                        err("id_number", message)
                    record["id_number"] = None
                else:
                    record["id_number"] = check.normalized
                    id_birth, id_sex = check.birth_date, check.sex
        # birth date: from the cell, or from the ID number when the cell is empty
        if month is None and raw.get("birth_date") is None:
            if id_birth is not None:
                record["birth_date"], record["birth_day_unknown"] = id_birth, False
            else:
                err("birth_date", _("出生年月不能为空"))
                record["birth_date"] = None
        elif month is not None:
            if id_birth is not None:
                if not month.matches(id_birth):
                    shown_month = f"{month.date:%Y-%m-%d}" if month.precise else (f"{month.date:%Y}.{month.date.month}" if not month.ambiguous else f"{month.date:%Y}.1/{month.date:%Y}.10")
                    err("birth_date", _("与身份证号码中的出生日期 %(id)s 不一致（填写的是 %(typed)s）") % {"id": f"{id_birth:%Y-%m-%d}", "typed": shown_month})
                record["birth_date"], record["birth_day_unknown"] = id_birth, False
            elif month.ambiguous:
                err("birth_date", _("“%(value)s”被 Excel 当成了数字，无法分辨是 1 月还是 10 月，请写成 2015-01 或 2015-10") % {"value": shown(raw.get("birth_date"))})
                record["birth_date"] = None
            else:
                record["birth_date"], record["birth_day_unknown"] = month.date, not month.precise
        birth = record.get("birth_date")
        if isinstance(birth, dt.date):
            if birth > self.today:
                err("birth_date", _("出生日期 %(date)s 晚于今天") % {"date": f"{birth:%Y-%m-%d}"})
            elif birth <= self.min_birth:
                err("birth_date", _("出生日期 %(date)s：已满 18 周岁，不在儿童台账范围内") % {"date": f"{birth:%Y-%m-%d}"})
        # sex: from the cell, or from the ID number
        if sex is None and raw.get("sex") is None:
            if id_sex is not None:
                record["sex"] = id_sex
            else:
                err("sex", _("性别不能为空"))
        elif sex is not None and id_sex is not None and sex != id_sex:
            err("sex", _("与身份证号码中的性别（%(id)s）不一致") % {"id": "男" if id_sex == "M" else "女"})

    def _village(self, record: dict, raw: dict, err) -> None:
        value = raw.get("village")
        if value is None:
            err("village", _("所在村（社区）不能为空"))
            record["village"] = None
            return
        key = (value.__class__, value, raw.get("township").__class__, raw.get("township"))
        hit = self._village_cache.get(key)
        if hit is None:
            try:
                hit = (True, self.villages.find(value, raw.get("township")))
            except P.CellError as exc:
                hit = (False, str(exc))
            if len(self._village_cache) < CACHE_LIMIT:
                self._village_cache[key] = hit
        if hit[0]:
            record["village"] = hit[1]
        else:
            err("village", hit[1])
            record["village"] = None


# kinds whose parsed value depends on the cell alone and repeats across rows (see RowValidator.plan); values are
# shared between rows, so nothing downstream may mutate them (canonical() builds new values from them)
CACHED_KINDS = frozenset({"text", "name", "phone", "choice", "month", "date", "money", "money_or_tick", "ethnicity", "category", "health", "guardian_health", "village"})
CACHE_LIMIT = 50_000  # distinct values per column
EMPTY_VALUE = {"text": "", "name": "", "phone": ""}  # parsed value of an empty cell, by kind (others: None)


def _birth(value, record):
    date = record.get("birth_date")
    return (date, bool(record.get("birth_day_unknown"))) if isinstance(date, dt.date) else None


def _category(value, record):
    cats, _detail = value or ([], "")
    return "、".join(CATEGORY_NAMES[c] for c in cats)


def _yes_no(value, record):
    return None if value is None else value == "yes"


_BY_KEY = {
    "birth_date": _birth,
    "category": _category,
    "schooling": lambda v, r: parse_schooling(v),
    "health": lambda v, r: health_tuple(v),
    "guardian_health": lambda v, r: tuple(v) if v else ("", ""),
    "caregiver_name": lambda v, r: tuple(v) if v else ("", ""),
    "caregiver_type": lambda v, r: CAREGIVER_CODES.get(v or "", ""),
    "boarding": _yes_no,
    "hiv": lambda v, r: bool(_yes_no(v, r)),
    "hukou": lambda v, r: v or "unknown",
}
_EMPTY_STRING_KINDS = {"choice", "ethnicity", "name", "phone", "text", "village"}


def converters(columns) -> list[tuple[str, object]]:
    out = []
    for _i, col in columns:
        conv = _BY_KEY.get(col.key)
        if conv is None:
            conv = (lambda v, r: v or "") if col.kind in _EMPTY_STRING_KINDS else None
        out.append((col.key, conv))
    return out


def canonical(record: dict, columns, convs=None) -> dict:
    """Parsed cells → the ledger record (column key → canonical value; see the module docstring)."""
    out: dict = {}
    for key, conv in convs if convs is not None else converters(columns):
        if key not in record:
            continue
        value = record[key]
        out[key] = conv(value, record) if conv is not None else value
    if "category" in record:
        detail = (record["category"] or ([], ""))[1]
        if detail and not record.get("difficulty_type"):
            out["difficulty_type"] = detail
    if "difficulty_type" in out or "category" in out:
        out.setdefault("difficulty_type", "")
    for key in NAME_PHONE.values():  # phones split off a "姓名及电话" cell when the file has no phone column
        if key in record and key not in out:
            out[key] = record[key] or ""
    return out


def health_tuple(health) -> tuple:
    """(health_status, illness_name, disability_type, disability_grade, health_note)."""
    if health is None:
        return ("", "", "", None, "")
    code = HEALTH_CODES[health.code]
    if code in ("serious_illness", "chronic"):
        return (code, health.detail, "", None, "")
    if code == "disability":
        return (code, "", DISABILITY_TYPE_CODES.get(health.kind, ""), health.grade, health.detail)
    return (code, "", "", None, health.detail)


def format_health(value: tuple) -> str:
    code, illness, dtype, grade, note = value
    if not code:
        return ""
    label = {"healthy": "健康", "weak": "一般或较弱", "serious_illness": "重病", "chronic": "慢性病", "disability": "残疾", "other": "其他"}[code]
    if code in ("serious_illness", "chronic"):
        return f"{label}（{illness}）" if illness else label
    if code == "disability":
        inner = f"{DISABILITY_TYPE_NAMES.get(dtype, '')}{'一二三四'[grade - 1] + '级' if grade else ''}"
        if note:
            inner = f"{inner}，{note}" if inner else note
        return f"{label}（{inner}）" if inner else label
    return f"{label}（{note}）" if note else label
