"""Fast inserts for the ledger import: rows as lists of the columns the importer writes, one statement per table.

Why not ``bulk_create``: at 100k rows a ledger import writes ~600k rows (child, household, father, mother, care,
assistance, status), and Django spends ~30 µs building each model instance and ~3 µs preparing each of its values
(SQLite also caps a statement at 999 parameters, i.e. 14 children per INSERT).

Here a table is opened with the columns the import *gives* (``table(Guardian, given=[...])``); every other column
takes its field default, the same for every row of the import. A row is a copy of a template list (a slot for the
primary key, then the given columns' adapted defaults) with the row's own values written over it, adapted with the
backend's ``connection.ops`` adapters; the cost is per value given, not per column of the table (a guardian has 50
columns, an import fills 8). The constant columns are not sent per row:

* SQLite: ``executemany`` of one ``INSERT`` whose constant columns are SQL literals, so only the given columns are
  bound (a 50-column guardian row binds 8 values; half the time of binding them all);
* PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3) of the given columns followed by the constant ones.

Foreign keys on PostgreSQL: a ``COPY`` of 620,000 rows makes PostgreSQL run one foreign-key trigger query per
foreign key per row (~1.1 million for a 100k ledger, about half of the server's CPU for the write). When the
database account may (``session_replication_role``: a superuser, or ``GRANT SET ON PARAMETER
session_replication_role`` on PostgreSQL 15+, see docs/deployment.md), the ``COPY`` runs without those triggers and
:func:`check_foreign_keys` checks the same constraints right after it, one query per foreign key and chunk: every
value must exist in the referenced table, and rows of other tables (villages, users) are locked ``FOR KEY SHARE``
exactly as the trigger would lock them, so that nobody deletes them before the import commits. A missing row raises
``IntegrityError`` as the trigger would; nothing else (updates, audit entries) ever runs without the triggers.
Without the privilege the triggers run as before.

Primary keys are reserved up front (PostgreSQL: the table's sequence; SQLite: after MAX(id), inside the import's
write transaction) so that children can point at households and guardians at children without reading back. No
model signals are sent (``bulk_create`` sends none either). Rows made here are plain lists of plain values, so
the forked validators of a big import can make them and pass them back (``validating._validate_slice``).
"""

from __future__ import annotations

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone

from tonghu.core.crypto import BlindIndexField, blind_index


class _Table:
    def __init__(self, model, given=None):
        self.model = model
        meta = model._meta
        self.pk = meta.pk
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        attnames = [f.attname for f in self.fields]
        self.given = list(given) if given is not None else attnames
        unknown = set(self.given) - set(attnames)
        if unknown:
            raise ValueError(f"{meta.label} has no columns {sorted(unknown)}")
        # encrypted columns and blind indexes are made per row (seal_row): a constant would repeat one ciphertext
        self.given += [f.attname for f in self.fields if _is_sealed(f) and f.attname not in self.given]
        self.rest = [a for a in attnames if a not in set(self.given)]
        self.defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = None  # the time of the import: refresh()
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = "" if isinstance(f, (models.CharField, models.TextField)) else None
        ops = connection.ops
        # adapted values are plain str (both backends take text for these columns), so that rows can travel from
        # the forked validators with marshal (validating._validate_slice)
        self.adapter_of = {}
        for f in self.fields:
            if isinstance(f, models.DateTimeField):
                self.adapter_of[f.attname] = lambda v: str(ops.adapt_datetimefield_value(v))
            elif isinstance(f, models.DateField):
                self.adapter_of[f.attname] = _iso_date
            elif isinstance(f, models.DecimalField):
                self.adapter_of[f.attname] = lambda v, f=f: str(ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        qn = ops.quote_name
        column_of = {f.attname: qn(f.column) for f in self.fields}
        self.table = qn(meta.db_table)
        self.pk_column = qn(self.pk.column)
        self.given_columns = [column_of[a] for a in self.given]
        self.rest_columns = [column_of[a] for a in self.rest]
        self.position = {a: i for i, a in enumerate(self.given, start=1)}
        self.sealed = [(self.position[f.attname], f) for f in self.fields if getattr(f, "encrypted", False)]
        self.indexed = [(self.position[f.attname], self.position[f.source]) for f in self.fields if isinstance(f, BlindIndexField)]
        # foreign keys the database enforces, for check_foreign_keys: (attname, referenced model, its column)
        self.foreign_keys = [(f.attname, f.related_model, f.target_field.column) for f in self.fields
                             if f.many_to_one and getattr(f, "db_constraint", False)]
        self.refresh()

    def refresh(self) -> None:
        """Defaults adapted once; auto_now timestamps are the time of this call (of the import)."""
        now = timezone.now()
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
        adapted = {k: (self.adapter_of[k](v) if k in self.adapter_of and v is not None else v) for k, v in self.defaults.items()}
        self.template = [None, *(adapted[a] for a in self.given)]
        self.rest_values = [adapted[a] for a in self.rest]
        self._sql = {}

    def row(self, values: dict, pk=None) -> list:
        """The insert row: ``values`` (given attnames, adapted here) over the defaults, the pk in the first slot.

        A list, so that ids reserved later can be written in place (:meth:`at`); insert it with ``with_pk=True``
        (pk filled) or ``with_pk=False`` (the first slot is dropped and the database numbers the row)."""
        out = self.template.copy()
        out[0] = pk
        position, adapters = self.position, self.adapter_of
        for name, value in values.items():
            if value is not None and name in adapters:
                value = adapters[name](value)
            out[position[name]] = value  # KeyError: a column the table was not opened with
        if self.sealed:
            seal_row(self, out)
        return out

    def at(self, attname: str) -> int:
        """Where ``attname`` sits in a row from :meth:`row`."""
        return self.position[attname]

    def columns(self, with_pk: bool) -> list[str]:
        return ([self.pk_column] if with_pk else []) + self.given_columns + self.rest_columns

    def insert_sql(self, with_pk: bool) -> str:
        """``INSERT`` binding the given columns (and the pk); the constant ones are literals (SQLite)."""
        if with_pk not in self._sql:
            editor = connection.SchemaEditorClass(connection, collect_sql=True)  # only its quote_value(): no DDL here
            literals = [editor.quote_value(v) if v is not None else "NULL" for v in self.rest_values]
            placeholders = ["%s"] * (len(self.given) + with_pk) + literals
            self._sql[with_pk] = f"INSERT INTO {self.table} ({', '.join(self.columns(with_pk))}) VALUES ({', '.join(placeholders)})"
        return self._sql[with_pk]


def _is_sealed(field) -> bool:
    return getattr(field, "encrypted", False) or isinstance(field, BlindIndexField)


def seal_row(t: _Table, out: list) -> None:
    """Encrypt a row's sensitive values in place and compute its blind indexes from the plain values, as the ORM's
    fields would (tonghu.core.crypto): these rows bypass the ORM."""
    for position, source in t.indexed:
        out[position] = blind_index(out[source])
    for position, field in t.sealed:
        out[position] = field.seal(out[position])


def _iso_date(value) -> str:
    return value if isinstance(value, str) else value.isoformat()


_TABLES: dict = {}


def table(model, given=None) -> _Table:
    """The insert plan of ``model`` for rows carrying the columns ``given`` (attnames; all when ``None``)."""
    key = (model, connection.vendor, tuple(given) if given is not None else None)
    if key not in _TABLES:
        _TABLES[key] = _Table(model, given)
    return _TABLES[key]


def reserve_ids(model, n: int) -> list[int]:
    """``n`` new primary keys for ``model``; call inside the import's transaction (which holds the write lock)."""
    if n <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, n])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(meta.pk.column)}), 0) FROM {connection.ops.quote_name(meta.db_table)}")
        start = cur.fetchone()[0]
        if connection.vendor == "sqlite":
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
            found = cur.fetchone()
            if found and found[0] and found[0] > start:
                start = found[0]
        return list(range(start + 1, start + 1 + n))


