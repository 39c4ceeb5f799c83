"""Import a ledger (.xlsx, or the .csv the exporter writes) into a region: ``ledger_import(...)``.

Two passes, so that 100k rows neither hold a write lock for the whole validation nor need the workbook twice:

1. **Validate** (no write): read the sheet (python-calamine; openpyxl as the fallback); per row parse and check every cell
   (``validate.RowValidator``), then per chunk of 1,000 rows look the ID numbers and file numbers up in the
   database in one query each (duplicate guard), compare rows that match an existing file with its ledger record
   (unchanged / update), and spill the resulting actions to a temporary pickle file. Duplicates inside the file
   are errors on both rows.
2. **Write** (one transaction): unless there were errors and the import is all-or-nothing, replay the actions in
   batches: households, children, guardians, care, assistance and status rows through ``bulk`` (only the columns
   in :data:`IMPORT_COLUMNS` per row, the rest constant); updates go through ``records.apply_changes`` with an
   audit entry each. One audit entry (action ``import``) records the counts.

**Big files** (``PARALLEL_MIN_ROWS`` rows or more, on a machine with two cores or more): forked processes parse
and check the cells, compute the pinyin keys and make the insert rows (``_prepare``) of slices of
``PARALLEL_SLICE`` rows, and send back plain data packed with ``marshal``: a slim record (what the duplicate
guard reads), the errors, the insert rows. This process does the database part of pass 1 and, while every chunk so
far is clean and only creates files, writes each chunk right after checking it (one transaction from the start;
later chunks' look-ups ignore the files this import wrote). A row that matches an existing file is validated
again here for the whole record (``_Pass1.full``). The first error or update stops the early writes; errors at the
end roll them back, and valid-only then writes again from the spill, exactly as the single-process path does
(chunks written early are spilled only for valid-only: all-or-nothing never writes them again). Without a process
pool (a daemonic worker, no ``fork``) the rows are validated here. The cyclic garbage collector is off for the
import. See docs/benchmarks.md ("Registry") for the figures.

Nothing here knows about jobs or HTTP; the job handler (``registry/handlers_ledger.py``), the command and the tests
call :func:`ledger_import` with a ``progress(done, total, message)`` callable.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import marshal
import multiprocessing
import os
import pickle
import re
import tempfile
import zipfile
from collections import deque
from contextlib import contextmanager, nullcontext
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.crypto import blind_index
from tonghu.core.dbstats import analyze, model_tables
from tonghu.core.events import REASON_IMPORT, facts_changed
from tonghu.core.reference.idnumber import mask_id_number

from .. import masking
from ..models import Assistance, CareArrangement, Child, Guardian, Household, StatusChange
from . import bulk
from . import parsing as P
from . import records as R
from .columns import BY_KEY
from .conflicts import row_conflict
from .validate import RowError, RowValidator, Villages
from tonghu.core.texts import msg

CHUNK = 1000
# Files of at least PARALLEL_MIN_ROWS rows are validated by PARALLEL_WORKERS forked processes (slices of
# PARALLEL_SLICE rows) while this process checks the database and writes; smaller files, or when a process pool
# cannot be started, take the single-process path. Both give the same report (test_ledger_parallel.py).
PARALLEL_MIN_ROWS = 5000
PARALLEL_SLICE = 2000
PARALLEL_WORKERS = min(2, os.cpu_count() or 1)
MAX_STORED_ERRORS = 5000
# An import that creates or updates at least this many files refreshes the planner's statistics of the tables it
# wrote (issue 10, item 18); smaller ones are left to autovacuum (PostgreSQL) or the next bulk write.
ANALYZE_MIN_ROWS = 500
_NOTE_PREFIXES = ("说明", "注：", "注:", "填表", "制表", "审核", "#", "备注：")


class LedgerFileError(ValueError):
    """The file as a whole cannot be read (format, header); the message is for the user."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    similar_confirmed: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_headers: list[str] = field(default_factory=list)
    ignored_sensitive: list[str] = field(default_factory=list)
    written: bool = False

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def summary(self) -> dict:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected_rows": self.rejected_rows, "errors": self.error_count, "written": self.written, "similar_confirmed": self.similar_confirmed,
            "unknown_headers": self.unknown_headers[:50], "ignored_sensitive": self.ignored_sensitive,
        }


# --- reading ---------------------------------------------------------------------------------------------
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


