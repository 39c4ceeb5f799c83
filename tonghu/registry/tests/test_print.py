"""The printable one-child file (issue item 9, R-B2, R-N1): template layout, masking, watermark on every page, audit."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.core.reference.idnumber import make_id_number
from tonghu.registry.models import Assistance, Child, Guardian
from tonghu.registry.printing import build_pdf, child_print_data, quarter_visits

ID = make_id_number("451027", dt.date(2015, 3, 8), "F", 2)


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text through poppler's pdftotext. Without it the test is skipped — unless TONGHU_REQUIRE_PDFTOTEXT
    is set (scripts/test.sh sets it when pdftotext is installed, as CI does), where a missing tool is an error."""
    if not shutil.which("pdftotext"):
        if os.environ.get("TONGHU_REQUIRE_PDFTOTEXT"):
            raise RuntimeError("TONGHU_REQUIRE_PDFTOTEXT is set but pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def child(world):
    c = Child.objects.create(name="韦小燕", sex="F", birth_date=dt.date(2015, 3, 8), id_number=ID, village=world[IN_SCOPE_VILLAGE],
                             ethnicity="08", hukou_type="rural", ledger_category="农村留守儿童", hiv_infected=True, abuse_history="曾受侵害",
                             pairing_name="李老师", pairing_phone="13907760009", pairing_unit="凌云县民政局", director_name="黄主任")
    Guardian.objects.create(child=c, role="father", name="韦大山", phone="13907760001", occupation="外出务工")
    Assistance.objects.create(child=c, scheme="dibao", amount_month=300)
    return c


def test_missing_pdftotext_fails_instead_of_skipping_when_required(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("TONGHU_REQUIRE_PDFTOTEXT", "1")
    with pytest.raises(RuntimeError, match="TONGHU_REQUIRE_PDFTOTEXT"):
        pdf_text(b"%PDF-1.4", tmp_path)
    monkeypatch.delenv("TONGHU_REQUIRE_PDFTOTEXT")
    with pytest.raises(pytest.skip.Exception):
        pdf_text(b"%PDF-1.4", tmp_path)


def test_layout_from_a_plain_dict(tmp_path):
    """The template's table: sections, four quarterly visit rows, signature line, the privacy warning, watermark."""
    data = {"title": "2026 年农村留守儿童和困境儿童个人信息台账", "name": "测试儿童", "watermark": "打印人甲 2026-11-22 10:00",
            "visits": [{"date": "2026-02-03", "problems": "作业无人辅导", "measures": "联系结对志愿者"}]}
    text = pdf_text(build_pdf(data), tmp_path)
    for words in ("儿童基本信息", "家庭信息", "结对信息", "走访情况", "一季度走访", "二季度走访", "三季度走访", "四季度走访",
                  "发现的问题", "解决措施", "关爱帮扶", "建档人签名", "建档时间", "严禁泄露", "作业无人辅导", "联系结对志愿者", "打印人甲"):
        assert words in text.replace("\n", ""), words


@pytest.mark.django_db
def test_print_view_for_officer_shows_everything_and_is_audited(world, users, client, child, tmp_path):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    response = client.get(reverse("child_print", kwargs={"pk": child.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path).replace("\n", "")
    assert "韦小燕" in text and ID in text and "艾滋病病毒感染：是" in text and "曾受侵害" in text
    assert "韦大山" in text and "李老师" in text and officer.username in text
    entry = AuditEntry.objects.filter(action="print").get()
    assert entry.object_id == str(child.pk) and entry.actor == officer


@pytest.mark.django_db
def test_print_masks_for_roles_without_the_capabilities(world, users, client, child, tmp_path):
    """R-N1: the supervisor sees the ID but not the sensitive facts; a role without view_id_numbers sees it masked."""
    client.force_login(users[Role.SUPERVISOR])
    text = pdf_text(client.get(reverse("child_print", kwargs={"pk": child.pk})).content, tmp_path).replace("\n", "")
    assert ID in text and "受限信息" in text and "曾受侵害" not in text and "艾滋病病毒感染：是" not in text
    data = child_print_data(child, users[Role.CITY_STAFF])
    assert data["id_number"] == ID[:6] + "********" + ID[-4:] and data["sensitive"] == "受限信息"
    text = pdf_text(build_pdf(data), tmp_path)
    assert ID not in text and "曾受侵害" not in text


@pytest.mark.django_db
def test_print_refused_out_of_scope_and_without_capability(world, users, client, child, make_user):
    client.force_login(users[Role.CITY_STAFF])
    assert client.get(reverse("child_print", kwargs={"pk": child.pk})).status_code == 404
    client.force_login(make_user(Role.COUNTY_OFFICER, "533401000000"))
    assert client.get(reverse("child_print", kwargs={"pk": child.pk})).status_code == 404
    assert not AuditEntry.objects.filter(action="print").exists()


@pytest.mark.django_db
def test_quarter_visits_come_from_recorded_visits(child, users):
    """R-B2/R-C3: the printable file's four quarterly rows show the home visits, problems and measures."""
    from django.utils import timezone

    from tonghu.visits.services import visit_record

    today = timezone.localdate()
    assert quarter_visits(child, today.year) == [{}, {}, {}, {}]
    visit_record(actor=users[Role.CHILD_DIRECTOR], child=child, kind="home_visit", date=today, contacted_person="祖母",
                 details={"people_met": "祖母", "living_conditions": "住房稳固", "guardianship": "祖母照料", "schooling": "在校",
                          "health": "良好", "psychology": "开朗", "measures": "联系学校安排午餐补助"},
                 problems=[{"category": "schooling", "description": "经常迟到", "severity": "low"}])
    rows = quarter_visits(child, today.year)
    row = rows[(today.month - 1) // 3]
    assert row["date"] == f"{today.month}月{today.day}日"
    assert "经常迟到" in row["problems"]
    assert sum(1 for r in rows if r) == 1


@pytest.mark.django_db
def test_file_page_links_to_the_print_for_roles_that_may_print(world, users, client, child):
    client.force_login(users[Role.CHILD_DIRECTOR])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    assert reverse("child_print", kwargs={"pk": child.pk}) in page
    client.force_login(users[Role.CITY_STAFF])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    assert reverse("child_print", kwargs={"pk": child.pk}) not in page
