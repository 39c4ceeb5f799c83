"""Reading a department's roster (xlsx/csv) into :class:`~tonghu.discovery.models.RosterRow` rows.

The file machinery is the ledger importer's (read-only reuse of ``registry.ledger``): the xlsx/csv readers, the
encoding check (UTF-8 or GBK, anything else refused before any work), the row limit counted from the file before
parsing (``settings.IMPORT_MAX_ROWS``), and the tolerant cell parsers. Errors name the row, the column (letter and
header as written), the value and what is wrong. All or nothing: a file with errors writes no row unless the
uploader chose to import the valid rows only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from tonghu.core.reference.idnumber import check_id_number
from tonghu.registry.ledger import parsing as P
from tonghu.registry.ledger.importer import LedgerFileError, open_rows
from tonghu.registry.ledger.validate import RowError
from tonghu.registry.pinyin import name_keys

from .sources import DISABILITY_TYPES, GRADES, columns

MAX_STORED_ERRORS = 500
TRUE_WORDS = {"是", "√", "✓", "y", "yes", "1", "true", "寄宿"}


class RosterFileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    error_rows: set = field(default_factory=set)
    unknown_headers: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, value, message: str) -> None:
        self.error_count += 1
        self.error_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, P.norm_text(value)[:100], message).as_dict())


def _header_map(row: tuple, source: str) -> dict[int, tuple]:
    wanted = {}
    for col in columns(source):
        for header in col.headers:
            wanted.setdefault(P.norm_header(header), col)
    return {i: wanted[P.norm_header(v)] for i, v in enumerate(row) if v is not None and P.norm_header(v) in wanted}


def _date(value) -> dt.date | None:
    month = P.parse_month(value)
    if month is None:
        return None
    if month.ambiguous:
        raise P.CellError(_("日期“%(value)s”有歧义（Excel 把 2015.10 存成了 2015.1），请写成 2015-10-01") % {"value": P.norm_text(value)})
    return month.date


def parse_file(path: Path, *, source: str, county_code: str, villages: dict[str, list[str]] | None = None, progress=None) -> Parsed:
    """Rows of the roster as dicts ready for :class:`RosterRow`, and the errors. ``villages``: {village name: [codes]}
    of the county, to read a 村（社区） column."""
    try:
        rows, total, close = open_rows(Path(path))
    except LedgerFileError as exc:
        raise RosterFileError(str(exc)) from exc
    out = Parsed(total=total or 0)
    try:
        header, start = None, 0
        head_rows = []
        for i, row in enumerate(rows):
            head_rows.append(row)
            mapping = _header_map(row, source)
            if any(c.key == "name" for c in mapping.values()):
                header, start = mapping, i + 1
                out.unknown_headers = [f"{P.column_letter(j)}“{P.norm_text(v)}”" for j, v in enumerate(row)
                                       if v is not None and P.norm_text(v) and j not in mapping]
                break
            if i >= 9:
                break
        if header is None:
            expected = "、".join(c.headers[0] for c in columns(source))
            raise RosterFileError(_("前 10 行中没有找到表头（至少要有“姓名”列）。此类名单的模板列为：%(cols)s（docs/discovery.md）。") % {"cols": expected})
        names = [f"{P.column_letter(j)} {P.norm_text(v)}" for j, v in enumerate(head_rows[-1])]
        for n, row in enumerate(rows, start=start + 1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            rec = _parse_row(row, n, header, names, out, county_code, villages or {})
            if rec is not None:
                out.rows.append(rec)
            if progress and n % 500 == 0:
                progress(n, total)
    finally:
        close()
    return out


def _parse_row(row: tuple, n: int, header: dict, names: list[str], out: Parsed, county: str, villages: dict) -> dict | None:
    rec: dict = {"row_no": n, "details": {}}
    before = out.error_count
    for j, col in header.items():
        value = row[j] if j < len(row) else None
        if P.is_empty(value):
            continue
        try:
            parsed = _cell(col, value, county, villages)
        except P.CellError as exc:
            out.add(n, names[j], value, str(exc))
            continue
        if col.key in {c.key for c in columns("")}:
            rec[col.key] = parsed
        else:
            rec["details"][col.key] = parsed.isoformat() if isinstance(parsed, dt.date) else parsed
    if not rec.get("name"):
        out.add(n, "姓名", "", _("姓名不能为空"))
    raw_id = rec.get("id_number")
    if raw_id:
        check = check_id_number(raw_id, birth=rec.get("birth_date"), sex=rec.get("sex"))
        if check.errors:
            col = next((names[j] for j, c in header.items() if c.key == "id_number"), "身份证号码")
            out.add(n, col, raw_id, "；".join(check.errors))
        else:
            rec["id_number"] = check.normalized
            rec.setdefault("birth_date", check.birth_date)
            rec.setdefault("sex", check.sex)
    if "village" in rec:
        code = rec.pop("village")
        rec.setdefault("region_code", code)
    if out.error_count > before:
        return None
    rec["name_pinyin"], rec["name_initials"] = name_keys(rec["name"])
    rec["details"] = json.dumps(rec["details"], ensure_ascii=False) if rec["details"] else ""
    return rec


def _cell(col, value, county: str, villages: dict):
    kind = col.kind
    if kind == "date":
        return _date(value)
    if kind == "sex":
        text = P.norm_text(value).upper()
        sex = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"}.get(text)
        if sex is None:
            raise P.CellError(_("性别应为“男”或“女”"))
        return sex
    if kind == "id":
        text = P.parse_id_number(value)
        if text == P.MASKED_ID:
            raise P.CellError(_("身份证号码被隐去了中间几位：请提供完整号码，或清空此格"))
        return text
    if kind == "region":
        text = P.norm_text(value).replace(" ", "")
        if not (text.isdigit() and len(text) in (6, 9, 12)):
            raise P.CellError(_("区划代码应为 6、9 或 12 位数字"))
        if not text.ljust(12, "0").startswith(county[:6]):
            raise P.CellError(_("区划代码 %(code)s 不在本县（%(county)s）") % {"code": text, "county": county[:6]})
        return text
    if kind == "village":
        text = P.norm_text(value)
        codes = villages.get(text, [])
        if len(codes) == 1:
            return codes[0]
        if not codes:
            raise P.CellError(_("本县没有名为“%(name)s”的村（社区）；可改填 12 位区划代码") % {"name": text})
        raise P.CellError(_("本县有 %(n)d 个名为“%(name)s”的村（社区），请改填 12 位区划代码") % {"n": len(codes), "name": text})
    if kind == "bool":
        return P.norm_text(value).lower() in TRUE_WORDS
    if kind == "grade":
        grade = GRADES.get(P.norm_text(value))
        if grade is None:
            raise P.CellError(_("残疾等级应为一级至四级"))
        return grade
    if kind == "phone":
        return P.parse_phone(value) or ""
    if col.key == "name":
        name = P.parse_name(value)
        return name or ""
    if col.key == "disability_type":
        text = P.norm_text(value).replace("残疾", "")
        if text not in DISABILITY_TYPES:
            raise P.CellError(_("残疾类别应为：%(v)s") % {"v": "、".join(DISABILITY_TYPES)})
        return DISABILITY_TYPES[text]
    return P.parse_text(value, 200)
