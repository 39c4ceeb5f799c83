"""Everyday use (issue 18) in mandatory reports and cases."""

from __future__ import annotations

from conftest import IN_SCOPE_VILLAGE

from .conftest import notices
from .helpers import assess, file_report


def test_new_report_notice_names_the_whole_situation(cast, world):
    """Issue 18 §9: the notice cut the label mid-list: "（五）因自杀、自残、工伤、中毒、被麻醉、）"."""
    file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], situation="abnormal_harm")
    titles = notices(cast["officer"])
    assert titles, "the county officer is told"
    assert "（五）因自杀、自残、工伤、中毒、被麻醉、殴打等非正常原因导致伤残、死亡）" in titles[0]


def _menu(client, user) -> set[str]:
    import re

    client.force_login(user)
    return set(re.findall(r'data-nav="([^"]+)"', client.get("/", follow=True).content.decode()))


def test_case_menu_only_for_team_members(cast, world, client):
    """Issue 18 §6: 个案 was always empty for a reporter or director on no case team."""
    from tonghu.cases import services

    from .helpers import open_case

    assert "case_list" not in _menu(client, cast["director"])
    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_add_member(actor=cast["officer"], case=case, user=cast["director"])
    assert "case_list" in _menu(client, cast["director"])


def test_procurator_sees_the_childs_name_without_a_link_to_a_file_they_cannot_open(cast, world, child, client):
    """Issue 18 §7: the procurator's case page linked to the child's file, which answers 404 for that role."""
    from django.urls import reverse

    from tonghu.cases import services

    from .helpers import open_case

    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_link_child(actor=cast["officer"], case=case, child=child)
    file_url = reverse("child_detail", kwargs={"pk": child.pk})
    client.force_login(cast["procurator"])
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "罗小花" in page and file_url not in page
    assert client.get(file_url).status_code == 404, "the file stays closed to the procurator"
    client.force_login(cast["officer"])
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert file_url in page
    assert client.get(file_url).status_code == 200


def test_stale_closure_approval_link_lands_on_the_case_with_the_reason(cast, world, client):
    """Issue 18 §7: the manager's old "申请结案，请审批" notice opened an approval form for a closed case."""
    from django.urls import reverse

    from tonghu.cases import services

    from .helpers import open_case

    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_add_member(actor=cast["officer"], case=case, user=cast["manager"])
    assess(cast["officer"], case)
    services.case_request_closure(actor=cast["officer"], case=case, summary="已落实监护。", outcome_for_reporter="已妥善处置。")
    services.case_decide_closure(actor=cast["manager"], case=case, approve=True)
    client.force_login(cast["manager"])
    response = client.get(reverse("case_close_approve", kwargs={"pk": case.pk}), follow=True)
    assert response.redirect_chain[-1][0] == reverse("case_detail", kwargs={"pk": case.pk})
    page = response.content.decode()
    assert "已结案" in page and "“结案审批”已不适用" in page
    assert 'name="decision"' not in page
    # The case that is pending still shows the form.
    case2 = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_add_member(actor=cast["officer"], case=case2, user=cast["manager"])
    assess(cast["officer"], case2)
    services.case_request_closure(actor=cast["officer"], case=case2, summary="已落实监护。", outcome_for_reporter="已妥善处置。")
    assert 'name="decision"' in client.get(reverse("case_close_approve", kwargs={"pk": case2.pk})).content.decode()


def test_case_step_pages_are_in_english(cast, world, client):
    """Issue 18 §3: step page titles were translated once, at import, in Chinese."""
    from django.urls import reverse

    from .helpers import open_case

    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    client.force_login(cast["officer"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("case_assess", kwargs={"pk": case.pk})).content.decode()
    assert "监护风险评估" not in page


def test_deadline_citations_only_for_officers_and_behind_a_disclosure(cast, world, client):
    """Issue 18 §4: the deadline column showed "tonghu 默认…（系统默认，待确认）" and "003 §二(二)7" to everyone."""
    import re

    from django.urls import reverse

    from tonghu.cases import services

    from .helpers import open_case

    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_add_member(actor=cast["officer"], case=case, user=cast["director"])
    source = case.report.deadlines.exclude(source="").first().source
    client.force_login(cast["officer"])
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert source in page
    assert source not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    client.force_login(cast["director"])
    assert source not in client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
