"""Planner statistics after bulk writes (issue 10, item 18).

A bulk import or the demo loader writes thousands of rows at once, far faster than PostgreSQL's autovacuum (or
nothing, on SQLite) refreshes the statistics the planner chooses plans by. With statistics of an empty table the
planner expects one row and loops over an index for every row it meets (the 应保尽保 gaps page: 186 ms instead
of 11 ms). Whoever writes in bulk calls :func:`analyze` with the tables it wrote, after the rows are in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

# SQLite: rows sampled per index (PRAGMA analysis_limit); enough for the planner's choices, and the ANALYZE of a
# 100 000-row table stays in the milliseconds instead of reading every index whole.
SQLITE_ANALYSIS_LIMIT = 2000


def analyze(tables: Iterable[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh the planner's statistics of ``tables`` (table names; ``None``: the whole database)."""
    conn = connections[using]
    names = [conn.ops.quote_name(t) for t in tables] if tables is not None else None
    if names == []:
        return
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            for name in names or [""]:
                cur.execute(f"ANALYZE {name}".strip())
        elif conn.vendor == "postgresql":
            cur.execute("ANALYZE " + ", ".join(names) if names else "ANALYZE")


def model_tables(*models) -> list[str]:
    return [m._meta.db_table for m in models]
