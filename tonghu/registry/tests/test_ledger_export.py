"""Exporting a region's ledger (R-B3, R-N1): the template's layout, masking per role, watermark, audit, the job
path for large exports, and the round trip export → re-import changing nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry.ledger.exporter import csv_bytes, ledger_export
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household

from .test_ledger_import import COUNTY, ID_GOOD, messy_workbook


@pytest.fixture
def filled(world, users, tmp_path):
    """Four children imported from the messy ledger (its valid rows), then completed on screen (care, parents, sensitive facts)."""
    ledger_import(actor=users[Role.COUNTY_OFFICER], region=world[COUNTY], path=messy_workbook(tmp_path / "in.xlsx"), valid_only=True)
    wei = Child.objects.get(name="韦小燕")
    wei.hiv_infected = True
    wei.abuse_history = "2024 年曾受邻居侵害"
    wei.schooling_status, wei.school, wei.grade = "in_school", "凌云县第一小学", "五年级"
    wei.boarding = True
    wei.address = "青山村 3 组"
    wei.save()
    Guardian.objects.create(child=wei, role="mother", name="陆小红", phone="13907760002", health="unhealthy", health_note="慢性肾病")
    CareArrangement.objects.create(child=wei, caregiver_kind="grandparents", caregiver_name="韦老四", phone="13907760003", reason="both_away", quality="fair")
    Assistance.objects.create(child=wei, scheme="education_aid", description="学费减免")
    Assistance.objects.create(child=wei, scheme="tekun", amount_month=200, end=dt.date(2020, 1, 1))  # ended: not on the ledger
    Household.objects.filter(pk=wei.household_id).update(income_per_head_year=4800, social_support="爱心企业资助")
    return wei


def _xlsx(user, region):
    buf = io.BytesIO()
    ledger_export(actor=user, region=region, fmt="xlsx", fh=buf)
    buf.seek(0)
    return buf


@pytest.mark.django_db
def test_export_layout_watermark_and_audit(world, users, filled):
    """R-B3: title, two-row merged headers like the template, visible watermark + page header/footer, warning."""
    officer = users[Role.COUNTY_OFFICER]
    wb = load_workbook(_xlsx(officer, world[COUNTY]))
    ws = wb.active
    assert ws["A1"].value.endswith("年农村留守儿童和困境儿童个人信息台账")
    assert officer.username in ws["A2"].value and "严禁泄露" in ws["A2"].value
    assert officer.username in ws.oddHeader.center.text and officer.username in ws.oddFooter.center.text
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A4" in merged  # 序号 spans both header rows
    assert ws["B3"].value == "儿童基本信息" and ws["B4"].value == "姓名"
    headers = {ws.cell(row=4, column=c).value or ws.cell(row=3, column=c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=2).value == "韦小燕")
    cell = lambda h: ws.cell(row=row, column=headers[h]).value  # noqa: E731
    assert cell("身份证号") == ID_GOOD and cell("艾滋病感染") == "是" and cell("受侵害史") == "2024 年曾受邻居侵害"
    assert cell("就学情况") == "凌云县第一小学 五年级" and cell("委托监护人") == "祖父母、外祖父母"
    assert cell("教育救助情况") == "学费减免" and cell("家庭收入人均（元/年）") == 4800
    assert any("严禁泄露" in str(ws.cell(row=r, column=1).value or "") for r in range(row, ws.max_row + 1))
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.actor == officer and entry.changes["rows"] == 4 and entry.changes["format"] == "xlsx"


@pytest.mark.django_db
def test_export_masks_ids_and_sensitive_facts_for_city_staff(world, users, filled):
    """R-N1: a role without registry.view_id_numbers / view_sensitive gets masked IDs and 受限信息, in xlsx and CSV."""
    city = users[Role.CITY_STAFF]
    wb = load_workbook(_xlsx(city, world["451000000000"]))
    values = [str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None]
    text = "\n".join(values)
    assert ID_GOOD not in text and (ID_GOOD[:6] + "********" + ID_GOOD[-4:]) in text
    assert "2024 年曾受邻居侵害" not in text and "受限信息" in text
    data = csv_bytes(city, world["451000000000"]).decode("utf-8-sig")
    first = data.splitlines()[0]
    assert first.startswith("# ") and city.username in first and "导出时间" in first
    assert ID_GOOD not in data and "邻居侵害" not in data and "受限信息" in data


@pytest.mark.django_db
def test_export_then_reimport_changes_nothing(world, users, filled, tmp_path):
    """Issue item 8: an export re-imports without changes (xlsx and CSV)."""
    officer = users[Role.COUNTY_OFFICER]
    path = tmp_path / "export.xlsx"
    path.write_bytes(_xlsx(officer, world[COUNTY]).getvalue())
    before = AuditEntry.objects.filter(action="update").count()
    counts = (Child.objects.count(), Guardian.objects.count(), CareArrangement.objects.count(), Assistance.objects.count(), Household.objects.count())
    report = ledger_import(actor=officer, region=world[COUNTY], path=path)
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 4)
    (tmp_path / "export.csv").write_bytes(csv_bytes(officer, world[COUNTY]))
    report = ledger_import(actor=officer, region=world[COUNTY], path=tmp_path / "export.csv")
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert AuditEntry.objects.filter(action="update").count() == before
    assert counts == (Child.objects.count(), Guardian.objects.count(), CareArrangement.objects.count(), Assistance.objects.count(), Household.objects.count())


@pytest.mark.django_db
def test_edited_export_updates_the_file_by_file_number(world, users, filled, tmp_path):
    officer = users[Role.COUNTY_OFFICER]
    buf = _xlsx(officer, world[COUNTY])
    wb = load_workbook(buf)
    ws = wb.active
    headers = {ws.cell(row=4, column=c).value or ws.cell(row=3, column=c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=2).value == "韦小燕")
    ws.cell(row=row, column=headers["委托照料情况"]).value = "较好"
    ws.cell(row=row, column=headers["家庭地址"]).value = "青山村 5 组"
    wb.save(tmp_path / "edited.xlsx")
    report = ledger_import(actor=officer, region=world[COUNTY], path=tmp_path / "edited.xlsx")
    assert report.errors == [] and (report.updated, report.unchanged) == (1, 3)
    filled.refresh_from_db()
    assert filled.address == "青山村 5 组"
    care = CareArrangement.objects.filter(child=filled).order_by("id")
    assert [c.quality for c in care] == ["fair", "good"] and care[0].end is not None and care[1].end is None  # history kept
    entry = AuditEntry.objects.filter(action="update", object_id=str(filled.pk)).latest("seq")
    assert entry.changes["address"] == ["青山村 3 组", "青山村 5 组"]


@pytest.mark.django_db
def test_masked_export_reimports_without_touching_id_numbers(world, users, filled, tmp_path, make_user):
    """A file exported with masked IDs keeps the stored numbers on re-import (matched by 档案编号)."""
    officer = users[Role.COUNTY_OFFICER]
    (tmp_path / "masked.csv").write_bytes(csv_bytes(users[Role.CITY_STAFF], world["451000000000"]))
    report = ledger_import(actor=officer, region=world[COUNTY], path=tmp_path / "masked.csv")
    # the city's file says 受限信息 in the sensitive columns and masked IDs: both keep the stored values
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 4)
    filled.refresh_from_db()
    assert filled.id_number == ID_GOOD and filled.hiv_infected


@pytest.mark.django_db
def test_export_page_direct_and_as_job(world, users, filled, client, settings, tmp_path, monkeypatch, make_user):
    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job
    from tonghu.registry.ledger import views

    settings.MEDIA_ROOT = tmp_path / "media"
    director = users[Role.CHILD_DIRECTOR]
    client.force_login(director)
    assert client.get(reverse("ledger_export")).status_code == 200
    response = client.post(reverse("ledger_export"), {"region": director.region_id, "format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "韦小燕" in body and "李华" not in body  # 李华 lives in the sibling village
    monkeypatch.setattr(views, "DIRECT_EXPORT_LIMIT", 0)
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    response = client.post(reverse("ledger_export"), {"region": COUNTY, "format": "xlsx"})
    job = Job.objects.get(kind="ledger_export")
    assert response["Location"] == reverse("job_detail", kwargs={"pk": job.pk})
    job = execute_job(str(job.pk))
    assert job.status == "succeeded" and job.output_file and job.done == 4
    assert job.result["download"] == reverse("ledger_export_download", kwargs={"pk": job.pk})
    download = client.get(reverse("ledger_export_download", kwargs={"pk": job.pk}))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.active["B3"].value == "儿童基本信息"
    client.force_login(make_user(Role.COUNTY_MANAGER, COUNTY))
    assert client.get(reverse("ledger_export_download", kwargs={"pk": job.pk})).status_code == 404  # jobs are private


@pytest.mark.django_db
def test_export_reads_visits_in_bulk_whatever_the_number_of_children(world, users, make_child, django_assert_max_num_queries):
    """Issue 10 closing note: the 3,000-child export spent most of its time reading visits one child at a time. The
    export reads each chunk of children's visits (and their problems) in one query each: exporting 8 children with
    visits takes no more queries than exporting 2, and every child's 走访情况 cells are still filled (R-C3)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tonghu.visits.services import visit_record
    from tonghu.visits.tests.conftest import OBSERVED

    today = timezone.localdate()
    director, officer = users[Role.CHILD_DIRECTOR], users[Role.COUNTY_OFFICER]
    for n in range(8):
        child = make_child(f"张{'一二三四五六七八'[n]}", opened=today.replace(month=1, day=1))
        visit_record(actor=director, child=child, kind="home_visit", date=today, today=today, contacted_person="祖母",
                     details=OBSERVED, problems=[{"category": "health", "description": f"视力下降{n}", "severity": "low"}])
        if n == 1:
            with CaptureQueriesContext(connection) as two:
                small = csv_bytes(officer, world[COUNTY]).decode("utf-8-sig")
    with django_assert_max_num_queries(len(two.captured_queries)):
        big = csv_bytes(officer, world[COUNTY]).decode("utf-8-sig")
    day = f"{today.month}月{today.day}日"
    assert small.count(day) == 2 and big.count(day) == 8
    assert all(f"视力下降{n}" in big for n in range(8))
