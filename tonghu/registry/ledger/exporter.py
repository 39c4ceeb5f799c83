"""Export a region's ledger to .xlsx (the template's layout) or CSV, masked for the user who asked.

Layout (docs/ledger-format.md): row 1 the title, row 2 the visible watermark (region, who, when, "严禁泄露"),
rows 3–4 the two-row merged headers (group over column; a column without group spans both rows), one child per
row from row 5, then the privacy warning. The page header and footer repeat the watermark on every printed page.
CSV: a first comment line with the watermark, then the two header rows (group titles in the first column of each
group), then the rows; UTF-8 with BOM so that Excel opens it in Chinese.

Masking: ID numbers are masked unless the user holds ``registry.view_id_numbers``; the sensitive columns carry
"受限信息" unless the user holds ``registry.view_sensitive`` (``tonghu.registry.masking``). The exported file
re-imports without changes (the 档案编号 column identifies each file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from tonghu.audit.services import audit_log
from tonghu.core.models import Region
from tonghu.core.reference import ethnicities

from .. import masking
from ..models import CareArrangement, Child
from . import records as R
from .columns import COLUMNS, PRIVACY_WARNING, TITLE, VOCAB, Column
from .conflicts import with_file_versions
from .validate import format_health, format_schooling
from tonghu.core.texts import msg

EXPORT_CAPABILITY = "registry.export_ledger"
LABELS = {
    "sex": {"M": "男", "F": "女"},
    "hukou": {"rural": "农村", "urban": "城镇", "unknown": ""},
    "single_parent": {"": "否", "mother": "单亲母亲家庭", "father": "单亲父亲家庭"},
    "boarding": {True: "寄宿生", False: "非寄宿生", None: ""},
    "hiv": {True: "是", False: "否"},
    "caregiver_type": {"grandparents": "祖父母、外祖父母", "relatives_friends": "亲戚朋友", "none": "无委托人照护", "other": "其他", "": ""},
    "entrust_reason": {k: v[0] for k, v in VOCAB["entrust_reason"].items()} | {"": ""},
    "care_quality": {k: v[0] for k, v in VOCAB["care_quality"].items()} | {"": ""},
}
GUARDIAN_HEALTH = {"healthy": "健康", "unhealthy": "不健康"}


def export_queryset(user, region: Region, *, include_closed: bool = False):
    qs = Child.objects.visible_to(user, EXPORT_CAPABILITY).in_region(region.prefix)
    if not include_closed:
        qs = qs.filter(status="active")
    return qs.order_by("village_id", "name", "id")


def _prefetched(qs):
    related = ["guardians", Prefetch("care_arrangements", queryset=CareArrangement.objects.filter(end__isnull=True)), "assistance"]
    return qs.select_related("village", "village__parent", "household").prefetch_related(*related)


EXPORT_CHUNK = 2000  # children read (with their rows and this year's visits) per batch of queries


def _number(value):
    if value is None:
        return None
    if value is True:
        return "是"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def cells_of(rec: dict, child: Child, *, user, show_ids: bool, show_sensitive: bool, visits=None) -> dict:
    """Ledger record → {column key: cell value} as written to the file."""
    out: dict = {}
    for key, value in rec.items():
        if key == "guardian_health":  # (code, note): 健康 / 不健康（慢性肾病）; the note is kept for either code
            code, note = value
            out[key] = (GUARDIAN_HEALTH[code] + (f"（{note}）" if note else "")) if code else ""
        elif key in LABELS:
            out[key] = LABELS[key].get(value, value if isinstance(value, str) else "")
        elif key == "birth_date":
            date, unknown = value
            out[key] = f"{date:%Y-%m}" if unknown else f"{date:%Y-%m-%d}"
        elif key == "ethnicity":
            out[key] = ethnicities.zh_name(value) if value else ""
        elif key == "schooling":
            out[key] = format_schooling(*value)
        elif key == "health":
            out[key] = format_health(value)
        elif key == "caregiver_name":
            out[key] = " ".join(p for p in value if p)
        elif key == "filed_at":
            out[key] = f"{value:%Y-%m-%d}" if value else ""
        elif key == "id_number":
            out[key] = (value if show_ids else masking.show_id_number(user, value)) if value else ""
        elif key.startswith(("assist_", "family_")) or key == "income_per_head":
            out[key] = _number(value)
        else:
            out[key] = value
    out["file_version"] = getattr(child, "file_version", None)  # ledger/conflicts.py
    out["village"] = child.village.name
    out["township"] = child.village.parent.name if child.village.parent_id else ""
    if not show_sensitive:
        out["hiv"] = out["abuse_history"] = masking.RESTRICTED_ZH
    for q, visit in enumerate(visits or [], start=1):
        if visit:
            out[f"visit_q{q}_date"] = visit.get("date", "")
            out[f"visit_q{q}_problems"] = visit.get("problems", "")
            out[f"visit_q{q}_measures"] = visit.get("measures", "")
    return out


def iter_rows(user, qs, *, today: dt.date) -> Iterator[tuple[Child, dict]]:
    """(child, cells) of every child of ``qs``, read a chunk of :data:`EXPORT_CHUNK` children at a time: the children
    with their related rows, then the chunk's visits of this year in one query (``printing.quarter_visits_of``),
    so that the number of queries does not grow with the number of children."""
    show_ids = masking.can_view_id_numbers(user)
    show_sensitive = masking.can_view_sensitive(user)
    batch: list[Child] = []
    for child in with_file_versions(_prefetched(qs)).iterator(chunk_size=EXPORT_CHUNK):
        batch.append(child)
        if len(batch) >= EXPORT_CHUNK:
            yield from _rows_of(batch, user, today=today, show_ids=show_ids, show_sensitive=show_sensitive)
            batch = []
    if batch:
        yield from _rows_of(batch, user, today=today, show_ids=show_ids, show_sensitive=show_sensitive)


def _rows_of(children: list[Child], user, *, today: dt.date, show_ids: bool, show_sensitive: bool) -> Iterator[tuple[Child, dict]]:
    from ..printing import quarter_visits_of

    visits = quarter_visits_of([c.pk for c in children], today.year)  # empty quarters when no app provides visits
    for child in children:
        rec = R.record_of(child, today=today, sensitive=show_sensitive)
        yield child, cells_of(rec, child, user=user, show_ids=show_ids, show_sensitive=show_sensitive, visits=visits.get(child.pk))


def watermark(user, region: Region, when: dt.datetime) -> str:
    who = getattr(user, "full_name", "") or user.get_username()
    return f"{region.name} · 导出人：{who}（{user.get_username()}） · 导出时间：{timezone.localtime(when):%Y-%m-%d %H:%M} · 本表涉及个人信息，严禁泄露"


def _group_spans(columns: list[Column]) -> list[tuple[int, int, str]]:
    spans, start = [], 0
    for i in range(1, len(columns) + 1):
        if i == len(columns) or columns[i].group != columns[start].group:
            spans.append((start, i - 1, columns[start].group))
            start = i
    return spans


def write_xlsx(fh, user, region: Region, qs, *, progress=None, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    now = now or timezone.now()
    today = today or timezone.localdate()
    columns = COLUMNS
    mark = watermark(user, region, now)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "C5"
    ws.oddHeader.center.text = mark.replace("&", "&&")
    ws.oddFooter.center.text = f"{mark} · 第 &P 页，共 &N 页".replace("&&", "&")
    ws.oddFooter.center.size = 8
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, head_fill = Font(bold=True, size=10), PatternFill("solid", fgColor="E8EEF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def cell(value, *, font=None, fill=None, align=None, edge=None, fmt=None):
        c = WriteOnlyCell(ws, value=value)
        if font:
            c.font = font
        if fill:
            c.fill = fill
        if align:
            c.alignment = align
        if edge:
            c.border = edge
        if fmt:
            c.number_format = fmt
        return c

    last = get_column_letter(len(columns))
    ws.append([cell(TITLE.format(year=today.year), font=Font(bold=True, size=16), align=centre)])
    ws.append([cell(mark, font=Font(size=9, color="C00000"))])
    group_row, leaf_row = [], []
    for i, col in enumerate(columns):
        first_of_group = not col.group or i == 0 or columns[i - 1].group != col.group
        group_row.append(cell((col.group or col.header) if first_of_group else None, font=head_font, fill=head_fill, align=centre, edge=border))
        leaf_row.append(cell(col.header if col.group else None, font=head_font, fill=head_fill, align=centre, edge=border))
    ws.append(group_row)
    ws.append(leaf_row)
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    for start, end, group in _group_spans(columns):
        if group:
            if end > start:
                ws.merged_cells.add(f"{get_column_letter(start + 1)}3:{get_column_letter(end + 1)}3")
        else:
            for i in range(start, end + 1):
                ws.merged_cells.add(f"{get_column_letter(i + 1)}3:{get_column_letter(i + 1)}4")
    count = 0
    for n, (_child, values) in enumerate(iter_rows(user, qs, today=today), start=1):
        values["seq"] = n
        ws.append([cell(values.get(col.key), fmt="@" if col.kind in ("id_number", "phone") else None) for col in columns])
        count = n
        if progress and n % 1000 == 0:
            progress(n)
    ws.append([])
    ws.append([cell(PRIVACY_WARNING, font=Font(bold=True, color="C00000"))])
    ws.append([cell("说明：“档案编号”由系统生成，修改后重新导入时用它找到原档案，请勿改动；新增儿童请留空。"
                    "“档案版本”记录导出时档案的版本，重新导入时用它发现导出后在系统中所做的修改（冲突行不会被覆盖），请勿改动。")])
    wb.save(fh)
    return count


def write_csv(fh, user, region: Region, qs, *, progress=None, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """``fh`` is a text stream; write with ``newline=""`` and the encoding ``utf-8-sig``."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    writer = csv.writer(fh)
    fh.write(f"# {watermark(user, region, now)}\n")
    seen_groups: set[str] = set()
    groups = []
    for col in COLUMNS:
        if col.group and col.group not in seen_groups:
            groups.append(col.group)
            seen_groups.add(col.group)
        elif col.group:
            groups.append("")
        else:
            groups.append(col.header)
    writer.writerow(groups)
    writer.writerow([col.header if col.group else "" for col in COLUMNS])
    count = 0
    for n, (_child, values) in enumerate(iter_rows(user, qs, today=today), start=1):
        values["seq"] = n
        writer.writerow(["" if values.get(col.key) is None else values.get(col.key) for col in COLUMNS])
        count = n
        if progress and n % 1000 == 0:
            progress(n)
    writer.writerow([PRIVACY_WARNING])
    return count