# --- the import -------------------------------------------------------------------------------------------
def ledger_import(*, actor, region, path, valid_only: bool = False, confirm_similar: bool = False, progress: Callable | None = None,
                  file_name: str = "", today: dt.date | None = None, overwrite_rows=()) -> ImportReport:
    """Import ``path`` into ``region``: see :func:`_ledger_import`. The cyclic garbage collector is off meanwhile: an
    import allocates millions of small acyclic objects, and each full collection walked all of them (and, in the
    forked validators, touched every inherited page); a tenth of the import's time went to it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _ledger_import(actor=actor, region=region, path=path, valid_only=valid_only, confirm_similar=confirm_similar,
                              progress=progress, file_name=file_name, today=today, overwrite_rows=overwrite_rows)
    finally:
        if enabled:
            gc.enable()


def _ledger_import(*, actor, region, path, valid_only: bool = False, confirm_similar: bool = False, progress: Callable | None = None,
                   file_name: str = "", today: dt.date | None = None, overwrite_rows=()) -> ImportReport:
    """Import ``path`` into ``region`` (a county, township or village the actor's region contains).

    ``confirm_similar``: the user has checked that new rows whose name (or pinyin) and birth date match a file in the
    county are other children (the duplicate guard's "warn and ask"); without it such rows are errors.
    ``overwrite_rows``: row numbers the user chose to write although their file changed after the export (a
    conflict, ledger/conflicts.py); every other conflicting row is an error.
    Returns the report; ``report.written`` says whether anything was written. Raises :class:`LedgerFileError`
    when the file cannot be read at all (wrong format, no header, a required column missing).
    """
    path = Path(path)
    today = today or timezone.localdate()
    progress = progress or (lambda *a, **k: None)
    report = ImportReport()
    can_sensitive = masking.can_view_sensitive(actor) if getattr(actor, "is_authenticated", False) else True
    villages = Villages.for_region(region)
    rows, total, close = open_rows(path)
    spill = tempfile.TemporaryFile()
    try:
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= 15:
                break
        try:
            start, mapping, unknown, written = P.match_headers(head)
        except P.HeaderError as exc:
            raise LedgerFileError(str(exc)) from exc
        report.unknown_headers = unknown
        validator = RowValidator(mapping, villages, can_sensitive=can_sensitive, today=today, headers=written)
        report.ignored_sensitive = validator.ignored_sensitive
        estimated = max((total or 0) - start, 0)
        progress(0, estimated, _("正在校验…"), force=True)

        state = _Pass1(report, region, actor, spill, today, can_sensitive)
        state.confirm_similar = confirm_similar
        state.overwrite_rows = {int(r) for r in overwrite_rows or ()}
        state.valid_only = valid_only
        state.ctx = _prep_context(state, user=actor if getattr(actor, "is_authenticated", False) else None, today=today)

        def data_rows():
            for i, row in enumerate(head[start:], start=start + 1):
                yield i, row
            for i, row in enumerate(rows, start=len(head) + 1):
                yield i, row

        name_index = next(i for i, k in mapping.items() if k == "name")
        skip = _Skip(name_index)
        parallel = estimated >= PARALLEL_MIN_ROWS and PARALLEL_WORKERS > 1
        state.pipeline = parallel
        state.validator = validator
        writer = _Writer(report, state, actor=actor, today=today, progress=progress)
        if parallel:
            state.raw_rows = list(data_rows())
            validated = _validated_parallel(state.raw_rows, validator, skip, state.ctx)
        else:
            validated = _validated(data_rows(), validator, skip, state.ctx)
        # With the parallel path this process would wait for the validators; instead it writes each clean chunk of
        # new files as soon as it is checked, in the import's one transaction. The first error (or a row that
        # updates an existing file) stops that; at the end, errors roll the early writes back and the import
        # continues exactly as on the single-process path (see _Pass1.pipeline).
        finished = False
        try:
            with transaction.atomic() if parallel else nullcontext():
                with _bulk_session() if parallel else nullcontext():
                    buffer = []
                    row_number = 0
                    for item in validated:
                        buffer.append(item)
                        row_number = item[0]
                        if len(buffer) >= CHUNK:
                            _check(state, buffer, validator, writer)
                            buffer = []
                            progress(report.rows, max(estimated, report.rows), _("正在校验第 %(n)d 行…") % {"n": row_number})
                    if buffer:
                        _check(state, buffer, validator, writer)
                    state.finish()
                    report.rejected_rows = len(state.bad_rows)
                    progress(report.rows, report.rows, _("校验完成：%(rows)d 行，%(errors)d 处错误") % {"rows": report.rows, "errors": report.error_count}, force=True)
                    if parallel and not report.error_count:
                        _pass2(report, state, writer, skip=state.written)
                        finished = True
                if parallel and report.error_count and state.written:
                    transaction.set_rollback(True)  # the early writes go; valid_only writes again below
        except IntegrityError as exc:
            raise LedgerFileError(_("写入时发现重复的身份证号码（可能有人在导入期间新建了同一名儿童的档案），未写入任何数据，请重新导入。")) from exc
        finally:
            validated.close()  # stops the process pool when the loop ended early
            _WORK.clear()
        if not finished:  # early writes (if any) were rolled back
            report.created = report.updated = 0
            state.created_ids.clear()
            state.created_floor = None

        if report.error_count and not valid_only:
            audit_log(actor=actor, action="import", object_type="registry.ledger", object_repr=file_name or path.name, region_code=region.code,
                      summary=msg("导入台账未通过校验，未写入任何数据"), changes=report.summary())
            return report
        if not finished:
            _pass2(report, state, _Writer(report, state, actor=actor, today=today, progress=progress))
        report.written = True
        with transaction.atomic():
            audit_log(actor=actor, action="import", object_type="registry.ledger", object_repr=file_name or path.name, region_code=region.code,
                      summary=msg("导入台账：新建 %(c)d，更新 %(u)d，未变 %(n)d，出错行 %(e)d", c=report.created, u=report.updated, n=report.unchanged, e=report.rejected_rows),
                      changes=report.summary())
        if report.created + report.updated >= ANALYZE_MIN_ROWS:
            analyze(model_tables(Child, Household, Guardian, CareArrangement, Assistance, StatusChange))
        return report
    finally:
        close()
        spill.close()


class _Pass1:
    """Cross-row state of the validation pass (duplicates, database look-ups) and the spill of actions."""

    def __init__(self, report: ImportReport, region, actor, spill, today, can_sensitive):
        self.report, self.region, self.actor, self.spill, self.today = report, region, actor, spill, today
        self.can_sensitive = can_sensitive
        self.prefix = region.prefix
        self.seen_id: dict[str, int] = {}
        self.seen_file: dict[int, int] = {}
        self.seen_person: dict[tuple, int] = {}
        self.bad_rows: set[int] = set()
        self.pending_errors: list[RowError] = []
        self.chunks = 0
        self.offsets: list[int | None] = []  # where each chunk's actions start in the spill (None: not spilled)
        self.valid_only = False
        self.overwrite_rows: set[int] = set()  # rows the user chose to write despite a conflict
        self.overwritten: set[int] = set()  # those of them that were conflicts
        self.raw_rows: list = []  # (row number, cells) of every row, when validated by forked processes (see full())
        self.validator: RowValidator | None = None
        self.last_actions: list[tuple] = []
        # early writes (parallel path): on while every chunk so far is clean and only creates files
        self.pipeline = False
        self.written = 0  # chunks already written (a prefix of the spill)
        self.created_ids: set[int] = set()  # children this import created so far: not "existing" for later chunks
        self.created_floor: int | None = None  # the first of them (SQLite: every earlier file has a smaller id)

    def _err(self, row: int, label: str, value, message: str) -> None:
        self.report.add_error(RowError(row, label, "" if value is None else str(value), message))
        self.bad_rows.add(row)

    def chunk(self, buffer: list, validator: RowValidator) -> None:
        report = self.report
        ids = [rec.get("id_number") for _n, rec, _e, _p in buffer if rec.get("id_number")]
        file_nos = [rec.get("file_no") for _n, rec, _e, _p in buffer if rec.get("file_no")]
        created = self.created_ids
        index = {blind_index(n): n for n in ids}  # ID numbers are encrypted: look them up by their keyed index
        by_id = {index[b]: (pk, v) for b, pk, v in _lookup("id_number_bidx", list(index), "id_number_bidx, id, village_id") if pk not in created}
        by_pk = {pk: v for pk, v in _lookup("id", file_nos, "id, village_id") if pk not in created}
        id_label, file_label = validator.label("id_number"), validator.label("file_no") if "file_no" in validator.index else ""
        id_word, file_word = _("身份证号码"), _("档案编号")
        actions: list[tuple] = []
        targets: dict[int, int] = {}  # row -> existing pk
        by_id_only: set[int] = set()
        for row, rec, errors, prep in buffer:
            report.rows += 1
            for e in errors:
                report.add_error(e)
            if errors:
                self.bad_rows.add(row)
            number, file_no = rec.get("id_number"), rec.get("file_no")
            # duplicates inside the file: both rows are wrong
            for key, seen, label, what in ((number, self.seen_id, id_label, id_word), (file_no, self.seen_file, file_label, file_word)):
                if not key:
                    continue
                first = seen.get(key)
                if first is None:
                    seen[key] = row
                else:
                    shown = key
                    self._err(row, label, shown, _("与第 %(other)d 行的%(what)s重复：同一名儿童只能有一行") % {"other": first, "what": what})
                    self._err(first, label, shown, _("与第 %(other)d 行的%(what)s重复：同一名儿童只能有一行") % {"other": row, "what": what})
            if not number and rec.get("name") and rec.get("birth_date") and rec.get("village"):
                person = (rec["name"], rec["birth_date"][0], rec["village"])
                first = self.seen_person.get(person)
                if first is None:
                    self.seen_person[person] = row
                else:
                    label = validator.label("name")
                    self._err(row, label, rec["name"], _("与第 %(other)d 行姓名、出生日期、村（社区）都相同，疑似重复行") % {"other": first})
                    self._err(first, label, rec["name"], _("与第 %(other)d 行姓名、出生日期、村（社区）都相同，疑似重复行") % {"other": row})
            if row in self.bad_rows:
                continue
            # the file number: an existing file in this region
            if file_no:
                found = by_pk.get(file_no)
                if found is None or not found.startswith(self.prefix):
                    self._err(row, file_label, file_no, _("档案编号 %(n)s 不存在或不在本次导入的区域内；新儿童请留空") % {"n": file_no})
                    continue
                targets[row] = file_no
            # the duplicate guard on the ID number
            if number and number in by_id:
                pk, village = by_id[number]
                if not village.startswith(self.prefix) and not (file_no and pk == file_no):
                    self._err(row, id_label, number, _contact_message(village))
                    continue
                if file_no and pk != file_no:
                    self._err(row, id_label, number, _("该身份证号码已属于另一份档案（档案编号 %(pk)d），与本行的档案编号 %(n)d 不符") % {"pk": pk, "n": file_no})
                    continue
                if not file_no:
                    targets[row] = pk
                    by_id_only.add(row)
            if row not in targets:
                actions.append(("create", row, rec, prep))
        # compare rows that match an existing file with its ledger record
        if targets:
            existing = {c.pk: c for c in _load(targets.values())}
            recs = {row: rec for row, rec, _e, _p in buffer}
            for row, pk in targets.items():
                child = existing[pk]
                old = R.record_of(child, today=self.today, sensitive=self.can_sensitive)
                recs[row] = self.full(row, recs[row])
                changes = R.differences(old, recs[row])
                if not changes:
                    report.unchanged += 1
                elif row in by_id_only:
                    number = recs[row]["id_number"]
                    self._err(row, id_label, number,
                              _("身份证号码已有档案：%(name)s（%(village)s，档案编号 %(pk)d），不能重复建档。如要用本行更新该档案，请在“档案编号”列填写 %(pk)d")
                              % {"name": child.name, "village": child.village.name, "pk": pk})
                elif (conflict := row_conflict(child, recs[row], changes, row)) and row not in self.overwrite_rows:
                    self._err(row, file_label or validator.label("name"), pk, conflict)  # changed after the export
                else:
                    if conflict:
                        self.overwritten.add(row)  # the user's explicit choice (see ledger_import)
                    actions.append(("update", row, recs[row], pk))
        actions = self._similar(actions, validator)
        self.chunks += 1
        self.last_actions = actions

    def full(self, row: int, rec: dict) -> dict:
        """The whole ledger record of a row: a row validated by a forked process comes back slim (:data:`_SLIM`);
        the few that match an existing file are validated again here, from the cells kept in :data:`_WORK`."""
        if not rec.get("_slim"):
            return rec
        items = self.raw_rows
        return self.validator.validate(row, items[row - items[0][0]][1])[0]

    def spill_last(self, keep: bool = True) -> None:
        """Keep the last chunk's actions for pass 2 (``keep=False``: it was written and can never be written again)."""
        self.offsets.append(self.spill.tell() if keep else None)
        if keep:
            pickle.dump(self.last_actions, self.spill, protocol=pickle.HIGHEST_PROTOCOL)

    def _similar(self, actions: list[tuple], validator: RowValidator) -> list[tuple]:
        """Duplicate guard, second half: a new row whose name or pinyin and birth date match a file in the county.

        Without ``confirm_similar`` the row is an error naming the file when the user may see it, and saying only
        that one exists (and whom to ask) when it lies outside the user's region."""
        creates = [a for a in actions if a[0] == "create" and a[2].get("name") and a[2].get("birth_date")]
        if not creates:
            return actions
        county = self.region.code[:6]
        names = {a[2]["name"] for a in creates}
        pinyins = {_name_keys(n)[0] for n in names} - {""}
        dates = {a[2]["birth_date"][0] for a in creates}
        found: dict[tuple, list] = {}
        # raw SQL: the ORM's preparation of three IN lists of up to 1,000 values each cost more than the query
        adapt = connection.ops.adapt_datefield_value
        sql = (f"SELECT id, name, name_pinyin, birth_date, village_id FROM {Child._meta.db_table}"
               f" WHERE village_id BETWEEN %s AND %s AND status <> 'closed' AND birth_date IN ({', '.join(['%s'] * len(dates))})"
               f" AND (name IN ({', '.join(['%s'] * len(names))})" + (f" OR name_pinyin IN ({', '.join(['%s'] * len(pinyins))}))" if pinyins else ")"))
        params = [county + "000000", county + "999999", *(adapt(d) for d in dates), *names, *pinyins]
        if self.created_floor is not None and connection.vendor == "sqlite":
            # the files this import already wrote do not count (filtered below); saying so lets SQLite search the
            # birth-date index below that id instead of scanning the county's files once per chunk
            sql += " AND id < %s"
            params.append(self.created_floor)
        with connection.cursor() as cur:
            cur.execute(sql + " LIMIT 5000", params)
            rows = cur.fetchall()
        for pk, name, pinyin, birth, village in rows:
            if pk in self.created_ids:
                continue
            if isinstance(birth, str):  # SQLite without the ORM's converters
                birth = dt.date.fromisoformat(birth)
            found.setdefault((name, birth), []).append((pk, village))
            found.setdefault((pinyin, birth), []).append((pk, village))
        if not found:
            return actions
        label = validator.label("name")
        visible = self.prefix
        kept = []
        for action in actions:
            if action[0] != "create" or not action[2].get("name") or not action[2].get("birth_date"):
                kept.append(action)
                continue
            rec = action[2]
            birth = rec["birth_date"][0]
            matches = {m for key in ((rec["name"], birth), (_name_keys(rec["name"])[0], birth)) for m in found.get(key, ())}
            if not matches:
                kept.append(action)
                continue
            if self.confirm_similar:
                self.report.similar_confirmed += 1
                kept.append(action)
                continue
            inside = sorted(pk for pk, village in matches if village.startswith(visible))
            if inside:
                message = _("本辖区已有姓名（或拼音）和出生日期相同的档案（档案编号 %(pks)s），请核实是否同一名儿童：是则在“档案编号”列填写该编号；确认是另一名儿童，请勾选“同名同出生日期的儿童已核实不是同一人”后重新导入") % {"pks": "、".join(map(str, inside[:5]))}
            else:
                message = _("本县其他辖区已有姓名（或拼音）和出生日期相同的档案，请与县级民政部门核实；确认是另一名儿童，请勾选“同名同出生日期的儿童已核实不是同一人”后重新导入")
            self._err(action[1], label, rec["name"], message)
        return kept

    def finish(self) -> None:
        self.report.errors.sort(key=lambda e: e.row)

    def replay(self, skip: int = 0) -> Iterator[list[tuple]]:
        if skip >= self.chunks:
            return
        assert None not in self.offsets[skip:], "replaying a chunk that was not spilled"
        self.spill.seek(self.offsets[skip])
        for _i in range(skip, self.chunks):
            yield [a for a in pickle.load(self.spill) if a[1] not in self.bad_rows]


def _check(state: _Pass1, buffer: list, validator: RowValidator, writer: "_Writer") -> None:
    """Pass 1 for one chunk; on the parallel path, also write it while it is clean and only creates files."""
    state.chunk(buffer, validator)
    if state.pipeline and (state.report.error_count or any(a[0] != "create" for a in state.last_actions)):
        state.pipeline = False
    if not state.pipeline:
        state.spill_last()
        return
    # Written now. Only valid-only needs it again: a later error rolls the early writes back and the valid rows
    # are written again from the spill; all-or-nothing then writes nothing at all.
    state.spill_last(keep=state.valid_only)
    writer.write(state.last_actions)
    state.written = state.chunks


# --- validating rows (one process, or a pool of forked ones) -----------------------------------------------
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


def _validated(rows, validator: RowValidator, skip: _Skip, ctx: dict) -> Iterator[tuple]:
    """``(row number, record, errors, insert rows)`` of each data row; insert rows (:func:`_prepare`) only when the
    row has no errors."""
    for row_number, row in rows:
        if skip(row):
            continue
        rec, errors = validator.validate(row_number, row)
        yield row_number, rec, errors, (None if errors else _prepare(rec, row_number, ctx))


_WORK: dict = {}  # what forked validators inherit: the rows, the validator, the row filter, the language, the context
# what the importing process reads of a record validated by a forked process (the duplicate guard); a row that
# matches an existing file is validated again there for the whole record (_Pass1.full)
_SLIM = ("id_number", "file_no", "name", "birth_date", "village")


def _validate_slice(bounds: tuple[int, int]) -> bytes:
    """In a forked process: validate rows ``start:end``, make the insert rows of the clean ones and compute the
    pinyin keys of their names. What goes back is plain data packed with ``marshal`` (3x faster to unpack than
    pickle): per row its number, a slim record (:data:`_SLIM`, the birth date as an ordinal), its errors as tuples
    and its insert rows. Unpacking that costs the importing process less than making the insert rows itself."""
    if _WORK.get("language"):
        translation.activate(_WORK["language"])
    items, validator, skip, ctx = _WORK["items"], _WORK["validator"], _WORK["skip"], _WORK["ctx"]
    out, keys = [], {}
    for row_number, rec, errors, prep in _validated(items[bounds[0]:bounds[1]], validator, skip, ctx):
        slim = {k: rec[k] for k in _SLIM if k in rec}
        slim["_slim"] = True
        birth = slim.get("birth_date")
        if birth is not None:
            slim["birth_date"] = (birth[0].toordinal(), birth[1])
        out.append((row_number, slim, [astuple(e) for e in errors], prep))
        name = rec.get("name")
        if name and isinstance(name, str):
            for n in {name, name.strip()}:
                if n not in keys:
                    keys[n] = _name_keys(n)
    return marshal.dumps((out, keys))


def _validated_parallel(rows, validator: RowValidator, skip: _Skip, ctx: dict) -> Iterator[tuple]:
    """The rows validated by a pool of forked processes, in row order; in this process when no pool can be
    started (a daemonic process, a platform without ``fork``)."""
    items = rows if isinstance(rows, list) else list(rows)
    _WORK.update(items=items, validator=validator, skip=skip, ctx=ctx, language=translation.get_language())
    try:
        pool = multiprocessing.get_context("fork").Pool(PARALLEL_WORKERS)
    except (ValueError, OSError, AssertionError):  # no fork here; daemonic processes may not have children
        _WORK.clear()
        yield from _validated(iter(items), validator, skip, ctx)
        return
    try:
        slices = deque((i, min(i + PARALLEL_SLICE, len(items))) for i in range(0, len(items), PARALLEL_SLICE))
        pending: deque = deque()
        while slices or pending:
            while slices and len(pending) < 2 * PARALLEL_WORKERS + 1:  # bounded read-ahead (memory)
                pending.append(pool.apply_async(_validate_slice, (slices.popleft(),)))
            out, keys = marshal.loads(pending.popleft().get())
            _KEYS.update(keys)
            for row_number, slim, errors, prep in out:
                birth = slim.get("birth_date")
                if birth is not None:
                    slim["birth_date"] = (dt.date.fromordinal(birth[0]), birth[1])
                yield row_number, slim, [RowError(*e) for e in errors], prep
    finally:
        pool.terminate()
        pool.join()
        _WORK.clear()


def _lookup(column: str, values: list, select: str) -> list[tuple]:
    """``SELECT select FROM registry_child WHERE column IN values`` without the ORM (whose per-value preparation
    of a 1,000-value IN list cost a tenth of the import's own time)."""
    if not values:
        return []
    with connection.cursor() as cur:
        cur.execute(f"SELECT {select} FROM {Child._meta.db_table} WHERE {column} IN ({', '.join(['%s'] * len(values))})", list(values))
        return cur.fetchall()


def _contact_message(village_code: str) -> str:
    from tonghu.core.models import Region

    county = Region.objects.filter(code=village_code[:6] + "000000").first()
    name = county.name if county else village_code[:6]
    return _("该身份证号码已在%(county)s建立儿童档案，不能重复建档。如儿童已迁入本地，请联系%(county)s民政局办理档案转移") % {"county": name}


def _load(pks) -> list[Child]:
    return list(
        Child.objects.filter(pk__in=list(pks)).select_related("village", "household").prefetch_related(
            "guardians", Prefetch("care_arrangements", queryset=CareArrangement.objects.filter(end__isnull=True)), "assistance"
        )
    )


_KEYS: dict[str, tuple[str, str]] = {}  # name -> pinyin keys (computed here, or by the parallel validators)


def _name_keys(name: str) -> tuple[str, str]:
    found = _KEYS.get(name)
    if found is None:
        from ..pinyin import name_keys

        if len(_KEYS) >= 400_000:
            _KEYS.clear()
        found = _KEYS[name] = name_keys(name)
    return found


class _Writer:
    """Pass 2 for one chunk of actions at a time (households carry over between chunks)."""

    def __init__(self, report: ImportReport, state: _Pass1, *, actor, today: dt.date, progress: Callable):
        self.report, self.state, self.actor, self.today, self.progress = report, state, actor, today, progress
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.households: dict = {}
        self.done = 0

    @property
    def ctx(self) -> dict:
        return self.state.ctx

    def write(self, actions: list[tuple]) -> None:
        report, state, user, today = self.report, self.state, self.user, self.today
        creates = [a for a in actions if a[0] == "create"]
        updates = [a for a in actions if a[0] == "update"]
        changed: list[int] = []
        if creates:
            changed += _create(creates, state, self.households, self.ctx)
            report.created += len(creates)
        if updates:
            existing = {c.pk: c for c in _load(a[3] for a in updates)}
            for _kind, row, rec, pk in updates:
                child = existing[pk]
                old = R.record_of(child, today=today, sensitive=state.can_sensitive)
                changes = R.differences(old, rec)
                version = child.version
                audit = _masked(R.apply_changes(child, changes, rec, actor=user, today=today))
                if child.version != version:
                    audit["version"] = [version, child.version]
                summary = _("台账导入更新档案（第 %(row)d 行）") % {"row": row}
                if row in state.overwritten:
                    summary += _("，用户确认以文件内容覆盖导出后的修改")
                audit_log(actor=self.actor, action="update", obj=child, summary=summary, changes=audit)
                report.updated += 1
                changed.append(pk)
        # Classification and schedules follow after the import's transaction commits (in bulk, see core.events).
        facts_changed(changed, reason=REASON_IMPORT, actor=user)
        self.done += len(actions)


def _pass2(report: ImportReport, state: _Pass1, writer: _Writer, *, skip: int = 0) -> None:
    """Write the spilled actions (from chunk ``skip`` on: the parallel path wrote the first ones already)."""
    to_write = report.rows - report.unchanged - len(state.bad_rows)
    progress = writer.progress
    progress(writer.done, max(to_write, writer.done, 0), _("正在写入…"), force=True)
    try:
        with transaction.atomic(), _bulk_session():
            for actions in state.replay(skip):
                writer.write(actions)
                progress(writer.done, max(to_write, writer.done), _("正在写入…"))
    except IntegrityError as exc:
        raise LedgerFileError(_("写入时发现重复的身份证号码（可能有人在导入期间新建了同一名儿童的档案），未写入任何数据，请重新导入。")) from exc


@contextmanager
def _bulk_session(kib: int = 262144):
    """Settings for the length of a bulk write (inside its transaction).

    SQLite: the default page cache (2 MB) is far smaller than the indexes a 100k import touches; give this
    connection up to 256 MB (pages are allocated only as used), then restore it. PostgreSQL: check the foreign keys
    row by row (``SET CONSTRAINTS ALL IMMEDIATE``, for this transaction only) instead of all at COMMIT: the same
    work, but done while the validators still run rather than alone at the end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def _prep_context(state: _Pass1, *, user, today: dt.date) -> dict:
    """What :func:`_prepare` needs: the actor, today, the village names, the tables (defaults adapted once)."""
    from tonghu.core.models import Region

    tables = {m: bulk.table(m, given) for m, given in IMPORT_COLUMNS.items()}
    for t in tables.values():
        t.refresh()  # auto_now fields: the time of this import
    return {
        "actor_id": getattr(user, "pk", None), "today": today, "tables": tables,
        "actor_name": ((getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""),
        "village_names": dict(Region.objects.filter(level="village", code__startswith=state.prefix).values_list("code", "name")),
        "household_at": tables[Child].at("household_id"),
        "child_at": {m: tables[m].at("child_id") for m in (Guardian, CareArrangement, Assistance, StatusChange)},
    }


# The columns an import writes, per table; every other column takes its field default (bulk.table). Adding a value
# to records.child_values() & co. means adding its column here (bulk raises KeyError otherwise; tests catch it).
IMPORT_COLUMNS = {
    Household: ("village_id", "head_name", "address", *R.FAMILY_FIELDS.values(), "dibao", "tekun"),
    Child: ("village_id", "household_id", "created_by_id", "updated_by_id", *R.CHILD_SIMPLE.values(), "birth_date", "birth_day_unknown",
            "ledger_category", "schooling_status", "school", "grade", "health_status", "illness_name", "disability_type", "disability_grade",
            "health_note", "name_pinyin", "name_initials"),
    Guardian: ("child_id", "role", "name", "phone", "health", "health_note", "occupation", "relation"),
    CareArrangement: ("child_id", "caregiver_kind", "caregiver_name", "phone", "reason", "quality", "start", "created_by_id"),
    Assistance: ("child_id", "scheme", "amount_month", "description", "start", "created_by_id"),
    StatusChange: ("child_id", "kind", "to_status", "to_village_code", "to_village_name", "date", "reason", "actor_id"),
}


def _prepare(rec: dict, row: int, ctx: dict) -> tuple:
    """The insert rows of one new file, without its ids (the household's and the child's are filled in by
    :func:`_create`): (household key, household, child, guardians, care, assistance, status row). Big imports make
    them in the forked validators (:func:`_validate_slice`)."""
    tables, actor_id, today = ctx["tables"], ctx["actor_id"], ctx["today"]
    key = R.household_key(rec)
    if key is None or key[0] == "row":
        key = ("row", row)  # a household of its own (household_key's id(rec) is not unique across chunks)
    else:  # plain values (marshal; see _validate_slice)
        key = tuple(str(v) if isinstance(v, Decimal) else v for v in key)
    household = tables[Household].row(R.household_values(rec))
    values = R.child_values(rec, actor_id=actor_id, actor_name=ctx["actor_name"], today=today)
    values["name_pinyin"], values["name_initials"] = _name_keys(values["name"].strip())
    child = tables[Child].row(values)
    g, c, a = R.related_values(rec, child_id=None, actor_id=actor_id, today=today)
    status = {"child_id": None, "kind": "created", "to_status": "active", "to_village_code": values["village_id"],
              "to_village_name": ctx["village_names"].get(values["village_id"], ""), "date": today, "reason": "台账导入", "actor_id": actor_id}
    return (key, household, child, [tables[Guardian].row(v) for v in g], [tables[CareArrangement].row(v) for v in c],
            [tables[Assistance].row(v) for v in a], tables[StatusChange].row(status))


def _create(creates: list[tuple], state: _Pass1, households: dict, ctx: dict) -> list[int]:
    """Insert one chunk of new files (households first, then children, then what hangs off them); their ids."""
    preps = [prep if prep is not None else _prepare(rec, row, ctx) for _kind, row, rec, prep in creates]
    new_households: list[list] = []
    household_of: list = []
    for prep in preps:
        key = prep[0]
        index = households.get(key)
        if index is None:
            index = households[key] = ("new", len(new_households))
            new_households.append(prep[1])
        household_of.append(index)
    household_ids = bulk.reserve_ids(Household, len(new_households))
    for pk, values in zip(household_ids, new_households):
        values[0] = pk
    tables = ctx["tables"]
    bulk.insert_rows(tables[Household], new_households, with_pk=True)
    for key, index in list(households.items()):  # later chunks see the saved ids
        if isinstance(index, tuple) and index[0] == "new":
            households[key] = household_ids[index[1]]
    child_ids = bulk.reserve_ids(Child, len(creates))
    state.created_ids.update(child_ids)
    if child_ids and state.created_floor is None:
        state.created_floor = child_ids[0]
    household_at, child_at = ctx["household_at"], ctx["child_at"]
    g_at, c_at, a_at, s_at = (child_at[m] for m in (Guardian, CareArrangement, Assistance, StatusChange))
    children, guardians, care, assistance, status = [], [], [], [], []
    for pk, index, prep in zip(child_ids, household_of, preps):
        child = prep[2]
        child[0] = pk
        child[household_at] = household_ids[index[1]] if isinstance(index, tuple) else index
        children.append(child)
        for rows, at, out in ((prep[3], g_at, guardians), (prep[4], c_at, care), (prep[5], a_at, assistance)):
            for values in rows:
                values[at] = pk
                out.append(values)
        prep[6][s_at] = pk
        status.append(prep[6])
    bulk.insert_rows(tables[Child], children, with_pk=True)
    bulk.insert_rows(tables[Guardian], guardians, with_pk=False)
    bulk.insert_rows(tables[CareArrangement], care, with_pk=False)
    bulk.insert_rows(tables[Assistance], assistance, with_pk=False)
    bulk.insert_rows(tables[StatusChange], status, with_pk=False)
    return list(child_ids)


def _masked(audit: dict) -> dict:
    out = {}
    for key, (old, new) in audit.items():
        if key in ("hiv", "abuse_history"):
            out[key] = [masking.AUDIT_HIDDEN, masking.AUDIT_HIDDEN]
        elif key == "id_number":
            out[key] = [mask_id_number(old) if old else old, mask_id_number(new) if new else new]
        else:
            out[key] = [_plain(old), _plain(new)]
    return out


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def region_allowed(user, region) -> bool:
    """The import region must lie inside the user's own region, and the role must hold the capability."""
    from tonghu.core.scoping import in_scope

    return has_capability(user, "registry.import_ledger") and in_scope(user, region.code)
