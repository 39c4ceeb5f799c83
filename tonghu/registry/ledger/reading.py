"""Reading a ledger file: the sheet's rows as tuples (python-calamine; openpyxl as the fallback; CSV as a stream), the
early size check (``IMPORT_MAX_ROWS``) and the rows that are not data (blank, notes, a repeated header)."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from . import parsing as P
from .columns import BY_KEY
from .report import LedgerFileError

_NOTE_PREFIXES = ("说明", "注：", "注:", "填表", "制表", "审核", "#", "备注：")


def _rows_xlsx(path: Path) -> tuple[Iterator[tuple], int | None, Callable]:
    """Rows of the ledger sheet. python-calamine (Rust) reads ~10x faster than openpyxl's read-only mode, which
    stays as the fallback (see docs/benchmarks.md, "Registry")."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the fallback
        return _rows_openpyxl(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        name = next((n for n in names if "台账" in n), names[0])
        sheet = wb.get_sheet_by_name(name)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of all kinds
        raise LedgerFileError(_("无法读取 Excel 文件（%(error)s）。请上传 .xlsx 格式的台账（.xls 请先另存为 .xlsx）。") % {"error": type(exc).__name__}) from exc
    first_col = (sheet.start or (0, 0))[1]
    pad = (None,) * first_col

    def rows():
        # calamine yields rows from the sheet's first row, and columns from the first used column
        for row in sheet.iter_rows():
            yield pad + tuple(row)

    return rows(), sheet.total_height, lambda: None


def _rows_openpyxl(path: Path) -> tuple[Iterator[tuple], int | None, Callable]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of all kinds
        raise LedgerFileError(_("无法读取 Excel 文件（%(error)s）。请上传 .xlsx 格式的台账（.xls 请先另存为 .xlsx）。") % {"error": type(exc).__name__}) from exc
    ws = wb.worksheets[0]
    for sheet in wb.worksheets:  # the first sheet whose name says 台账, else the first
        if "台账" in sheet.title:
            ws = sheet
            break
    try:
        total = ws.max_row
    except Exception:  # noqa: BLE001
        total = None
    return ws.iter_rows(values_only=True), total, wb.close


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030, checked by decoding the file chunk by chunk."""
    import codecs

    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK_BYTES):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise LedgerFileError(_("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV。"))


def _rows_csv(path: Path) -> tuple[Iterator[tuple], int | None, Callable]:
    """Rows of a CSV ledger, read as a stream (issue 10, item 7: the file was held in memory three times over)."""
    encoding = _csv_encoding(path)
    fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the returned callable
    return (tuple(r) for r in csv.reader(fh)), None, fh.close


_CHUNK_BYTES = 1 << 20


def _sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The XML part of the sheet the readers take: the first whose name says 台账, else the first."""
    import html

    book = archive.read("xl/workbook.xml").decode("utf-8")
    sheets = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\b(?:\w+:)?id="([^"]*)"', tag)
        if name and rid:
            sheets.append((html.unescape(name.group(1)), rid.group(1)))
    if not sheets:
        return None
    rid = next((r for n, r in sheets if "台账" in n), sheets[0][1])
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        if re.search(rf'\bId="{re.escape(rid)}"', tag):
            target = re.search(r'\bTarget="([^"]*)"', tag).group(1)
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*(\d*)(?::[A-Z]*(\d+))?\"")


def count_rows(path: Path, limit: int, *, dimension: bool = True) -> int | None:
    """The rows of the ledger's sheet, counted from the file without reading a cell. An .xlsx: the last row of
    the sheet's ``<dimension>`` (the first few KB of its XML) when it has one and ``dimension``, else its ``<row>``
    elements, decompressed as a stream; a CSV: its lines. A stream count stops once past ``limit``. None when the
    file's structure is not what the count expects (the reader then says what is wrong). A dimension that
    understates the rows is caught while reading (:func:`_limited`)."""
    suffix = path.suffix.lower()
    count, tail = 0, b""
    if suffix == ".csv":
        needles = (b"\n",)
        opener = lambda: open(path, "rb")  # noqa: E731
    elif suffix in (".xlsx", ".xlsm"):
        try:
            archive = zipfile.ZipFile(path)
            part = _sheet_part(archive)
        except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError, AttributeError):
            return None
        if part is None or part not in archive.namelist():
            return None
        needles = (b"<row ", b"<row>", b":row ", b":row>")
        opener = lambda: archive.open(part)  # noqa: E731
        if dimension:
            try:
                with archive.open(part) as fh:
                    found = _DIMENSION.search(fh.read(4096))
            except (zipfile.BadZipFile, OSError, EOFError):
                return None
            if found and (found.group(2) or found.group(1)):
                return int(found.group(2) or found.group(1))
    else:
        return None
    keep = max(len(n) for n in needles) - 1
    last = b""
    try:
        with opener() as fh:
            while chunk := fh.read(_CHUNK_BYTES):
                data = tail + chunk
                count += sum(data.count(n) for n in needles)
                tail, last = data[-keep:], chunk[-1:]
                if count > limit:
                    return count
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    if suffix == ".csv" and last not in (b"", b"\n"):
        count += 1  # the last line has no line break
    return count


def _too_many_rows(limit: int) -> LedgerFileError:
    return LedgerFileError(_("文件的表格超过 %(limit)d 行（单次导入的上限，含表头），未导入任何数据。请按乡镇或村把台账分成几个不超过 %(limit)d 行的文件，分别导入。") % {"limit": limit})


def check_size(path: Path) -> int | None:
    """Refuse a sheet of more than ``settings.IMPORT_MAX_ROWS`` rows before anything is parsed; returns the count."""
    from django.conf import settings

    limit = settings.IMPORT_MAX_ROWS
    count = count_rows(path, limit)
    if count is not None and count > limit:
        raise _too_many_rows(limit)
    return count


def _limited(rows: Iterator[tuple], limit: int) -> Iterator[tuple]:
    """The rows, refusing the file at row ``limit + 1`` (a sheet whose dimension said fewer rows than it has)."""
    for n, row in enumerate(rows, start=1):
        if n > limit:
            raise _too_many_rows(limit)
        yield row


def open_rows(path: Path) -> tuple[Iterator[tuple], int | None, Callable]:
    """The sheet's rows (an iterator), their number (or None) and a function that closes the file. A sheet of more
    than ``settings.IMPORT_MAX_ROWS`` rows is refused first (:func:`check_size`)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        from django.conf import settings

        counted = check_size(path)
        rows, total, close = _rows_csv(path) if suffix == ".csv" else _rows_xlsx(path)
        return _limited(rows, settings.IMPORT_MAX_ROWS), counted if counted is not None else total, close
    raise LedgerFileError(_("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件。") % {"suffix": suffix})


def _is_blank(row: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _is_note(row: tuple) -> bool:
    first = next((v for v in row if v is not None and str(v).strip()), None)
    if first is None:
        return False
    text = P.norm_text(first)
    return text.startswith(_NOTE_PREFIXES) or "严禁泄露" in text or "导出人" in text



class _Skip:
    """Rows that are not data: blank, notes under the table, the header repeated (a sheet printed on several pages)."""

    def __init__(self, name_index: int):
        self.name_index = name_index
        self.name_headers = {P.norm_header(t) for t in (BY_KEY["name"].header, *BY_KEY["name"].aliases)}

    def __call__(self, row: tuple) -> bool:
        if _is_blank(row) or _is_note(row):
            return True
        name_cell = row[self.name_index] if self.name_index < len(row) else None
        return isinstance(name_cell, str) and P.norm_header(name_cell) in self.name_headers