def ledger_export(*, actor, region: Region, fmt: str, fh, include_closed: bool = False, progress=None) -> int:
    """Write the ledger of ``region`` as seen by ``actor`` to ``fh`` (binary for xlsx, text for csv) and audit it."""
    qs = export_queryset(actor, region, include_closed=include_closed)
    now = timezone.now()
    if fmt == "xlsx":
        count = write_xlsx(fh, actor, region, qs, progress=progress, now=now)
    elif fmt == "csv":
        count = write_csv(fh, actor, region, qs, progress=progress, now=now)
    else:
        raise ValueError(fmt)
    audit_log(actor=actor, action="export", object_type="registry.ledger", object_repr=f"{region.name} {fmt}", region_code=region.code,
              summary=msg("导出台账（%(fmt)s）：%(count)s 名儿童", fmt=fmt, count=count),
              changes={"rows": count, "format": fmt, "at": now.isoformat(), "full_id_numbers": masking.can_view_id_numbers(actor),
                       "sensitive": masking.can_view_sensitive(actor), "include_closed": include_closed})
    return count


def csv_bytes(actor, region, **kwargs) -> bytes:
    buf = io.StringIO(newline="")
    ledger_export(actor=actor, region=region, fmt="csv", fh=buf, **kwargs)
    return buf.getvalue().encode("utf-8-sig")
