"""Everyday use (issue 18) in mandatory reports and cases."""

from __future__ import annotations

from conftest import IN_SCOPE_VILLAGE

from .conftest import notices
from .helpers import file_report


def test_new_report_notice_names_the_whole_situation(cast, world):
    """Issue 18 §9: the notice cut the label mid-list: "（五）因自杀、自残、工伤、中毒、被麻醉、）"."""
    file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], situation="abnormal_harm")
    titles = notices(cast["officer"])
    assert titles, "the county officer is told"
    assert "（五）因自杀、自残、工伤、中毒、被麻醉、殴打等非正常原因导致伤残、死亡）" in titles[0]


def _menu(client, user) -> set[str]:
    import re

    client.force_login(user)
    return set(re.findall(r'data-nav="([^"]+)"', client.get("/").content.decode()))


def test_case_menu_only_for_team_members(cast, world, client):
    """Issue 18 §6: 个案 was always empty for a reporter or director on no case team."""
    from tonghu.cases import services

    from .helpers import open_case

    assert "case_list" not in _menu(client, cast["director"])
    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    services.case_add_member(actor=cast["officer"], case=case, user=cast["director"])
    assert "case_list" in _menu(client, cast["director"])
