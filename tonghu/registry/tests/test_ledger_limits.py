"""Big ledgers (issue 10, item 7): a sheet over ``TONGHU_IMPORT_MAX_ROWS`` rows is refused with a clear message
before any cell is parsed; the rows are counted from the file as a stream; CSV files are read as a stream."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.db import connection  # noqa: F401 - read by a skipif condition
from openpyxl import Workbook

from tonghu.accounts.roles import Role
from tonghu.registry.ledger import reading
from tonghu.registry.ledger.importer import LedgerFileError, count_rows, ledger_import
from tonghu.registry.models import Child

from .test_ledger_import import COUNTY, messy_workbook

HEADER = ["序号", "姓名", "性别", "出生年月", "村（社区）"]


def _names_only_xlsx(path, rows: int, *, write_only: bool = True):
    """Like the 1,048,572-row sheet of the report: a name in every row and nothing else. openpyxl's write-only
    mode writes no ``<dimension>`` (the rows are then counted one by one); the normal mode writes one, as Excel does."""
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet("台账")
    else:
        ws = wb.active
        ws.title = "台账"
    ws.append(HEADER)
    for n in range(rows):
        ws.append([n + 1, f"韦{n}"])
    wb.save(path)
    return path


def _csv(path, rows: int, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for n in range(rows):
            birth = dt.date(2012, 1, 1) + dt.timedelta(days=n)
            out.writerow([n + 1, ("韦小燕", "黄明", "李华")[n % 3], "男女"[n % 2], f"{birth:%Y-%m-%d}", "青山村"])
    return path


def _parsing_forbidden(monkeypatch):
    def parsed(path):
        raise AssertionError("the sheet was parsed before its size was checked")

    monkeypatch.setattr(reading, "_rows_xlsx", parsed)  # the reader of ledger/reading.py (split out of importer.py)
    monkeypatch.setattr(reading, "_rows_csv", parsed)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_sheet_over_the_row_limit_is_refused_before_it_is_parsed(world, users, tmp_path, settings, monkeypatch, kind):
    settings.IMPORT_MAX_ROWS = 100
    path = _names_only_xlsx(tmp_path / "big.xlsx", 150) if kind == "xlsx" else _csv(tmp_path / "big.csv", 150)
    _parsing_forbidden(monkeypatch)
    with pytest.raises(LedgerFileError) as refused:
        ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path)
    assert str(refused.value) == ("文件的表格超过 100 行（单次导入的上限，含表头），未导入任何数据。"
                                  "请按乡镇或村把台账分成几个不超过 100 行的文件，分别导入。")
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_a_sheet_whose_dimension_understates_its_rows_is_refused_while_read(world, users, tmp_path, settings):
    import zipfile

    settings.IMPORT_MAX_ROWS = 100
    real = _names_only_xlsx(tmp_path / "real.xlsx", 150, write_only=False)
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(real) as src, zipfile.ZipFile(forged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert b'<dimension ref="A1:E151"' in data
                data = data.replace(b'<dimension ref="A1:E151"', b'<dimension ref="A1:E51"')
            dst.writestr(item, data)
    assert count_rows(forged, 100) == 51
    with pytest.raises(LedgerFileError, match="文件的表格超过 100 行"):
        ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=forged)
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_a_sheet_at_the_limit_imports(world, users, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 41  # the header and 40 children
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=_csv(tmp_path / "l.csv", 40), confirm_similar=True)
    assert report.written and report.created == 40


@pytest.mark.django_db
def test_the_refusal_reaches_the_job_page(world, users, tmp_path, settings, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tonghu.core.jobs import execute_job, job_start

    settings.IMPORT_MAX_ROWS = 100
    settings.MEDIA_ROOT = tmp_path / "media"
    data = _names_only_xlsx(tmp_path / "big.xlsx", 150).read_bytes()
    job = job_start(kind="ledger_import", user=users[Role.COUNTY_OFFICER], label="导入台账", params={"region": COUNTY, "file_name": "big.xlsx"},
                    input_file=SimpleUploadedFile("big.xlsx", data))
    job = execute_job(str(job.pk))
    assert job.status == "failed" and job.message.startswith("文件的表格超过 100 行")


def test_rows_are_counted_from_the_file(tmp_path):
    assert count_rows(_names_only_xlsx(tmp_path / "a.xlsx", 1234), 10**6) == 1235  # no dimension: its <row> elements
    assert count_rows(_names_only_xlsx(tmp_path / "e.xlsx", 1234, write_only=False), 10**6) == 1235  # the sheet's dimension
    assert count_rows(tmp_path / "e.xlsx", 10**6, dimension=False) == 1235
    assert count_rows(_names_only_xlsx(tmp_path / "b.xlsx", 1234), 100, dimension=False) > 100
    assert count_rows(_csv(tmp_path / "c.csv", 77), 10**6) == 78
    assert count_rows(_csv(tmp_path / "d.csv", 77, encoding="gb18030"), 10**6) == 78
    messy = messy_workbook(tmp_path / "m.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(messy).active
    assert count_rows(messy, 10**6) == sheet.max_row
    assert count_rows(messy, 10**6, dimension=False) == sum(1 for row in sheet.iter_rows() if any(c.value is not None for c in row))


@pytest.mark.django_db
def test_a_gbk_csv_still_imports(world, users, tmp_path):
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=_csv(tmp_path / "g.csv", 12, encoding="gb18030"), confirm_similar=True)
    assert report.written and report.created == 12 and Child.objects.filter(name="韦小燕").count() == 4


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="the test database is in memory: a child process cannot reach it")
def test_a_big_import_job_runs_in_a_child_process(transactional_db, world, users, tmp_path, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tonghu.core.jobs import execute_job, job_start
    from tonghu.registry import handlers_ledger

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(handlers_ledger, "CHILD_PROCESS_MIN_ROWS", 30)  # a 40-row file counts as big here

    def not_here(**kwargs):
        raise AssertionError("the big import ran in the job worker's own process")

    monkeypatch.setattr(handlers_ledger, "ledger_import", not_here)  # the child process imports the real one
    data = _csv(tmp_path / "l.csv", 40).read_bytes()
    job = job_start(kind="ledger_import", user=users[Role.COUNTY_OFFICER], label="导入台账",
                    params={"region": COUNTY, "file_name": "l.csv", "confirm_similar": True}, input_file=SimpleUploadedFile("l.csv", data))
    job = execute_job(str(job.pk))
    assert job.status == "succeeded", job.message
    assert job.message.startswith("导入完成：新建 40") and Child.objects.count() == 40
