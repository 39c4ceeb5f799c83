"""Stored classification, the file-page section, the daily job and notifications (R-A1–A5, R-A4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.policy.models import ChildClassification, ClassificationChange, EntitlementGap
from tonghu.policy.services import classification_daily, classification_refresh, classification_refresh_many
from tonghu.policy.tests.django_helpers import D, both_away, facts_table, plan_villages, profiles  # noqa: F401

pytestmark = pytest.mark.django_db

GX = "451027001200"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _section_html(user, child) -> str:
    from tonghu.registry.sections import sections_for

    request = RequestFactory().get("/")
    request.user = user
    shown = [(s, ctx) for s, ctx in sections_for(request, child) if s.key == "policy.classification"]
    assert shown, "the policy section is registered and visible to file readers"
    section, ctx = shown[0]
    return render_to_string(section.template, ctx, request=request)


def test_registry_rows_are_classified_through_child_facts(world, profiles, make_child):
    """R-A1: facts recorded in the registry (both parents away three months, another city) make a left-behind child."""
    from tonghu.registry.models import Guardian

    child = make_child(village=world[GX], name="登记事实", birth_date=D("2015-02-01"), hukou_type="rural")
    for role in ("father", "mother"):
        Guardian.objects.create(child=child, role=role, name=f"{role}名", working_away=True,
                                away_since=dt.date(2025, 1, 1), away_destination_code="440305")
    c = classification_refresh(child=child, on=dt.date(2025, 6, 1))
    assert c.left_behind and c.profile_key == "guangxi"
    assert c.categories_text.strip().split() == ["left_behind"]
    assert ClassificationChange.objects.get(child=child).trigger == "initial"


def test_file_section_explains_why_and_why_not(world, users, profiles, facts_table, make_child):
    """R-A4: the file page says for each group whether the child is in it and why — facts, rule, profile and
    version, seed clause — and why not for the others."""
    child = make_child(village=world[GX], name="解释儿童", birth_date=D("2014-05-01"))
    facts_table[child.pk] = both_away("2014-05-01", "2024-06-01", GX)
    classification_refresh(child=child, on=dt.date(2025, 6, 1))
    html = _section_html(users[Role.CHILD_DIRECTOR], child)
    assert 'data-group="left_behind"' in html and "属于农村留守儿童" in html
    assert "外出务工" in html and "开始日期：2024-06-01" in html  # the fact used
    assert "guangxi@2024.1" in html  # profile and version
    assert "003 §一(三)" in html  # the seed clause
    assert "不属于" in html  # why not (困境 categories)
    assert "重新认定" in html  # directors may re-evaluate


def test_sensitive_category_is_restricted_for_directors(world, users, profiles, facts_table, make_child):
    """Rule 7: an HIV-infected child's category and allowance gap are shown to county officers only."""
    child = make_child(village=world["533401001200"], name="敏感儿童", birth_date=D("2014-05-01"))
    facts_table[child.pk] = {"child": {"birth_date": "2014-05-01", "residence_code": "533401001200",
                                       "health": {"hiv": {"evidence": True}}}}
    c = classification_refresh(child=child, on=dt.date(2025, 6, 1))
    assert "in_difficulty.hiv" in c.categories
    from tonghu.accounts.models import User

    director = User.objects.create_user(username="sg-dir", password="x-2026-abc", role=Role.CHILD_DIRECTOR, region_id="533401001200")
    officer = User.objects.create_user(username="sg-off", password="x-2026-abc", role=Role.COUNTY_OFFICER, region_id="533401000000")
    director_html = _section_html(director, child)
    assert "艾滋病" not in director_html and "受限信息" in director_html
    assert "艾滋病" in _section_html(officer, child)