def insert_rows(t: _Table, rows: list[list], *, with_pk: bool, fresh: tuple = ()) -> None:
    """Insert rows made by ``t.row`` (:meth:`_Table.row`): with their pk (``with_pk``), or numbered by the database.

    ``fresh``: referenced models whose rows this transaction itself inserted (a child's household, a guardian's
    child): checked for existence but not locked, since no other transaction can see them."""
    if not rows:
        return
    with connection.cursor() as cur:
        raw = getattr(cur, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            # psycopg 3: COPY is ~5x faster than executemany over the client/server round trips
            rest = t.rest_values
            untriggered = t.foreign_keys and _triggers_off(cur)
            # the raw cursor's errors as Django's (IntegrityError for a duplicate or a missing row: the importer's
            # message), as the wrapped cursor would raise them
            with connection.wrap_database_errors, raw.copy(f"COPY {t.table} ({', '.join(t.columns(with_pk))}) FROM STDIN") as copy:
                if with_pk:
                    for row in rows:
                        copy.write_row(row + rest)
                else:
                    for row in rows:
                        copy.write_row(row[1:] + rest)
            # (a failed COPY aborts the transaction, and its rollback, to the savepoint that holds it, undoes the SET)
            if untriggered:
                cur.execute("SET LOCAL session_replication_role = origin")
                check_foreign_keys(t, rows, fresh=fresh)
        else:
            cur.executemany(t.insert_sql(with_pk), rows if with_pk else [r[1:] for r in rows])


_REPLICA_OK = "_tonghu_replica_role_ok"  # on the connection: None (not tried), True, False


def _triggers_off(cur) -> bool:
    """``SET LOCAL session_replication_role = replica`` for the next statement when the account may and a transaction
    is open (the setting ends with it, and the caller sets it back right after its ``COPY``); False otherwise."""
    if not connection.in_atomic_block or getattr(connection, _REPLICA_OK, None) is False:
        return False
    try:
        with transaction.atomic():  # a refused SET must not abort the import's transaction
            cur.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # InsufficientPrivilege: not a superuser and no GRANT SET ON PARAMETER
        setattr(connection, _REPLICA_OK, False)
        return False
    setattr(connection, _REPLICA_OK, True)
    return True


def check_foreign_keys(t: _Table, rows: list[list], *, fresh: tuple = ()) -> None:
    """The foreign keys of ``rows`` (just inserted into ``t`` without PostgreSQL's row triggers), checked as the
    triggers would: each distinct value must exist in the referenced table; rows there that this transaction did not
    insert itself are locked ``FOR KEY SHARE`` (a concurrent delete waits for the import's commit)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        for attname, model, column in t.foreign_keys:
            if attname in t.position:
                at = t.position[attname]
                values = {row[at] for row in rows} - {None}
            else:  # a constant column (the field default)
                value = t.rest_values[t.rest.index(attname)]
                values = {value} if value is not None else set()
            if not values:
                continue
            lock = "" if model in fresh else " FOR KEY SHARE"
            cur.execute(f"SELECT {qn(column)} FROM {qn(model._meta.db_table)} WHERE {qn(column)} = ANY(%s){lock}", [list(values)])
            found = {r[0] for r in cur.fetchall()}
            missing = values - found
            if missing:
                raise IntegrityError(f"insert into {t.table} violates the foreign key {attname}: "
                                     f"{sorted(map(str, missing))[:5]} not present in {model._meta.db_table}")
