"""Case handling rules and bad input (R-F4, R-F5, R-F6): Chinese messages naming the field, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import IN_SCOPE_VILLAGE
from tonghu.cases import services
from tonghu.cases.models import Assessment, Report

from .helpers import assess, file_report, open_case


@pytest.mark.django_db
def test_report_form_errors_are_chinese_and_write_nothing(client, cast):
    client.force_login(cast["teacher"])
    page = client.post(reverse("report_create"), {"situation": "", "immediate_danger": "", "what_happened": "", "child_age": "40"}).content.decode()
    for message in ("请选择报告情形。", "请选择儿童是否正面临紧急危险。", "请填写发生了什么。", "大致年龄应在0至17岁之间。", "请选择儿童所在或事发的村（社区）、乡镇。"):
        assert message in page, message
    page = client.post(reverse("report_create"), {"situation": "abandonment", "immediate_danger": "0", "what_happened": "无人照料",
                                                  "region": "533401001200", "child_name": "某某"}).content.decode()
    assert "所选区域不在您的辖区内。" in page
    page = client.post(reverse("report_create"), {"situation": "abandonment", "immediate_danger": "0", "what_happened": "无人照料",
                                                  "region": IN_SCOPE_VILLAGE, "child_id_number": "123"}).content.decode()
    assert "身份证号格式或校验位不正确。" in page
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_id_number_links_the_file_without_telling_the_reporter(client, cast, child):
    """Reporters do not browse the registry: a known ID number links the file silently, in their region only."""
    client.force_login(cast["teacher"])
    client.post(reverse("report_create"), {"situation": "abandonment", "immediate_danger": "0", "what_happened": "无人照料",
                                           "region": IN_SCOPE_VILLAGE, "child_id_number": child.id_number})
    report = Report.objects.get()
    assert report.child == child
    page = client.get(reverse("report_detail", kwargs={"pk": report.pk})).content.decode()
    assert child.name not in page


@pytest.mark.django_db
def test_hotline_call_is_recorded_with_caller_and_callback(client, cast):
    """R-F3: the 12345 operator's form."""
    client.force_login(cast["officer"])
    page = client.post(reverse("report_hotline"), {"situation": "abandonment", "immediate_danger": "1", "what_happened": "邻居称孩子被锁在家里",
                                                   "region": IN_SCOPE_VILLAGE, "child_age": "5"}).content.decode()
    assert "请记录来电内容。" in page and "回拨号码" in page
    response = client.post(reverse("report_hotline"), {"situation": "abandonment", "immediate_danger": "1", "what_happened": "邻居称孩子被锁在家里",
                                                       "region": IN_SCOPE_VILLAGE, "child_age": "5", "caller_name": "", "callback_number": "13800001111",
                                                       "call_record": "来电人称隔壁5岁男孩被锁家中两天。"})
    report = Report.objects.get()
    assert response["Location"] == reverse("report_received", kwargs={"pk": report.pk})
    assert report.channel == "hotline" and report.callback_number == "13800001111" and report.reporter_name == ""
    page = client.get(response["Location"]).content.decode()
    assert "匿名来电" in page and "13800001111" in page


@pytest.mark.django_db
def test_assessment_scale_levels_and_override_needs_reason(cast, world):
    """R-F6: the four levels from scored indicators; changing the computed level needs a reason."""
    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    assert assess(cast["officer"], case, guardian_presence=3).level == "missing"
    assert assess(cast["officer"], case, family_economy=3, child_health=3).level == "insufficient"
    assert assess(cast["officer"], case).level == "normal"
    with pytest.raises(ValidationError) as exc:
        services.case_assess(actor=cast["officer"], case=case, assessed_on=timezone.localdate(), scores={"child_safety": 9})
    assert "“人身安全（受伤害、受威胁）”的评分应在0至3之间。" in str(exc.value) and "请为“健康与营养”评分。" in str(exc.value)
    with pytest.raises(ValidationError, match="请说明理由"):
        assess_scores = {c: 0 for c in ["child_safety", "child_health", "child_schooling", "guardian_presence", "guardian_capacity", "guardian_conduct", "family_economy", "family_support"]}
        services.case_assess(actor=cast["officer"], case=case, assessed_on=timezone.localdate(), scores=assess_scores, override_level="improper")
    assert Assessment.objects.filter(case=case).count() == 3


