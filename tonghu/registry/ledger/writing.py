"""Writing a ledger import (pass 2): new files through ``bulk`` (households, children, guardians, care, assistance,
status rows; only the columns in :data:`IMPORT_COLUMNS`), updates through ``records.apply_changes`` with an audit
entry each, one chunk of actions at a time, and the facts-changed event for every file written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.core.events import REASON_IMPORT, facts_changed
from tonghu.core.reference.idnumber import mask_id_number

from .. import masking
from ..models import Assistance, CareArrangement, Child, Guardian, Household, StatusChange
from . import bulk
from . import records as R
from .report import ImportReport, LedgerFileError

if TYPE_CHECKING:
    from .matching import _Pass1

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
    them in the forked validators (``validating._validate_slice``)."""
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
    bulk.insert_rows(tables[Child], children, with_pk=True, fresh=(Household,))
    for model, rows in ((Guardian, guardians), (CareArrangement, care), (Assistance, assistance), (StatusChange, status)):
        bulk.insert_rows(tables[model], rows, with_pk=False, fresh=(Child,))
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

