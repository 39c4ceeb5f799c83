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

Primary keys are reserved up front (PostgreSQL: the table's sequence; SQLite: after MAX(id), inside the import's
write transaction) so that children can point at households and guardians at children without reading back. No
model signals are sent (``bulk_create`` sends none either). Rows made here are plain lists of plain values, so
the forked validators of a big import can make them and pass them back (``importer._validate_slice``).
"""

from __future__ import annotations

from django.db import connection, models
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
        # the forked validators with marshal (importer._validate_slice)
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


def insert_rows(t: _Table, rows: list[list], *, with_pk: bool) -> None:
    """Insert rows made by ``t.row`` (:meth:`_Table.row`): with their pk (``with_pk``), or numbered by the database."""
    if not rows:
        return
    with connection.cursor() as cur:
        raw = getattr(cur, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            # psycopg 3: COPY is ~5x faster than executemany over the client/server round trips
            rest = t.rest_values
            with raw.copy(f"COPY {t.table} ({', '.join(t.columns(with_pk))}) FROM STDIN") as copy:
                if with_pk:
                    for row in rows:
                        copy.write_row(row + rest)
                else:
                    for row in rows:
                        copy.write_row(row[1:] + rest)
        else:
            cur.executemany(t.insert_sql(with_pk), rows if with_pk else [r[1:] for r in rows])
