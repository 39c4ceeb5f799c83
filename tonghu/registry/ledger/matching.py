"""Pass 1's database part, per chunk of rows: duplicates inside the file, the duplicate guard against the files in the
database (ID number, file number, same name and birth date), rows that update an existing file (unchanged / update /
conflict, ledger/conflicts.py), and the spill of the resulting actions for pass 2."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tonghu.core.crypto import blind_index

from ..models import Child
from . import records as R
from .conflicts import row_conflict
from .report import ImportReport
from .validate import RowError, RowValidator
from .writing import _load, _name_keys

def _lookup(column: str, values: list, select: str) -> list[tuple]:
    """``SELECT select FROM registry_child WHERE column IN values`` without the ORM (whose per-value preparation
    of a 1,000-value IN list cost a tenth of the import's own time)."""
    if not values:
        return []
    where, params = _in(column, list(values))
    with _index_friendly() as cur:
        cur.execute(f"SELECT {select} FROM {Child._meta.db_table} WHERE {where}", params)
        return cur.fetchall()


@contextmanager
def _index_friendly():
    """A cursor for the per-chunk look-ups. PostgreSQL: ``random_page_cost = 1.1`` for them (``SET LOCAL``, inside a
    savepoint of their own, so it ends with the import's transaction at the latest). With the default 4.0 (a
    spinning disk's) the planner reads the whole child table for 1,000 ID numbers instead of probing their unique
    index: 190 ms instead of 19 ms per chunk at 50,000 children, and growing with the table (EXPLAIN ANALYZE in
    docs/benchmarks.md, fifth round). The registry's tables are in memory or on SSD wherever tonghu runs."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            yield cur
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL random_page_cost = 1.1")
        yield cur


def _in(column: str, values: list, cast: str = "") -> tuple[str, list]:
    """``column IN (…)`` as SQL and parameters. PostgreSQL: ``column = ANY(%s)`` with one array parameter: a list of
    1,000 parameters cost psycopg ~20 ms to merge into the statement and the server ~15 ms to plan (EXPLAIN ANALYZE,
    docs/benchmarks.md, fifth round); SQLite has no arrays and takes the list."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s{cast})", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _contact_message(village_code: str) -> str:
    from tonghu.core.models import Region

    county = Region.objects.filter(code=village_code[:6] + "000000").first()
    name = county.name if county else village_code[:6]
    return _("该身份证号码已在%(county)s建立儿童档案，不能重复建档。如儿童已迁入本地，请联系%(county)s民政局办理档案转移") % {"county": name}



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
        in_dates, p_dates = _in("birth_date", [adapt(d) for d in dates], "::date[]")
        in_names, p_names = _in("name", list(names))
        sql = (f"SELECT id, name, name_pinyin, birth_date, village_id FROM {Child._meta.db_table}"
               f" WHERE village_id BETWEEN %s AND %s AND status <> 'closed' AND {in_dates} AND ({in_names}")
        params = [county + "000000", county + "999999", *p_dates, *p_names]
        if pinyins:
            in_pinyins, p_pinyins = _in("name_pinyin", list(pinyins))
            sql += f" OR {in_pinyins}"
            params += p_pinyins
        sql += ")"
        if self.created_floor is not None and connection.vendor == "sqlite":
            # the files this import already wrote do not count (filtered below); saying so lets SQLite search the
            # birth-date index below that id instead of scanning the county's files once per chunk
            sql += " AND id < %s"
            params.append(self.created_floor)
        with _index_friendly() as cur:
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

