"""The parallel ledger import (issue 3, item 12; R-B2, R-B3): big files are validated by forked processes while
the importing process writes clean chunks early; the report and what ends up in the database must be exactly
those of the single-process path — errors (rows, columns, messages), all-or-nothing, valid-only, the duplicate
guard — also when an error turns up after chunks were already written."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from tonghu.accounts.roles import Role
from tonghu.core.reference.idnumber import make_id_number
from tonghu.registry.ledger import importer
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household, StatusChange

COUNTY = "451027000000"
VILLAGES = ["青山村", "白石村", "451027001201"]


def _ledger(path, *, messy: bool):
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["2026 年农村留守儿童和困境儿童个人信息台账"])
    ws.append(["序号", "姓名", "性别", "出生年月", "身份证号码", "村（社区）", "健康状况", "低保（元/月）", "父亲", "母亲"])
    rows = []
    for n in range(60):
        birth = dt.date(2010, 1, 1) + dt.timedelta(days=37 * n)
        sex = "MF"[n % 2]
        number = make_id_number("451027", birth, sex, 101 + 2 * n + (0 if sex == "M" else 1))
        name = ("韦", "黄", "李", "覃")[n % 4] + ("小燕", "明", "华", "强", "芳")[n % 5] + ("", "一", "二")[n % 3]
        rows.append([n + 1, name, "男" if sex == "M" else "女", f"{birth:%Y年%m月}", number, VILLAGES[n % 3],
                     ("健康", "慢性病（哮喘）", "残疾（肢体二级）")[n % 3], (None, 300, "350元/月")[n % 3],
                     f"{name[0]}大山 1390776{n:04d}" if n % 4 else None, "罗美 13807760001" if n % 5 == 0 else None])
    if messy:
        rows[44][4] = rows[3][4]  # the same ID number as Excel row 6: both rows wrong, found after early chunks
        rows[50][5] = "黑山村"  # no such village
        rows[52][3] = "2015-13"  # no such month
        # same name and birth date as an earlier row, another child (another ID number): not a duplicate, the
        # earlier row's file written early must not count as "already in the county"
        rows[57][1], rows[57][3] = rows[2][1], rows[2][3]
        rows[57][4] = make_id_number("451027", dt.date(2010, 1, 1) + dt.timedelta(days=37 * 2), "M", 991)
        rows[57][2] = "男"
        rows[58][4] = None  # no ID number: same name, birth date and village as row 61 → both flagged
        rows[59][1], rows[59][3], rows[59][4], rows[59][5] = rows[58][1], rows[58][3], None, rows[58][5]
    for i, row in enumerate(rows):
        ws.append(row)
        if i == 30:
            ws.append([])  # a blank row in the middle
    ws.append(["说明：本表涉及个人信息，要妥善管理，严禁泄露。"])
    wb.save(path)
    return path


def _snapshot():
    children = sorted(Child.objects.values_list("name", "id_number", "birth_date", "village_id", "name_pinyin", "name_initials", "health_status", "household__head_name"))
    related = (Guardian.objects.count(), CareArrangement.objects.count(), Assistance.objects.count(), StatusChange.objects.count(), Household.objects.count())
    return children, related


def _report(report):
    return ([(e.row, e.column, e.value, e.message) for e in report.errors], report.summary())


def _clear():
    Child.objects.all().delete()
    Household.objects.all().delete()


def _run(monkeypatch, users, world, path, *, parallel: bool, **kwargs):
    monkeypatch.setattr(importer, "CHUNK", 8)
    monkeypatch.setattr(importer, "PARALLEL_SLICE", 7)
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
    monkeypatch.setattr(importer, "PARALLEL_WORKERS", 2)
    report = importer.ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path, **kwargs)
    return _report(report), _snapshot()


@pytest.mark.django_db
@pytest.mark.parametrize("valid_only", [False, True])
def test_parallel_import_of_a_messy_file_gives_the_single_process_report(world, users, tmp_path, monkeypatch, valid_only):
    path = _ledger(tmp_path / "台账.xlsx", messy=True)
    single = _run(monkeypatch, users, world, path, parallel=False, valid_only=valid_only)
    _clear()
    parallel = _run(monkeypatch, users, world, path, parallel=True, valid_only=valid_only)
    assert parallel == single
    (errors, summary), (children, _related) = parallel
    assert {e[0] for e in errors} == {6, 48, 54, 56, 62, 63}  # Excel rows (title, header, a blank row after row 34)
    assert summary["written"] is valid_only and summary["rejected_rows"] == 6
    assert len(children) == (54 if valid_only else 0)


@pytest.mark.django_db
def test_parallel_import_of_a_clean_file_writes_what_the_single_process_path_writes(world, users, tmp_path, monkeypatch):
    path = _ledger(tmp_path / "台账.xlsx", messy=False)
    single = _run(monkeypatch, users, world, path, parallel=False)
    assert single[0][1]["created"] == 60 and len(single[1][0]) == 60
    _clear()
    parallel = _run(monkeypatch, users, world, path, parallel=True)
    assert parallel == single
    # importing the same file again: every row matches its file (lookups see the files written before)
    again = _run(monkeypatch, users, world, path, parallel=True)
    assert again[0][1]["unchanged"] == 60 and again[1] == single[1]


@pytest.mark.django_db
def test_parallel_path_falls_back_to_one_process_without_a_pool(world, users, tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("daemonic processes are not allowed to have children")

    path = _ledger(tmp_path / "台账.xlsx", messy=True)
    single = _run(monkeypatch, users, world, path, parallel=False)
    monkeypatch.setattr("multiprocessing.context.ForkContext.Pool", no_pool)
    assert _run(monkeypatch, users, world, path, parallel=True) == single


@pytest.mark.django_db
def test_parallel_import_that_updates_files_gives_the_single_process_result(world, users, tmp_path, monkeypatch):
    """Rows that match an existing file come back from the forked validators slim and are validated again by the
    importing process for the comparison: the updates, the unchanged rows and the "ID number already has a file"
    errors must be exactly those of the single-process path."""
    from openpyxl import load_workbook

    original = _ledger(tmp_path / "台账.xlsx", messy=False)
    _run(monkeypatch, users, world, original, parallel=False)
    file_of = dict(Child.objects.values_list("id_number", "pk"))
    wb = load_workbook(original)
    ws = wb["台账"]
    ws.cell(row=2, column=11, value="档案编号")
    for r in range(3, ws.max_row + 1):
        number, name = ws.cell(row=r, column=5).value, ws.cell(row=r, column=2).value
        if not number or not name or str(name).startswith("说明"):
            continue
        n = int(ws.cell(row=r, column=1).value)
        if n % 3 == 0:
            ws.cell(row=r, column=11, value=file_of[number])
            ws.cell(row=r, column=7, value="一般或较弱")  # a change, with the file number: an update
        elif n % 3 == 1:
            ws.cell(row=r, column=7, value="一般或较弱")  # a change by ID number alone: refused, names the file
        # else: unchanged
    changed = tmp_path / "台账-改.xlsx"
    wb.save(changed)

    single = _run(monkeypatch, users, world, changed, parallel=False, valid_only=True)
    _clear()
    _run(monkeypatch, users, world, original, parallel=False)
    # the files have new ids now: point the file numbers at them
    file_of = dict(Child.objects.values_list("id_number", "pk"))
    wb = load_workbook(changed)
    ws = wb["台账"]
    for r in range(3, ws.max_row + 1):
        if ws.cell(row=r, column=11).value and r > 2:
            ws.cell(row=r, column=11, value=file_of[ws.cell(row=r, column=5).value])
    wb.save(changed)
    parallel = _run(monkeypatch, users, world, changed, parallel=True, valid_only=True)

    def without_ids(result):
        (errors, summary), snapshot = result
        return [(row, column, value, message.split("档案编号")[0]) for row, column, value, message in errors], summary, snapshot

    assert without_ids(parallel) == without_ids(single)
    (errors, summary), (children, _related) = parallel
    assert summary["updated"] == 20 and summary["unchanged"] == 20 and summary["rejected_rows"] == 20
    assert all("身份证号码已有档案" in e[3] for e in errors)
    assert sum(1 for c in children if c[6] == "weak") == 20
