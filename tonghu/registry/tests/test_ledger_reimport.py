"""The production paths of the ledger nobody clicked through (issue 20 item 2): re-importing an edited export that
changes guardians, the household, the caregiver and the assistance (``ledger/records.apply_changes``), and the
``tonghu export-ledger`` command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry import services
from tonghu.registry.ledger.exporter import ledger_export
from tonghu.registry.ledger.importer import ledger_import
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household

from .test_ledger_conflicts import _header_col

COUNTY = "451027000000"


@pytest.fixture
def file_(world, users, make_child):
    """A file completed on screen: a father with health and occupation, household figures, a caregiver, three
    assistance rows (低保 amount, 孤儿 tick, 教育救助 text)."""
    officer = users[Role.COUNTY_OFFICER]
    child = make_child("韦小燕", sex="F")
    services.guardian_save(actor=officer, child=child, data={"role": "father", "name": "韦大山", "phone": "13900000001", "health": "healthy", "occupation": "务农"})
    services.household_update(actor=officer, household=child.household, data={"income_per_head_year": 4800, "dibao_month": 300, "social_support": "爱心企业资助"},
                              expected_version=child.household.version)
    services.care_start(actor=officer, child=child, data={"caregiver_kind": "grandparents", "caregiver_name": "韦奶奶", "phone": "13900000003",
                                                          "reason": "both_away", "quality": "fair", "start": dt.date(2023, 1, 1)})
    for data in ({"scheme": "dibao", "amount_month": 300}, {"scheme": "orphan_allowance"}, {"scheme": "education_aid", "description": "学费减免"}):
        services.assistance_add(actor=officer, child=child, data=data | {"start": dt.date(2024, 1, 1)})
    return Child.objects.get(pk=child.pk)


def _export(officer, region, path):
    with path.open("wb") as fh:
        ledger_export(actor=officer, region=region, fmt="xlsx", fh=fh)
    return path


def _edited(path, out, row, changes: dict):
    wb = load_workbook(path)
    ws = wb.active
    for header, value in changes.items():
        ws.cell(row=row, column=_header_col(ws, header)).value = value
    wb.save(out)
    return out


@pytest.mark.django_db
def test_reimport_updates_guardians_household_care_and_assistance(world, users, file_, tmp_path):
    officer = users[Role.COUNTY_OFFICER]
    path = _export(officer, world[COUNTY], tmp_path / "out.xlsx")
    old_care = CareArrangement.objects.get(child=file_)
    father = Guardian.objects.get(child=file_, role="father")
    edited = _edited(path, tmp_path / "in.xlsx", 5, {
        "父亲电话": "13900000009", "母亲姓名": "陆小红", "母亲电话": "13900000010", "监护人健康状况": "不健康（腰伤，不能干重活）",
        "职业": "护林员", "家庭收入人均（元/年）": 5200, "社会力量帮扶情况": "县妇联结对（每月探访）",
        "委托监护人": "亲戚朋友", "委托监护人姓名及电话": "韦姑妈 13900000011", "委托照料原因": "父母双方无监护能力", "委托照料情况": "较好",
        "低保（元/月）": 350, "孤儿（元/月）": None, "特困（元/月）": "是", "医疗救助情况": "住院费用报销 70%",
    })
    report = ledger_import(actor=officer, region=world[COUNTY], path=edited, today=dt.date(2026, 11, 20))
    assert report.error_count == 0, [e.message for e in report.errors]
    assert (report.updated, report.unchanged) == (1, 0)

    # guardians: the father changed (health and occupation stay on him: he is named), the mother was added
    father.refresh_from_db()
    assert (father.phone, father.health, father.health_note, father.occupation) == ("13900000009", "unhealthy", "腰伤，不能干重活", "护林员")
    assert father.version == 2  # the import's change counts: a form opened before it conflicts
    mother = Guardian.objects.get(child=file_, role="mother")
    assert (mother.name, mother.phone) == ("陆小红", "13900000010")
    # household
    household = Household.objects.get(pk=file_.household_id)
    assert household.income_per_head_year == Decimal("5200") and household.social_support == "县妇联结对（每月探访）"
    assert household.dibao_month == Decimal("300") and household.version == 3
    # care: the old arrangement ended (a change of that row: its version went up), the new one is current
    old_care.refresh_from_db()
    assert old_care.end == dt.date(2026, 11, 20) and old_care.end_reason == "台账导入更新" and old_care.version == 2
    current = CareArrangement.objects.get(child=file_, end__isnull=True)
    assert (current.caregiver_kind, current.caregiver_name, current.phone, current.reason, current.quality) == (
        "relatives_friends", "韦姑妈", "13900000011", "both_incapable", "good")
    # assistance: 低保 350 replaces 300 (the old row ends the day before), 孤儿 ends, 特困 (a tick) and 医疗救助 start
    rows = {(a.scheme, a.end): a for a in Assistance.objects.filter(child=file_)}
    assert rows[("dibao", dt.date(2026, 11, 19))].amount_month == Decimal("300") and rows[("dibao", dt.date(2026, 11, 19))].version == 2
    assert rows[("dibao", None)].amount_month == Decimal("350")
    assert ("orphan_allowance", dt.date(2026, 11, 19)) in rows and ("orphan_allowance", None) not in rows
    assert rows[("tekun", None)].amount_month is None
    assert rows[("medical_aid", None)].description == "住院费用报销 70%"
    assert rows[("education_aid", None)].description == "学费减免"  # untouched column, untouched row
    # one audit entry for the row, with what changed column by column
    entry = AuditEntry.objects.filter(object_type="registry.child", object_id=str(file_.pk), action="update").order_by("-seq").first()
    assert "第 5 行" in entry.summary
    assert entry.changes["assist_dibao"] == ["300.00", "350.00"] and entry.changes["father_phone"] == ["13900000001", "13900000009"]

    # and the same sheet again changes nothing
    again = ledger_import(actor=officer, region=world[COUNTY], path=edited, today=dt.date(2026, 11, 20))
    assert again.error_count == 0 and (again.updated, again.unchanged) == (0, 1)


@pytest.mark.django_db
def test_reimport_gives_a_file_without_household_one_and_keeps_unnamed_guardians_health(world, users, make_child, tmp_path):
    """A file without a household gets one from the sheet's family figures; with no parent named, the guardian's
    health and occupation go to an "other guardian" row (records.py mapping decisions)."""
    officer = users[Role.COUNTY_OFFICER]
    child = make_child("黄明")
    Child.objects.filter(pk=child.pk).update(household=None)
    path = _export(officer, world[COUNTY], tmp_path / "out.xlsx")
    edited = _edited(path, tmp_path / "in.xlsx", 5, {"家庭收入人均（元/年）": 3600, "监护人健康状况": "健康", "职业": "务农"})
    report = ledger_import(actor=officer, region=world[COUNTY], path=edited)
    assert report.error_count == 0 and report.updated == 1
    child.refresh_from_db()
    assert child.household is not None and child.household.income_per_head_year == Decimal("3600")
    other = Guardian.objects.get(child=child)
    assert (other.role, other.relation, other.health, other.occupation) == ("other", "监护人", "healthy", "务农")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_ledger_command_writes_the_users_view_and_audits_it(world, users, file_, tmp_path, fmt):
    officer = users[Role.COUNTY_OFFICER]
    out = tmp_path / f"ledger.{fmt}"
    call_command("export_ledger", "--region", "451027", "--user", officer.username, "--format", fmt, "-o", str(out))
    if fmt == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "韦小燕" in text and "严禁泄露" in text
    else:
        ws = load_workbook(out).active
        assert ws.cell(row=5, column=2).value == "韦小燕" and officer.username in ws["A2"].value
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor == officer and entry.changes["rows"] == 1 and entry.changes["format"] == fmt
    # the file re-imports unchanged
    assert ledger_import(actor=officer, region=world[COUNTY], path=out).unchanged == 1


@pytest.mark.django_db
def test_export_ledger_command_refuses_what_the_user_may_not_export(world, users, file_, tmp_path):
    officer = users[Role.COUNTY_OFFICER]
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="格式错误"):
        call_command("export_ledger", "--region", "45x", "--user", officer.username, "-o", str(out))
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_ledger", "--region", "451027", "--user", "nobody", "-o", str(out))
    with pytest.raises(CommandError, match="无权导出"):
        call_command("export_ledger", "--region", "533401", "--user", officer.username, "-o", str(out))  # another county
    with pytest.raises(CommandError, match="无权导出"):
        call_command("export_ledger", "--region", "451027", "--user", users[Role.AUDITOR].username, "-o", str(out))  # no capability
    assert not out.exists() and not AuditEntry.objects.filter(action="export").exists()
