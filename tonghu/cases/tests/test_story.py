"""The Done-when story of issue 6, end to end through the pages (R-F2, R-F3, R-F4, R-F5, R-F6, R-N1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tonghu.audit.models import AuditEntry
from tonghu.cases.models import Case, CaseStatus, Deadline, Report, ReportStatus
from tonghu.cases.services import escalate_overdue

from .conftest import notices

SENSITIVE = ["罗永福", "县未成年人救助保护中心", "会商纪要：父亲酒后殴打", "监护失当", "人身安全保护令", "（2026）桂1027民保令1号"]


@pytest.mark.django_db
def test_done_when_story(client, cast, child):
    """R-F2 a teacher reports; R-F3 the reviewer marks it; R-F4/F5/F6 the case is handled; R-N1 strangers get 404."""
    teacher, police, officer, manager = cast["teacher"], cast["police"], cast["officer"], cast["manager"]

    # 1. The teacher files a report (she gives the ID number: reporters do not browse the registry).
    client.force_login(teacher)
    assert "child_file" not in client.get(reverse("report_create")).content.decode()
    response = client.post(reverse("report_create"), {
        "situation": "injuries_violence", "immediate_danger": "1", "child_id_number": child.id_number,
        "region": "451027001200", "what_happened": "学生身上多处淤青，自述被父亲殴打。", "occurred_place": "家中",
        "reporter_unit": "凌云县第一小学", "reporter_phone": "13907760001",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get()
    assert report.child == child and report.immediate_danger and report.reporter == teacher
    assert client.get(response["Location"]).content.decode().count("等待受理") == 1

    # 2. The county officer and the police see it with its deadline (immediate danger: hours).
    for receiver in (officer, police):
        client.force_login(receiver)
        page = client.get(reverse("report_inbox")).content.decode()
        assert report.number in page and "紧急" in page
        assert timezone.localtime(report.submitted_at + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M") in page
        assert any("新的强制报告" in t for t in notices(receiver))
    client.force_login(police)
    assert client.post(reverse("report_received", kwargs={"pk": report.pk})).status_code == 302
    assert Deadline.objects.get(report=report, kind="accept", department="public_security").done_by == police

    # 3. Civil affairs does not accept in time: the acceptance escalates to the county manager.
    # (the report was filed three hours ago)
    Report.objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - dt.timedelta(hours=3))
    for d in Deadline.objects.filter(report=report):
        Deadline.objects.filter(pk=d.pk).update(due_at=d.due_at - dt.timedelta(hours=3))
    assert escalate_overdue() == 3  # civil affairs, education, women's federation
    assert any("逾期上报" in t for t in notices(manager))
    client.force_login(officer)
    assert "已逾期" in client.get(reverse("report_received", kwargs={"pk": report.pk})).content.decode()

    # 4. Accept → assess → conference → intervention → placement → closure request.
    response = client.post(reverse("report_accept", kwargs={"pk": report.pk}), {"action": "accept", "note": "立即核查"})
    case = Case.objects.get(report=report)
    assert response["Location"] == reverse("case_detail", kwargs={"pk": case.pk})
    assert case.memberships.filter(user=police).exists(), "the police officer who signed joins the team"
    scores = {f"score_{c}": "0" for c in ["child_safety", "child_health", "child_schooling", "guardian_presence", "guardian_capacity", "guardian_conduct", "family_economy", "family_support"]}
    scores.update(score_guardian_conduct="3", score_child_safety="2", assessed_on=timezone.localdate().isoformat())
    assert client.post(reverse("case_assess", kwargs={"pk": case.pk}), scores).status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "improper" and case.status == CaseStatus.ASSESSED
    assert client.post(reverse("case_conference", kwargs={"pk": case.pk}), {
        "held_on": timezone.localdate().isoformat(), "participants": "民政、公安、学校、村委会",
        "minutes": "会商纪要：父亲酒后殴打，母亲外出务工。", "decisions": "申请人身安全保护令；临时安置。"}).status_code == 302
    client.force_login(police)  # a team member from another department records the court's order
    assert client.post(reverse("case_intervention", kwargs={"pk": case.pk}), {
        "kind": "protection_order", "department": "court", "started_on": timezone.localdate().isoformat(),
        "document_number": "（2026）桂1027民保令1号", "description": "法院作出人身安全保护令"}).status_code == 302
    client.force_login(officer)
    assert client.post(reverse("case_placement", kwargs={"pk": case.pk}), {
        "kind": "protection_institution", "placed_with": "县未成年人救助保护中心", "started_on": timezone.localdate().isoformat(),
        "notes": "父亲罗永福暂不得接触儿童"}).status_code == 302
    assert client.post(reverse("case_close_request", kwargs={"pk": case.pk}), {
        "summary": "保护令生效，儿童由祖母照料。", "outcome_for_reporter": "儿童已得到妥善照料，相关部门已依法处理。"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PENDING
    # The officer cannot approve their own closure.
    assert client.get(reverse("case_close_approve", kwargs={"pk": case.pk})).status_code == 404

    # 5. The county manager approves.
    client.force_login(manager)
    assert client.post(reverse("case_close_approve", kwargs={"pk": case.pk}), {"decision": "approve", "note": ""}).status_code == 302
    case.refresh_from_db()
    report.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == manager and report.status == ReportStatus.CLOSED

    # 6. The teacher sees the outcome in plain words, never the details.
    client.force_login(teacher)
    page = client.get(reverse("report_detail", kwargs={"pk": report.pk})).content.decode()
    assert "儿童已得到妥善照料，相关部门已依法处理。" in page and "已办结" in page
    for secret in SENSITIVE:
        assert secret not in page, secret
    api = client.get(reverse("report-detail", kwargs={"pk": report.pk})).json()
    assert api["status"] == "closed" and api["feedback"] == "儿童已得到妥善照料，相关部门已依法处理。"
    assert not any(secret in str(api) for secret in SENSITIVE)
    assert any("已办结" in t for t in notices(teacher))

    # 7. The procuratorate reviewer sees it in the queue and marks it reviewed.
    client.force_login(cast["procurator"])
    assert case.number in client.get(reverse("review_queue")).content.decode()
    detail = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "会商纪要：父亲酒后殴打" in detail and "县未成年人救助保护中心" in detail
    assert "13907760001" not in detail, "the reporter's identity is confidential to the case team"
    assert client.post(reverse("case_review", kwargs={"pk": case.pk}), {"compliant": "0", "findings": "民政受理超时1小时。"}).status_code == 302
    assert case.number not in client.get(reverse("review_queue")).content.decode()
    assert case.number in client.get(reverse("review_queue") + "?show=reviewed").content.decode()

    # 8. The teacher and a child director of another village cannot read the case.
    for outsider in (teacher, cast["other_director"], cast["director"]):
        client.force_login(outsider)
        assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404
        assert client.get(reverse("case-detail", kwargs={"pk": case.pk})).status_code == 404
    # Every opening was audited (the reviewer's above); refused attempts were not openings.
    assert list(AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action="view").values_list("actor__username", flat=True)) == [cast["procurator"].username]
