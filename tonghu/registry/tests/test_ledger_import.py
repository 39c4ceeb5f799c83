"""Importing a messy, real-shaped ledger (R-B2, R-B3, R-N1): the exact error report, all-or-nothing, valid-only,
the duplicate guard, and the job flow behind the upload page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import Workbook

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.core.reference.idnumber import make_id_number
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Assistance, Child, Guardian

COUNTY = "451027000000"


def ident(birth: dt.date, sex: str, seq: int) -> str:
    return make_id_number("451027", birth, sex, seq)


ID_GOOD = ident(dt.date(2015, 3, 8), "F", 2)
ID_FULLWIDTH = ident(dt.date(2014, 5, 20), "M", 11)
ID_SERIAL = ident(dt.date(2014, 12, 27), "F", 22)
ID_AS_NUMBER = next(n for n in (ident(dt.date(2016, 7, 9), "M", s) for s in range(31, 99, 2)) if n[-1] != "X")
ID_BAD_CHECK = ident(dt.date(2013, 1, 2), "M", 41)
ID_BAD_CHECK = ID_BAD_CHECK[:-1] + ("1" if ID_BAD_CHECK[-1] != "1" else "2")
ID_MISMATCH = ident(dt.date(2013, 3, 15), "M", 51)
ID_DUP = ident(dt.date(2015, 4, 1), "F", 62)
ID_ELSEWHERE = ident(dt.date(2012, 9, 9), "M", 71)
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def messy_workbook(path):
    """Shaped like a county's hand-kept ledger: title, two-row merged headers, blank rows, notes at the bottom."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2026年台账"
    ws["A1"] = "2026 年农村留守儿童和困境儿童个人信息台账"
    ws.merge_cells("A1:N1")
    groups = {"A": "序号", "B": "儿童基本信息", "I": "享受救助情况", "K": "家庭享受补助情况", "M": "监护人姓名及电话", "N": "健康\n状况"}
    for col, text in groups.items():
        ws[f"{col}2"] = text
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:H2")
    ws.merge_cells("I2:J2")
    ws.merge_cells("K2:L2")
    ws.merge_cells("N2:N3")
    leaves = ["姓 名", "性别", "民族", "出生年月", "身份证号码", "村（社区）", "儿童类别", "低保（元/月）", "孤儿", "低保", "其他", "父亲"]
    for i, text in enumerate(leaves):
        ws.cell(row=3, column=2 + i, value=text)
    rows = {
        4: [1, "韦小燕", "女", "壮族", "2015年3月", ID_GOOD, "青山村", "农村留守儿童", "300元/月", None, 500, None, "韦大山 13907760001", "健康"],
        # 5: blank
        6: [2, "黄\u3000明", "男", "汉", "2014.5".translate(FULLWIDTH), ID_FULLWIDTH.translate(FULLWIDTH), "青山", "困境儿童，具体类别：重病", None, None, None, None, None, "重病（白血病）"],
        7: [3, "李华", "女", "汉族", (dt.date(2014, 12, 27) - dt.date(1899, 12, 30)).days, ID_SERIAL, "451027001201", "农村留守儿童、困境儿童", None, "√", None, None, None, "残疾（肢体二级）"],
        8: [4, "王强", "男", "汉族", dt.datetime(2016, 7, 9), float(ID_AS_NUMBER), "青山村", "农村留守儿童", None, None, None, None, None, "健康"],
        9: [5, "赵刚", "男", "汉族", "2013-01-02", ID_BAD_CHECK, "青山村", "农村留守儿童", None, None, None, None, None, "健康"],
        10: [6, "钱多", "男", "汉族", "2013-02", ID_MISMATCH, "青山村", "农村留守儿童", None, None, None, None, None, "健康"],
        11: [7, "孙丽", "女", "汉族", "2015-06-01", None, "黑山村", "农村留守儿童", None, None, None, None, None, "健康"],
        12: [8, "周芳", "女", "汉族", 201504, ID_DUP, "白石村", "农村留守儿童", None, None, None, None, None, "健康"],
        13: [9, "周芳", "女", "汉族", 2015.4, ID_DUP, "白石村", "农村留守儿童", None, None, None, None, None, "健康"],
        14: [10, "吴军", "男", "汉族", "2012年9月9日", ID_ELSEWHERE, "河口村", "农村留守儿童", None, None, None, None, None, "健康"],
        # 15: blank
        16: ["说明：本表涉及个人信息，要妥善管理，严禁泄露。"],
    }
    for r, values in rows.items():
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


EXPECTED = [
    (8, "F 身份证号码", "身份证号码被 Excel 存成了数字"),
    (9, "F 身份证号码", "身份证号码的校验位（最后一位）不正确，号码很可能输错了，请逐位核对"),
    (10, "E 出生年月", "与身份证号码中的出生日期 2013-03-15 不一致（填写的是 2013.2）"),
    (11, "G 村（社区）", "本次导入区域内没有名为“黑山村”的村（社区），请核对名称或填写 12 位区划代码"),
    (12, "F 身份证号码", "与第 13 行的身份证号码重复：同一名儿童只能有一行"),
    (13, "F 身份证号码", "与第 12 行的身份证号码重复：同一名儿童只能有一行"),
    (14, "F 身份证号码", "该身份证号码已在香格里拉市建立儿童档案，不能重复建档。如儿童已迁入本地，请联系香格里拉市民政局办理档案转移"),
]


