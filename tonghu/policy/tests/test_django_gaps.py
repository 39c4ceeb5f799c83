"""应保尽保 (R-E1): the county list by township with counts, drill-down, and the officer's decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.policy.models import EntitlementGap, GapDecision
from tonghu.policy.services import classification_refresh
from tonghu.policy.tests.django_helpers import D, facts_table, profiles  # noqa: F401

pytestmark = pytest.mark.django_db

GX = "451027001200"
DEAD = {"deceased": {"date": "2020-03-01", "evidence": True}}


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _orphan(make_child, world, facts_table, village=GX, name="孤儿甲", received=()):
    child = make_child(village=world[village], name=name, birth_date=D("2014-05-01"))
    facts_table[child.pk] = {"child": {"birth_date": "2014-05-01", "hukou_type": "rural", "residence_code": village,
                                       "schooling": {"status": "in_school"}},
                             "guardians": [{"role": "father", **DEAD}, {"role": "mother", **DEAD}],
                             "assistance_received": list(received)}
    classification_refresh(child=child, on=D("2025-06-01"))
    return child


def test_gaps_stored_with_reason(world, profiles, facts_table, make_child):
    """R-E1: an orphan without allowances has the orphan allowance, 特困 and student grant gaps, each with its reason."""
    child = _orphan(make_child, world, facts_table)
    gaps = {g.scheme: g for g in EntitlementGap.objects.filter(child=child)}
    assert set(gaps) == {"orphan_allowance", "tekun", "student_grant"}
    assert "孤儿" in gaps["orphan_allowance"].reason_zh and gaps["orphan_allowance"].source
    # receiving the allowance closes the gap at the next refresh
    facts_table[child.pk]["assistance_received"] = ["orphan_allowance"]
    classification_refresh(child=child, on=D("2025-06-02"))
    assert not EntitlementGap.objects.get(child=child, scheme="orphan_allowance").open


def test_county_page_counts_by_township_and_drills_down(world, users, profiles, facts_table, client, make_child):
    """R-E1: the county officer sees counts per township, then per village, then the children."""
    _orphan(make_child, world, facts_table, GX, "孤儿甲")
    _orphan(make_child, world, facts_table, "451027002200", "孤儿乙")
    _orphan(make_child, world, facts_table, "533401001200", "外县孤儿")  # another county: never counted
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("policy_gap_list")).content.decode()
    assert "泗城镇" in page and "下甲镇" in page and "共 6 项" in page
    assert "外县孤儿" not in page
    township = client.get(reverse("policy_gap_list") + "?region=451027001000").content.decode()
    assert "青山村" in township and "共 3 项" in township
    village = client.get(reverse("policy_gap_list") + f"?region={GX}").content.decode()
    assert "孤儿甲" in village and "孤儿基本生活费" in village and "孤儿乙" not in village


def test_decision_takes_gap_off_the_list_and_is_kept(world, users, profiles, facts_table, client, make_child):
    """R-E1: 'not eligible' needs a reason (Chinese error); a decision removes the gap from the open list, is kept
    in the decision history and audited; it stays listed under 已处理."""
    child = _orphan(make_child, world, facts_table)
    gap = EntitlementGap.objects.get(child=child, scheme="orphan_allowance")
    url = reverse("policy_gap_decide", kwargs={"pk": gap.pk})
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.post(url, {"decision": "not_eligible", "note": ""})
    assert response.status_code == 200 and "请写明不符合的原因" in response.content.decode()
    assert not GapDecision.objects.exists()
    response = client.post(url, {"decision": "not_eligible", "note": "经公安机关核实，生父母已找到"})
    assert response.status_code == 302
    gap.refresh_from_db()
    assert gap.decision == "not_eligible" and gap.decided_by == users[Role.COUNTY_OFFICER]
    assert GapDecision.objects.filter(gap=gap).count() == 1
    assert AuditEntry.objects.filter(summary__contains="应保尽保处理").exists()
    listing = client.get(reverse("policy_gap_list") + f"?region={GX}").content.decode()
    assert "孤儿基本生活费" not in listing and "特困人员救助供养" in listing
    decided = client.get(reverse("policy_gap_list") + f"?region={GX}&decided=1").content.decode()
    assert "生父母已找到" in decided
    # a refresh keeps the decision while the gap stays open
    classification_refresh(child=child, on=D("2025-06-03"))
    gap.refresh_from_db()
    assert gap.decision == "not_eligible"


def test_directors_and_supervisors_cannot_decide(world, users, profiles, facts_table, client, make_child):
    child = _orphan(make_child, world, facts_table)
    gap = EntitlementGap.objects.get(child=child, scheme="orphan_allowance")
    for role in (Role.CHILD_DIRECTOR, Role.SUPERVISOR):
        client.force_login(users[role])
        assert client.post(reverse("policy_gap_decide", kwargs={"pk": gap.pk}), {"decision": "enrolled"}).status_code == 404
    gap.refresh_from_db()
    assert gap.decision == "" and gap.decided_by is None
    assert not GapDecision.objects.filter(gap=gap).exists()
    client.force_login(users[Role.SUPERVISOR])
    assert client.get(reverse("policy_gap_list") + f"?region={GX}").status_code == 200
