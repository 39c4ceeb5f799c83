"""Issue 19 as a county user sees it: the 劝返复学 need on the gaps page (R-E4) and each plan's own name for its
groups on the child's file (001: 留守儿童)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.policy.models import EntitlementGap
from tonghu.policy.services import classification_refresh
from tonghu.policy.tests.django_helpers import D, both_away, facts_table, profiles  # noqa: F401

pytestmark = pytest.mark.django_db

GX = "451027001200"
SGLL = "533401001200"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _dropout(make_child, world, facts_table, name="辍学甲"):
    child = make_child(village=world[GX], name=name, birth_date=D("2013-05-01"))
    facts_table[child.pk] = {"child": {"birth_date": "2013-05-01", "hukou_type": "rural", "residence_code": GX,
                                       "schooling": {"status": "dropped_out", "dropout_since": "2025-03-01"}},
                             "household": {"dibao": True}}
    classification_refresh(child=child, on=D("2025-06-01"))
    return child


def test_dropout_need_is_stored_and_listed(world, users, profiles, facts_table, client, make_child):
    """R-E4 (003 §二(三)10): a poor-family dropout of 12 shows 劝返复学 and education aid on the county's list."""
    child = _dropout(make_child, world, facts_table)
    gaps = {g.scheme: g for g in EntitlementGap.objects.filter(child=child, open=True)}
    assert set(gaps) == {"return_to_school", "education_aid"}
    assert "2025年3月1日起辍学" in gaps["return_to_school"].reason_zh
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("policy_gap_list") + f"?region={GX}").content.decode()
    assert "辍学甲" in page and "劝返复学" in page
    # back at school: the need closes at the next refresh, the education aid stays
    facts_table[child.pk]["child"]["schooling"] = {"status": "in_school"}
    classification_refresh(child=child, on=D("2025-09-01"))
    assert not EntitlementGap.objects.get(child=child, scheme="return_to_school").open
    assert EntitlementGap.objects.get(child=child, scheme="education_aid").open


def test_dropout_need_reads_in_english(world, users, profiles, facts_table, client, make_child):
    _dropout(make_child, world, facts_table)
    client.force_login(users[Role.COUNTY_OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("policy_gap_list") + f"?region={GX}").content.decode()
    assert "Return to school" in page and "Education aid" in page


def test_shangrila_file_names_the_group_as_its_plan_does(world, make_user, profiles, facts_table, client, make_child):
    """001 §一(三): the file of a Shangri-La child says 留守儿童, never 农村留守儿童."""
    child = make_child(village=world[SGLL], name="城镇留守", birth_date=D("2014-05-01"))
    facts_table[child.pk] = both_away("2014-05-01", "2024-01-01", SGLL, dest="533422", hukou="urban")
    classification_refresh(child=child, on=D("2025-06-01"))
    assert child.classification.left_behind is True  # 德钦县 is outside 香格里拉市 (issue 19, item 1)
    officer = make_user(Role.COUNTY_OFFICER, "533401000000")
    client.force_login(officer)
    page = client.get(reverse("child_detail", args=[child.pk])).content.decode()
    assert "留守儿童" in page
    assert "农村留守儿童" not in page.split("认定")[-1]  # the classification section
