"""Validating the rows of a ledger: in this process, or (big files) in a pool of forked processes that send back plain
data packed with ``marshal``; both give ``(row number, record, errors, insert rows)`` in row order."""

from __future__ import annotations

import datetime as dt
import marshal
import multiprocessing
from collections import deque
from collections.abc import Iterator
from dataclasses import astuple

from django.utils import translation

from .reading import _Skip
from .validate import RowError, RowValidator
from .writing import _KEYS, _name_keys, _prepare

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


def _validated_parallel(rows, validator: RowValidator, skip: _Skip, ctx: dict, *, workers: int, slice_rows: int) -> Iterator[tuple]:
    """The rows validated by a pool of forked processes, in row order; in this process when no pool can be
    started (a daemonic process, a platform without ``fork``)."""
    items = rows if isinstance(rows, list) else list(rows)
    _WORK.update(items=items, validator=validator, skip=skip, ctx=ctx, language=translation.get_language())
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    except (ValueError, OSError, AssertionError):  # no fork here; daemonic processes may not have children
        _WORK.clear()
        yield from _validated(iter(items), validator, skip, ctx)
        return
    try:
        slices = deque((i, min(i + slice_rows, len(items))) for i in range(0, len(items), slice_rows))
        pending: deque = deque()
        while slices or pending:
            while slices and len(pending) < 2 * workers + 1:  # bounded read-ahead (memory)
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