def test_daily_job_16th_birthday_leaves_left_behind_and_notifies(world, users, profiles, facts_table, make_child):
    """R-A4: the day before the 16th birthday the child is left-behind; the daily job on the birthday (and only
    then) takes them out, keeps the change in the history and tells the director and the county officer."""
    from tonghu.visits.models import Notification

    child = make_child(village=world[GX], name="满十六", birth_date=D("2010-03-15"), director=users[Role.CHILD_DIRECTOR])
    facts_table[child.pk] = both_away("2010-03-15", "2024-01-01", GX)
    c = classification_refresh(child=child, on=D("2026-03-14"))
    assert c.left_behind and c.next_change_on == D("2026-03-15")
    computed = c.computed_at
    assert classification_daily(on=D("2026-03-14"))["due"] == 0
    assert ChildClassification.objects.get(child=child).computed_at == computed  # not touched before its date

    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    job = Job.objects.create(kind="policy_daily", label="daily", created_by=users[Role.COUNTY_OFFICER],
                             params={"on": "2026-03-15", "region_prefix": "451027"})
    job = execute_job(job.pk)
    assert job.status == "succeeded", job.message
    assert job.result["changed"] == 1
    c = ChildClassification.objects.get(child=child)
    assert not c.left_behind
    change = ClassificationChange.objects.filter(child=child).first()
    assert change.left == ["left_behind"] and "满16周岁" in change.reason and change.trigger == "date"
    assert ClassificationChange.objects.filter(child=child).count() == 2  # initial + the birthday
    notified = set(Notification.objects.filter(kind="policy_classification").values_list("user__username", flat=True))
    assert {users[Role.CHILD_DIRECTOR].username, users[Role.COUNTY_OFFICER].username} <= notified
    assert sorted(change.notified) == sorted(notified)


def test_daily_job_three_months_away_reached(world, profiles, facts_table, make_child):
    """R-A1/R-A4: parents left 2026-01-10; the child becomes left-behind on 2026-04-10 (3 months), not on 04-09."""
    child = make_child(village=world[GX], name="满三个月", birth_date=D("2015-05-01"))
    facts_table[child.pk] = both_away("2015-05-01", "2026-01-10", GX)
    c = classification_refresh(child=child, on=D("2026-04-01"))
    assert not c.left_behind and c.next_change_on == D("2026-04-10")
    classification_daily(on=D("2026-04-09"))
    assert not ChildClassification.objects.get(child=child).left_behind
    classification_daily(on=D("2026-04-10"))
    c = ChildClassification.objects.get(child=child)
    assert c.left_behind
    change = ClassificationChange.objects.filter(child=child).first()
    assert change.entered == ["left_behind"] and "满3个月" in change.reason


def test_six_months_detention_makes_de_facto_unsupported(world, profiles, facts_table, make_child):
    """R-A5: father dead, mother detained since 2025-01-20: de facto unsupported from 2025-07-20 (6 months)."""
    child = make_child(village=world[GX], name="事实无人抚养", birth_date=D("2015-05-01"))
    facts_table[child.pk] = {
        "child": {"birth_date": "2015-05-01", "hukou_type": "rural", "residence_code": GX},
        "guardians": [{"role": "father", "deceased": {"date": "2020-01-01", "evidence": True}},
                      {"role": "mother", "restrictions": [{"kind": "detention", "from": "2025-01-20", "evidence": True}]}],
    }
    c = classification_refresh(child=child, on=D("2025-07-19"))
    assert "in_difficulty.de_facto_unsupported" not in c.categories and c.next_change_on == D("2025-07-20")
    classification_daily(on=D("2025-07-20"))
    c = ChildClassification.objects.get(child=child)
    assert "in_difficulty.de_facto_unsupported" in c.categories
    assert EntitlementGap.objects.filter(child=child, scheme="unsupported_allowance", open=True).exists()


def test_bad_facts_are_stored_as_an_error_not_a_crash(world, users, profiles, facts_table, make_child):
    child = make_child(village=world[GX], name="错误事实")
    facts_table[child.pk] = {"child": {"birth_date": "2015-05-01", "residence_code": "12"}}
    c = classification_refresh(child=child, on=D("2025-07-19"))
    assert c.categories == [] and "child.residence_code" in c.explanation["error"]
    assert "child.residence_code" in _section_html(users[Role.COUNTY_OFFICER], child)


