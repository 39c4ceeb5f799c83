"""Stricter access to cases (R-N1, R-F2): case team, county staff and the reviewer only; 404 for everyone else;
every opening audited; the reporter's identity confidential to the case team."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.audit.models import AuditEntry
from tonghu.cases.services import case_add_member

from .helpers import file_report, open_case


@pytest.fixture
def case(cast, world, child):
    report = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], child=child, reporter_phone="13907760001",
                         what_happened="疑似遭受家庭暴力")
    return open_case(cast["officer"], report)


@pytest.mark.django_db
def test_teacher_and_other_village_director_cannot_read_the_case(client, cast, case):
    """R-N1: the reporting teacher and a child director of another village get 404 on page and API."""
    for who in ("teacher", "other_director", "director", "education"):
        client.force_login(cast[who])
        for name in ("case_detail", "case-detail", "case_intervention", "case_followup"):
            assert client.get(reverse(name, kwargs={"pk": case.pk})).status_code == 404, (who, name)
        assert case.number not in client.get(reverse("case_list")).content.decode()
    assert not AuditEntry.objects.filter(object_type="cases.case", action="view").exists()


@pytest.mark.django_db
def test_the_village_director_reads_the_case_once_added_and_every_opening_is_audited(client, cast, case):
    """A member sees the case; each opening (page or API) is one audit entry."""
    director = cast["director"]
    client.force_login(director)
    assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404
    case_add_member(actor=cast["officer"], case=case, user=director)
    assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 200
    assert client.get(reverse("case-detail", kwargs={"pk": case.pk})).status_code == 200
    views = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action="view", actor=director)
    assert views.count() == 2
    # A child director of another village cannot be added: the case is outside their region.
    with pytest.raises(ValidationError):
        case_add_member(actor=cast["officer"], case=case, user=cast["other_director"])


@pytest.mark.django_db
def test_reporter_identity_is_confidential_to_the_case_team(client, cast, case):
    """R-F2: the case team sees who reported; the reviewer and routed departments see only the unit type."""
    for who, sees in (("officer", True), ("manager", True), ("procurator", False)):
        client.force_login(cast[who])
        page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
        assert ("13907760001" in page) is sees and ("黄晓梅" in page) is sees, who  # not in the facts, nor the timeline
        api = client.get(reverse("case-detail", kwargs={"pk": case.pk})).json()
        assert (api["reporter"] is not None) is sees, who
    # The education bureau received the report, but is not on the team.
    client.force_login(cast["education"])
    page = client.get(reverse("report_received", kwargs={"pk": case.report.pk})).content.decode()
    assert "疑似遭受家庭暴力" in page and "黄晓梅" not in page and "13907760001" not in page and "报告人身份仅个案办理人员可见" in page
    # Once added to the team, they see it.
    case_add_member(actor=cast["officer"], case=case, user=cast["education"])
    page = client.get(reverse("report_received", kwargs={"pk": case.report.pk})).content.decode()
    assert "黄晓梅" in page


@pytest.mark.django_db
def test_routed_reports_are_seen_by_routed_departments_only(client, cast, world):
    """Receipt: civil affairs (county staff) and the routed departments' users; not the teacher's school."""
    report = file_report(cast["officer"], world[IN_SCOPE_VILLAGE])
    for who, sees in (("officer", True), ("police", True), ("education", True), ("teacher", False)):
        client.force_login(cast[who])
        assert (report.number in client.get(reverse("report_inbox")).content.decode()) is sees, who
        code = client.get(reverse("report_received", kwargs={"pk": report.pk})).status_code
        assert code == (200 if sees else 404), who
    assert AuditEntry.objects.filter(object_type="cases.report", object_id=str(report.pk), action="view").count() == 3


@pytest.mark.django_db
def test_cases_permission_matrix(users, world, client, make_user):
    """The shared permission matrix restricted to this app's endpoints, for every role (R-N1)."""
    from tonghu.accounts.roles import Role
    from tonghu.core import capabilities
    from tonghu.core.tests import test_permission_matrix as matrix

    mine = {k: v for k, v in capabilities.endpoints().items() if k.startswith(("report", "case", "review"))}
    assert len(mine) >= 25
    stranger = make_user(Role.COUNTY_OFFICER, "533401000000")
    original = matrix.endpoints
    matrix.endpoints = lambda: mine
    try:
        failures = []
        for role in Role.values:
            failures += [f"{role}: {f}" for f in matrix.run_matrix(users[role], world, client, stranger)]
    finally:
        matrix.endpoints = original
    assert not failures, "\n".join(failures)
