"""Re-importing an older ledger (issue 10 item 2): a file changed in the system after the export is a conflict,
reported per row with the other person's change and not written, unless the user names the row to overwrite."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.core.models import Job
from tonghu.registry import services
from tonghu.registry.ledger.exporter import ledger_export
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Child, Guardian

COUNTY = "451027000000"


@pytest.fixture
def monday(world, users, make_child, tmp_path):
    """Three files edited on screen, then exported on Monday; returns (sheet path, {name: sheet row number})."""
    officer = users[Role.COUNTY_OFFICER]
    kids = {}
    for name in ("韦小燕", "黄明", "蓝丽华"):
        child = make_child(name, sex="F" if name != "黄明" else "M")
        kids[name] = services.child_update(actor=officer, child=child, data={"school": "青山小学"}, expected_version=child.version)
        services.guardian_save(actor=officer, child=kids[name], data={"role": "mother", "name": name[0] + "母", "phone": "13900000001"})
    path = tmp_path / "monday.xlsx"
    with path.open("wb") as fh:
        ledger_export(actor=officer, region=world[COUNTY], fmt="xlsx", fh=fh)
    ws = load_workbook(path).active
    rows = {ws.cell(row=r, column=2).value: r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=2).value in kids}
    return path, rows, kids


def _header_col(ws, text):
    return next(c for c in range(1, ws.max_column + 1) if (ws.cell(row=4, column=c).value or ws.cell(row=3, column=c).value or "").startswith(text))


def _edit(path, out, changes: dict, *, drop_version=False):
    """The Monday sheet with ``{(row, header): value}`` typed in (and the 档案版本 column deleted if asked)."""
    wb = load_workbook(path)
    ws = wb.active
    for (row, header), value in changes.items():
        ws.cell(row=row, column=_header_col(ws, header)).value = value
    if drop_version:
        ws.delete_cols(_header_col(ws, "档案版本"))
    wb.save(out)
    return out


@pytest.mark.django_db
def test_export_carries_each_files_version(world, users, monday):
    path, rows, kids = monday
    ws = load_workbook(path).active
    col = _header_col(ws, "档案版本")
    for name, child in kids.items():
        last = AuditEntry.objects.filter(object_type="registry.child", object_id=str(child.pk), action__in=("create", "update", "status")).order_by("-seq").first()
        assert ws.cell(row=rows[name], column=col).value == last.seq


@pytest.mark.django_db
@pytest.mark.parametrize("drop_version", [False, True], ids=["with-version", "county-sheet-without-version"])
def test_an_older_ledger_does_not_revert_newer_edits(world, users, director, monday, tmp_path, drop_version):
    """Tuesday: a director changes one file's school and another file's mother's phone on screen. Friday: the
    Monday sheet comes back with a deliberate edit of the third file. The two edited files are conflicts (row,
    the director's change), nothing newer is overwritten; the third file is updated."""
    officer = users[Role.COUNTY_OFFICER]
    path, rows, kids = monday
    wei, huang, lan = kids["韦小燕"], kids["黄明"], kids["蓝丽华"]
    services.child_update(actor=director, child=wei, data={"school": "下甲镇中心小学"}, expected_version=Child.objects.get(pk=wei.pk).version)
    mother = Guardian.objects.get(child=huang, role="mother")
    services.guardian_save(actor=director, child=huang, guardian=mother, data={"phone": "13700000002"}, expected_version=mother.version)
    friday = _edit(path, tmp_path / "friday.xlsx", {(rows["蓝丽华"], "就学情况"): "白石小学 三年级"}, drop_version=drop_version)

    report = ledger_import(actor=officer, region=world[COUNTY], path=friday)
    assert not report.written and report.updated == 0
    by_row = {e.row: e.message for e in report.errors}
    assert set(by_row) == {rows["韦小燕"], rows["黄明"]}
    assert "下甲镇中心小学" in by_row[rows["韦小燕"]] and director.username in by_row[rows["韦小燕"]]
    assert "13700000002" in by_row[rows["黄明"]] and "本行未导入" in by_row[rows["黄明"]]
    assert str(rows["黄明"]) in by_row[rows["黄明"]]  # names the row to put in "确认覆盖的行"
    assert Child.objects.get(pk=wei.pk).school == "下甲镇中心小学"

    partial = ledger_import(actor=officer, region=world[COUNTY], path=friday, valid_only=True)
    assert partial.written and partial.updated == 1 and partial.rejected_rows == 2
    assert Child.objects.get(pk=lan.pk).school == "白石小学" and Child.objects.get(pk=lan.pk).grade == "三年级"
    assert Child.objects.get(pk=wei.pk).school == "下甲镇中心小学"
    assert Guardian.objects.get(pk=mother.pk).phone == "13700000002"

    # the explicit choice: overwrite one named row; the other conflict stays refused
    chosen = ledger_import(actor=officer, region=world[COUNTY], path=friday, valid_only=True, overwrite_rows=[rows["韦小燕"]])
    assert chosen.updated == 1 and {e.row for e in chosen.errors} == {rows["黄明"]}
    assert Child.objects.get(pk=wei.pk).school == "青山小学"
    entry = AuditEntry.objects.filter(object_type="registry.child", object_id=str(wei.pk), action="update").order_by("-seq").first()
    assert "覆盖导出后的修改" in entry.summary


@pytest.mark.django_db
def test_re_importing_the_ledger_just_imported_is_no_conflict(world, users, monday, tmp_path):
    """An import's own changes are not "someone else's": the same sheet imported twice changes nothing the second time."""
    officer = users[Role.COUNTY_OFFICER]
    path, rows, kids = monday
    edited = _edit(path, tmp_path / "edited.xlsx", {(rows["黄明"], "就学情况"): "河口小学 二年级"})
    assert ledger_import(actor=officer, region=world[COUNTY], path=edited).updated == 1
    again = ledger_import(actor=officer, region=world[COUNTY], path=edited)
    assert again.error_count == 0 and (again.updated, again.unchanged) == (0, 3)


@pytest.mark.django_db
def test_an_import_counts_as_a_change_for_a_form_left_open(world, users, director, monday, tmp_path, login):
    """The other way round: a form opened before an import is refused (the import bumped the versions)."""
    officer = users[Role.COUNTY_OFFICER]
    path, rows, kids = monday
    huang = Child.objects.get(pk=kids["黄明"].pk)
    edited = _edit(path, tmp_path / "edited.xlsx", {(rows["黄明"], "就学情况"): "河口小学 二年级", (rows["黄明"], "监护人健康状况"): "不健康（腰伤）"})
    assert ledger_import(actor=officer, region=world[COUNTY], path=edited).updated == 1
    mother = Guardian.objects.get(child=huang, role="mother")
    assert mother.health == "unhealthy" and mother.version == 2
    with pytest.raises(services.EditConflictError) as exc:
        services.child_update(actor=director, child=huang, data={"school": "别的小学"}, expected_version=huang.version)
    assert any("河口小学" in str(c.get("after")) for c in exc.value.changes)


@pytest.mark.django_db
def test_import_page_passes_the_rows_to_overwrite(world, users, login, monday, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    officer = users[Role.COUNTY_OFFICER]
    path, rows, kids = monday
    client = login(officer)
    upload = SimpleUploadedFile("friday.xlsx", path.read_bytes())
    bad = client.post("/ledger/import/", {"file": upload, "region": COUNTY, "overwrite_rows": "5、第七行"})
    assert "无法识别“第七行”" in bad.content.decode()
    upload = SimpleUploadedFile("friday.xlsx", path.read_bytes())
    response = client.post("/ledger/import/", {"file": upload, "region": COUNTY, "overwrite_rows": "5、8, 12-14"})
    assert response.status_code == 302
    assert Job.objects.filter(kind="ledger_import").latest("pk").params["overwrite_rows"] == [5, 8, 12, 13, 14]


@pytest.mark.django_db
def test_a_county_sheet_does_not_revert_an_earlier_import_or_a_composite_field(world, users, director, monday, tmp_path):
    """Without 档案版本, the history is compared column by column also for changes made by another import (logged by
    column) and for fields a column holds together (健康状况 = status + illness; 就学情况 = status + school + grade)."""
    officer = users[Role.COUNTY_OFFICER]
    path, rows, kids = monday
    tuesday = _edit(path, tmp_path / "tuesday.xlsx", {(rows["黄明"], "就学情况"): "河口小学 二年级"})
    assert ledger_import(actor=officer, region=world[COUNTY], path=tuesday).updated == 1
    wei = Child.objects.get(pk=kids["韦小燕"].pk)
    services.child_update(actor=director, child=wei, data={"health_status": "chronic", "illness_name": "哮喘，需长期用药"}, expected_version=wei.version)
    friday = _edit(path, tmp_path / "friday.xlsx", {}, drop_version=True)
    report = ledger_import(actor=officer, region=world[COUNTY], path=friday)
    by_row = {e.row: e.message for e in report.errors}
    assert set(by_row) == {rows["黄明"], rows["韦小燕"]} and not report.written
    assert "就学情况：青山小学 → 河口小学 二年级" in by_row[rows["黄明"]] and officer.username in by_row[rows["黄明"]]
    assert "哮喘，需长期用药" in by_row[rows["韦小燕"]] and director.username in by_row[rows["韦小燕"]]
    assert Child.objects.get(pk=wei.pk).illness_name == "哮喘，需长期用药"