@pytest.fixture
def elsewhere(world):
    return Child.objects.create(name="外县儿童", sex="M", birth_date=dt.date(2012, 9, 9), id_number=ID_ELSEWHERE, village=world[OUT_OF_SCOPE_VILLAGE])


def _summary(report):
    return [(e.row, e.column, e.message) for e in report.errors]


@pytest.mark.django_db
def test_messy_ledger_reports_every_error_and_writes_nothing(world, users, elsewhere, tmp_path):
    """R-B3: each wrong cell is named by row, column letter + header, value and a Chinese message; nothing written."""
    path = messy_workbook(tmp_path / "台账.xlsx")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path)
    got = _summary(report)
    assert [(r, c) for r, c, _m in got] == [(r, c) for r, c, _m in EXPECTED], got
    for (_r, _c, message), (_r2, _c2, expected) in zip(got, EXPECTED):
        assert message.startswith(expected), (message, expected)
    assert report.errors[0].value.startswith("4.51027") and report.rows == 10
    assert not report.written and report.rejected_rows == 7
    assert Child.objects.count() == 1  # only the pre-existing file in the other county
    entry = AuditEntry.objects.filter(action="import").get()
    assert entry.changes["errors"] == 7 and entry.changes["written"] is False


@pytest.mark.django_db
def test_valid_only_imports_the_good_rows_and_reads_messy_cells(world, users, elsewhere, tmp_path):
    """R-B2: full-width digits, 2015年3月 / ２０１４.５ / Excel serials, name+phone cells, ticks and amounts are read."""
    path = messy_workbook(tmp_path / "台账.xlsx")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path, valid_only=True)
    assert report.written and report.created == 3 and report.rejected_rows == 7
    wei = Child.objects.get(name="韦小燕")
    assert (wei.birth_date, wei.birth_day_unknown, wei.ethnicity, wei.village_id, wei.ledger_category) == (dt.date(2015, 3, 8), False, "08", IN_SCOPE_VILLAGE, "农村留守儿童")
    assert wei.name_initials == "wxy"
    father = Guardian.objects.get(child=wei, role="father")
    assert (father.name, father.phone) == ("韦大山", "13907760001")
    assert [(a.scheme, a.amount_month) for a in Assistance.objects.filter(child=wei)] == [("dibao", 300)]
    assert wei.household.dibao_month == 500 and wei.household.dibao
    huang = Child.objects.get(name="黄明")
    assert huang.id_number == ID_FULLWIDTH and huang.health_status == "serious_illness" and huang.illness_name == "白血病"
    assert huang.ledger_category == "困境儿童（具体类别：重病）"
    li = Child.objects.get(name="李华")
    assert li.village_id == "451027001201" and (li.disability_type, li.disability_grade) == ("physical", 2)
    assert Assistance.objects.get(child=li).scheme == "orphan_allowance"
    assert not Child.objects.filter(name__in=["王强", "赵刚", "钱多", "孙丽", "周芳", "吴军"]).exists()
    entry = AuditEntry.objects.filter(action="import").get()
    assert entry.changes["created"] == 3 and entry.changes["rejected_rows"] == 7


@pytest.mark.django_db
def test_all_or_nothing_is_all_when_clean(world, users, tmp_path):
    from openpyxl import load_workbook

    path = messy_workbook(tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    for _row in range(8, 15):
        ws.delete_rows(8)
    wb.save(path)
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path)
    assert report.errors == [] and report.created == 3 and Child.objects.count() == 3


@pytest.mark.django_db
def test_same_id_in_region_is_refused_unless_identical(world, users, tmp_path):
    """Duplicate guard (issue item 7): an ID with a file in the region never makes a second file."""
    existing = Child.objects.create(name="韦小燕", sex="F", birth_date=dt.date(2015, 3, 8), id_number=ID_GOOD, village=world["451027001201"])
    path = messy_workbook(tmp_path / "台账.xlsx")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=path, valid_only=True)
    row4 = [e for e in report.errors if e.row == 4]
    assert len(row4) == 1 and row4[0].column == "F 身份证号码"
    assert f"档案编号 {existing.pk}" in row4[0].message and "不能重复建档" in row4[0].message
    assert Child.objects.filter(id_number=ID_GOOD).count() == 1


