"""Planner statistics (issue 10, item 18): a bulk import and the demo county refresh them, and the scope and the
region filter do not write the same code range twice (the planner multiplied the two and expected one row)."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.registry.models import Child, Guardian

COUNTY, TOWNSHIP = "451027000000", "451027001000"
_RANGE = re.compile(r"BETWEEN\s+([\w'%]+)\s+AND\s+([\w'%]+)")


def planner_rows(table: str) -> float | None:
    """The row count the planner believes ``table`` has (None: never analysed)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cur.fetchone()[0]
            return None if value < 0 else value
        try:
            cur.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        except DatabaseError:  # no sqlite_stat1 at all: nothing was ever analysed
            return None
        row = cur.fetchone()
        return int(row[0].split()[0]) if row else None


def _repeated_ranges(sql: str) -> list[tuple[str, str]]:
    ranges = _RANGE.findall(sql)
    return [r for r in set(ranges) if ranges.count(r) > 1]


@pytest.mark.django_db
def test_scope_and_region_filter_write_the_range_once(users, make_child):
    officer = users[Role.COUNTY_OFFICER]
    make_child("韦小燕", village="451027001200")
    make_child("李华", village="451027002200")
    scoped = Child.objects.visible_to(officer, "registry.view_children")
    county = scoped.in_region("451027")
    assert len(_RANGE.findall(str(county.query))) == 1 and county.count() == 2
    township = scoped.in_region("451027001")  # narrower than the scope: its own range is added
    assert len(_RANGE.findall(str(township.query))) == 2 and [c.name for c in township] == ["韦小燕"]
    outside = scoped.in_region("533401")  # a region outside the scope adds its range: nothing, as before
    assert outside.count() == 0
    # a union with rows from elsewhere is no longer "within the scope": the region's range is written again
    elsewhere = make_child("扎西", village="533401001200")
    either = scoped | Child.objects.filter(pk=elsewhere.pk)
    assert sorted(c.name for c in either.in_region("451027")) == ["李华", "韦小燕"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("policy_gap_list") + f"?region={COUNTY}", reverse("child_list") + f"?region={COUNTY}"])
def test_county_pages_filtered_to_the_county_repeat_no_range(users, make_child, login, url):
    make_child("韦小燕", village="451027001200")
    client = login(users[Role.COUNTY_OFFICER])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    repeated = {q["sql"]: _repeated_ranges(q["sql"]) for q in queries.captured_queries if _repeated_ranges(q["sql"])}
    assert not repeated


@pytest.mark.django_db
def test_a_bulk_ledger_import_refreshes_planner_statistics(users, world, tmp_path, monkeypatch):
    from tonghu.registry.ledger import importer
    from tonghu.registry.tests.test_ledger_parallel import _ledger

    monkeypatch.setattr(importer, "ANALYZE_MIN_ROWS", 50)  # the 60-row file counts as bulk here
    report = importer.ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=_ledger(tmp_path / "l.xlsx", messy=False))
    assert report.created == 60
    assert planner_rows("registry_child") == 60 and planner_rows("registry_guardian") == Guardian.objects.count() > 0