def test_refresh_button_and_bulk(world, users, profiles, client, facts_table, make_child):
    """On demand: the file page's 重新认定 button; in bulk: the demo's first classification."""
    children = [make_child(village=world[GX], name=f"批量{i}", birth_date=D("2016-01-01")) for i in range(3)]
    assert classification_refresh_many(children, on=D("2025-01-01")) == 3
    assert ChildClassification.objects.count() == 3 and ClassificationChange.objects.count() == 3
    children.append(make_child(village=world[GX], name="批量新", birth_date=D("2016-01-01")))  # a re-import: old and new files mixed
    assert classification_refresh_many(children, on=D("2025-01-02")) == 4
    assert ChildClassification.objects.count() == 4 and ClassificationChange.objects.count() == 4
    client.force_login(users[Role.CHILD_DIRECTOR])
    response = client.post(reverse("policy_child_refresh", kwargs={"pk": children[0].pk}))
    assert response.status_code == 302
    client.force_login(users[Role.SUPERVISOR])
    assert client.post(reverse("policy_child_refresh", kwargs={"pk": children[0].pk})).status_code == 404


def test_category_filter_hook(world, profiles, facts_table, make_child):
    """The registry list can filter by stored category."""
    from tonghu.policy.selectors import filter_children_by_category
    from tonghu.registry.models import Child

    a = make_child(village=world[GX], name="留守甲")
    b = make_child(village=world[GX], name="普通乙")
    facts_table[a.pk] = both_away("2014-05-01", "2024-01-01", GX)
    facts_table[b.pk] = {"child": {"birth_date": "2014-05-01", "hukou_type": "rural", "residence_code": GX}}
    for ch in (a, b):
        classification_refresh(child=ch, on=D("2025-01-01"))
    assert list(filter_children_by_category(Child.objects.all(), "left_behind")) == [a]
    assert list(filter_children_by_category(Child.objects.all(), "none")) == [b]


def test_file_page_shows_the_section_and_classifies_unclassified_children(world, users, profiles, client, facts_table, make_child):
    """The one-child file page carries the 儿童类别认定 section; a file never classified is classified when shown."""
    child = make_child(village=world[GX], name="页面儿童", birth_date=D("2014-05-01"))
    facts_table[child.pk] = both_away("2014-05-01", "2024-06-01", GX)
    assert not ChildClassification.objects.filter(child=child).exists()
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    assert "儿童类别认定" in page and 'data-testid="policy-section"' in page and "属于农村留守儿童" in page
    assert ChildClassification.objects.get(child=child).left_behind


def test_region_refresh_job_and_daily_command(world, users, profiles, client, facts_table, make_child):
    """On demand for a region (job, every open file of the user's region) and the nightly command."""
    import io

    from django.core.management import call_command

    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    mine = make_child(village=world[GX], name="本县", birth_date=D("2015-01-01"))
    other = make_child(village=world["533401001200"], name="外县", birth_date=D("2015-01-01"))
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.post(reverse("policy_region_refresh"))
    job = Job.objects.get(kind="policy_daily")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", kwargs={"pk": job.pk})
    job = execute_job(job.pk)
    assert job.status == "succeeded" and job.result["checked"] == 1
    assert ChildClassification.objects.filter(child=mine).exists() and not ChildClassification.objects.filter(child=other).exists()
    out = io.StringIO()
    call_command("policy_daily", "--on", "2026-01-01", stdout=out)
    assert "checked=1" in out.getvalue() and ChildClassification.objects.filter(child=other).exists()


def test_file_section_in_english(world, users, profiles, facts_table, make_child):
    """The engine words every verdict in both languages; the English interface shows the English sentence."""
    from django.utils import translation

    child = make_child(village=world[GX], name="英文界面", birth_date=D("2014-05-01"))
    facts_table[child.pk] = both_away("2014-05-01", "2024-06-01", GX)
    classification_refresh(child=child, on=dt.date(2025, 6, 1))
    with translation.override("en"):
        html = _section_html(users[Role.CHILD_DIRECTOR], child)
    assert "rural left-behind child" in html.lower() and "Re-evaluate" in html