@pytest.mark.django_db
def test_referral_followup_closure_return_and_reopen(cast, world):
    officer, manager = cast["officer"], cast["manager"]
    case = open_case(officer, file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    with pytest.raises(ValidationError, match="结案前须完成监护风险评估"):
        services.case_request_closure(actor=officer, case=case, summary="x", outcome_for_reporter="y")
    ref = services.case_referral(actor=officer, case=case, target_kind="service", target_name="县心理咨询中心", referred_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="接收日期不能早于转介日期"):
        services.referral_update(actor=officer, referral=ref, accepted=True, accepted_on=dt.date(2026, 2, 1))
    services.referral_update(actor=officer, referral=ref, accepted=True, accepted_on=dt.date(2026, 3, 2), result="已开展6次辅导", result_on=dt.date(2026, 4, 1))
    services.case_followup(actor=officer, case=case, visited_on=timezone.localdate(), notes="情况稳定")
    assess(officer, case)
    services.case_request_closure(actor=officer, case=case, summary="稳定", outcome_for_reporter="已妥善处理")
    with pytest.raises(ValidationError, match="请说明理由"):
        services.case_decide_closure(actor=manager, case=case, approve=False)
    services.case_decide_closure(actor=manager, case=case, approve=False, note="请补充回访")
    assert case.status == "in_progress"
    services.case_request_closure(actor=officer, case=case, summary="稳定", outcome_for_reporter="已妥善处理")
    services.case_decide_closure(actor=manager, case=case, approve=True)
    with pytest.raises(ValidationError):
        services.case_placement(actor=officer, case=case, kind="relatives", placed_with="外婆", started_on=timezone.localdate())
    services.case_reopen(actor=manager, case=case, reason="再次发现受伤")
    case.report.refresh_from_db()
    assert case.status == "in_progress" and case.reopen_count == 1 and case.report.status == "accepted"
    services.case_placement(actor=officer, case=case, kind="relatives", placed_with="外婆", started_on=timezone.localdate())


@pytest.mark.django_db
def test_unknown_child_gets_a_file_when_identified(client, cast, world):
    """An unknown child's case is linked to a new file created through the registry's service."""
    report = file_report(cast["teacher"], world["451027001201"], child_name="", child_age=6, child_description="穿红衣服的男孩")
    case = open_case(cast["officer"], report)
    client.force_login(cast["officer"])
    page = client.post(reverse("case_link_child", kwargs={"pk": case.pk}), {"new_name": ""}).content.decode()
    assert "请填写已有儿童档案编号，或填写新建档案的信息。" in page
    response = client.post(reverse("case_link_child", kwargs={"pk": case.pk}), {
        "new_name": "韦小宝", "new_sex": "M", "new_birth_date": "2020-02-02", "new_village": IN_SCOPE_VILLAGE})
    assert response.status_code == 302, response.content.decode()[-3000:]
    case.refresh_from_db()
    assert case.child.name == "韦小宝" and case.region_id == IN_SCOPE_VILLAGE and case.report.child == case.child
    # The case appears in the child's file for the case team only.
    from tonghu.registry.sections import sections_for

    class Req:
        user = cast["officer"]

    assert any(case in list(ctx["child_cases"]) for s, ctx in sections_for(Req, case.child) if s.key == "cases.cases")
    Req.user = cast["director"]
    assert all(not list(ctx.get("child_cases", [])) for s, ctx in sections_for(Req, case.child) if s.key == "cases.cases")


@pytest.mark.django_db
def test_procuratorate_traceback_flag(client, cast, world):
    """R-F3: the reviewer flags a unit that should have reported but did not."""
    case = open_case(cast["officer"], file_report(cast["police"], world[IN_SCOPE_VILLAGE]))
    client.force_login(cast["procurator"])
    page = client.post(reverse("case_review", kwargs={"pk": case.pk}), {"compliant": "1", "findings": "", "flag_unit": "某幼儿园"}).content.decode()
    assert "请填写“审查意见”。" in page and "请填写倒查情况。" in page and "请选择单位类别。" in page
    assert not case.reviews.exists()
    client.post(reverse("case_review", kwargs={"pk": case.pk}), {"compliant": "0", "findings": "学校发现伤情未报告", "flag_unit": "某幼儿园",
                                                                 "flag_department": "school", "flag_reason": "教师3月已发现伤痕未报告"})
    assert case.reviews.get().compliant is False and case.traceback_flags.get().unit_name == "某幼儿园"
    # The reviewer cannot act on the case itself.
    assert client.get(reverse("case_assess", kwargs={"pk": case.pk})).status_code == 404