@pytest.mark.django_db
def test_header_missing_required_column_is_a_file_error(world, users, tmp_path):
    from tonghu.registry.ledger.importer import LedgerFileError

    wb = Workbook()
    wb.active.append(["姓名", "性别", "民族", "身份证号"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(LedgerFileError, match="缺少必需的列：出生年月、村（社区）"):
        ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=tmp_path / "x.xlsx")


@pytest.mark.django_db
def test_upload_page_runs_a_job_with_progress_and_errors(world, users, client, tmp_path, settings, elsewhere):
    """The upload page starts a background job; the job page shows the row errors; valid-only imports."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("ledger_import")).status_code == 200
    data = messy_workbook(tmp_path / "台账.xlsx").read_bytes()
    upload = SimpleUploadedFile("台账.xlsx", data)
    response = client.post(reverse("ledger_import"), {"file": upload, "region": COUNTY})
    job = Job.objects.get(kind="ledger_import")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", kwargs={"pk": job.pk})
    job = execute_job(str(job.pk))
    assert job.status == "failed" and "未导入任何数据" in job.message and len(job.errors) == 7
    assert job.input_file and job.errors[0]["column"] == "F 身份证号码"
    page = client.get(reverse("job_detail", kwargs={"pk": job.pk})).content.decode()
    assert "黑山村" in page and "校验位" in page
    upload = SimpleUploadedFile("台账.xlsx", data)
    client.post(reverse("ledger_import"), {"file": upload, "region": COUNTY, "valid_only": "on"})
    job = Job.objects.filter(kind="ledger_import").order_by("-created_at").first()
    job = execute_job(str(job.pk))
    assert job.status == "succeeded" and job.percent == 100 and len(job.errors) == 7
    assert Child.objects.filter(village__code__startswith="451027").count() == 3


@pytest.mark.django_db
def test_upload_refuses_wrong_type_and_roles(world, users, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.post(reverse("ledger_import"), {"file": SimpleUploadedFile("a.xls", b"x"), "region": COUNTY})
    assert response.status_code == 200 and "另存为 .xlsx" in response.content.decode()
    client.force_login(users[Role.CHILD_DIRECTOR])
    assert client.get(reverse("ledger_import")).status_code == 403


@pytest.mark.django_db
def test_command_import_ledger(world, users, tmp_path, elsewhere):
    from django.core.management import CommandError, call_command

    path = messy_workbook(tmp_path / "台账.xlsx")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_ledger", str(path), region="451027", user=users[Role.COUNTY_OFFICER].username)
    call_command("import_ledger", str(path), region="451027", valid_only=True, user=users[Role.COUNTY_OFFICER].username)
    assert Child.objects.filter(village__code__startswith="451027").count() == 3
    with pytest.raises(CommandError, match="无权"):
        call_command("import_ledger", str(path), region="451027", user=users[Role.CHILD_DIRECTOR].username)


@pytest.mark.django_db
def test_openpyxl_reader_gives_the_same_report(world, users, elsewhere, tmp_path, monkeypatch):
    """The fallback reader (openpyxl read-only, when python-calamine is missing) reads the same cells."""
    from tonghu.registry.ledger import reading

    monkeypatch.setattr(reading, "_rows_xlsx", reading._rows_openpyxl)
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=messy_workbook(tmp_path / "台账.xlsx"))
    assert [(e.row, e.column) for e in report.errors] == [(r, c) for r, c, _m in EXPECTED]


@pytest.mark.django_db
def test_sheet_starting_below_and_right_keeps_excel_coordinates(world, users, tmp_path):
    wb = Workbook()
    ws = wb.active
    for c, text in enumerate(["姓名", "性别", "出生年月", "村（社区）"], start=3):
        ws.cell(row=4, column=c, value=text)
    for c, value in enumerate(["韦小燕", "女", "2015-13", "青山村"], start=3):
        ws.cell(row=5, column=c, value=value)
    wb.save(tmp_path / "offset.xlsx")
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=tmp_path / "offset.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(5, "E 出生年月")]


@pytest.mark.django_db
def test_same_name_and_birth_date_asks_for_confirmation(world, users, tmp_path):
    """Duplicate guard (issue item 7): same name (or pinyin) + birth date in the county is an error until the
    importer confirms they are different children; outside the importer's region nothing about the file leaks."""
    visible = Child.objects.create(name="黄明", sex="M", birth_date=dt.date(2014, 5, 20), village=world["451027001201"])
    hidden = Child.objects.create(name="李华", sex="F", birth_date=dt.date(2014, 12, 27), village=world["451027002200"])
    path = messy_workbook(tmp_path / "台账.xlsx")
    township = world["451027001000"]  # 泗城镇: the importer works on one township
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=township, path=path, valid_only=True)
    by_row = {e.row: e.message for e in report.errors if e.column == "B 姓名"}
    assert f"档案编号 {visible.pk}" in by_row[6]
    assert "本县其他辖区已有" in by_row[7] and str(hidden.pk) not in by_row[7] and "河口村" not in by_row[7]
    assert not Child.objects.filter(name="黄明").exclude(pk=visible.pk).exists()
    report = ledger_import(actor=users[Role.COUNTY_OFFICER], region=township, path=path, valid_only=True, confirm_similar=True)
    assert report.similar_confirmed == 2 and Child.objects.filter(name="黄明").count() == 2
