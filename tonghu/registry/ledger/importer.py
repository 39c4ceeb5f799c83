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

The parts (this module drives them; their public names stay importable from here):

* ``reading``    – the sheet's rows (calamine / openpyxl / CSV stream), the early size check, rows that are not data;
* ``validating`` – cells → records, errors and insert rows, in this process or in forked ones;
* ``matching``   – pass 1's database part per chunk: duplicates, the duplicate guard, updates and conflicts, the spill;
* ``writing``    – pass 2: inserts through ``bulk``, updates with their audit entries, the facts-changed event;
* ``report``     – :class:`ImportReport` and :class:`LedgerFileError`.

Nothing here knows about jobs or HTTP; the job handler (``registry/handlers_ledger.py``), the command and the tests
call :func:`ledger_import` with a ``progress(done, total, message)`` callable.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.dbstats import analyze, model_tables

from .. import masking
from ..models import Assistance, CareArrangement, Child, Guardian, Household, StatusChange
from . import parsing as P
from .matching import _Pass1
from .reading import (  # noqa: F401 - public names of the importer, kept importable from here
    _rows_csv, _rows_openpyxl, _rows_xlsx, _Skip, check_size, count_rows, open_rows,
)
from .report import MAX_STORED_ERRORS, ImportReport, LedgerFileError  # noqa: F401
from .validate import RowValidator, Villages
from .validating import _WORK, _validated, _validated_parallel
from .writing import IMPORT_COLUMNS, _bulk_session, _pass2, _prep_context, _Writer  # noqa: F401
from tonghu.core.texts import msg

CHUNK = 1000
# Files of at least PARALLEL_MIN_ROWS rows are validated by PARALLEL_WORKERS forked processes (slices of
# PARALLEL_SLICE rows) while this process checks the database and writes; smaller files, or when a process pool
# cannot be started, take the single-process path. Both give the same report (test_ledger_parallel.py).
PARALLEL_MIN_ROWS = 5000
PARALLEL_SLICE = 2000
PARALLEL_WORKERS = min(2, os.cpu_count() or 1)
# An import that creates or updates at least this many files refreshes the planner's statistics of the tables it
# wrote (issue 10, item 18); smaller ones are left to autovacuum (PostgreSQL) or the next bulk write.
ANALYZE_MIN_ROWS = 500

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
            validated = _validated_parallel(state.raw_rows, validator, skip, state.ctx, workers=PARALLEL_WORKERS, slice_rows=PARALLEL_SLICE)
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



def region_allowed(user, region) -> bool:
    """The import region must lie inside the user's own region, and the role must hold the capability."""
    from tonghu.core.scoping import in_scope

    return has_capability(user, "registry.import_ledger") and in_scope(user, region.code)
