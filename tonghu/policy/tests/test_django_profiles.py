"""Profiles in the database: seeding, selection by region for all five plans, versioned editing (R-A1–A4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.policy import engine
from tonghu.policy.models import ChildClassification, ClassificationChange, PolicyProfile, PolicyProfileVersion
from tonghu.policy.services import classification_daily, classification_refresh
from tonghu.policy.tests.django_helpers import both_away, facts_table, plan_villages, profiles  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_policy_load_seeds_every_plan_once(profiles):
    """R-A1/R-A2: the national default and the five plans are stored with their citations; loading twice adds nothing."""
    from tonghu.policy.services import policy_load

    assert set(PolicyProfile.objects.values_list("key", flat=True)) == {"national", "xizang", "shangrila", "anshan", "guangxi", "changzhi"}
    assert PolicyProfile.objects.get(key="guangxi").parent.key == "national"
    v = PolicyProfileVersion.objects.get(profile__key="guangxi")
    assert v.settings["left_behind"]["rural_requirement"]["source"].startswith("003")
    again = policy_load()
    assert again["versions_created"] == [] and again["unchanged"] == 6 and again["conflicts"] == []


@pytest.mark.parametrize("plan,code", [
    ("xizang", "540102001001"), ("shangrila", "533401001200"), ("anshan", "210381101201"),
    ("guangxi", "451027001200"), ("changzhi", "140403101201"), ("national", "530102101201"),
])
def test_each_plan_is_selected_by_region(plan, code, profiles, plan_villages, facts_table, make_child):
    """R-A1: a region uses its nearest ancestor's profile; the stored classification names it."""
    assert engine.profile_for_region(code).key == plan
    child = make_child(village=plan_villages[plan])
    facts_table[child.pk] = both_away("2014-05-01", "2024-01-01", code, dest="110105")
    c = classification_refresh(child=child, on=dt.date(2025, 6, 1))
    assert c.profile_key == plan
    assert c.left_behind, c.explanation


def test_rural_registration_differs_between_plans(profiles, plan_villages, facts_table, make_child):
    """R-A1: Guangxi requires rural household registration; Shangri-La does not restrict to rural children."""
    gx = make_child(village=plan_villages["guangxi"], name="城镇户籍甲")
    sg = make_child(village=plan_villages["shangrila"], name="城镇户籍乙")
    facts_table[gx.pk] = both_away("2014-05-01", "2024-01-01", "451027001200", dest="110105", hukou="urban")
    facts_table[sg.pk] = both_away("2014-05-01", "2024-01-01", "533401001200", dest="110105", hukou="urban")
    on = dt.date(2025, 6, 1)
    assert not classification_refresh(child=gx, on=on).left_behind
    assert classification_refresh(child=sg, on=on).left_behind


def test_database_version_is_what_the_engine_uses(profiles):
    """Profiles come from the database first (visits and cases read them through profile_for_region)."""
    row = PolicyProfile.objects.get(key="changzhi")
    PolicyProfileVersion.objects.create(profile=row, version="db-only", effective_from=dt.date(2030, 1, 1), source="测试",
                                        settings={"left_behind": {"months_away": {"value": 5, "source": "测试条款"}}})
    p = engine.profile_for_region("140403101201")
    assert p.at(dt.date(2030, 1, 1)).value("left_behind.months_away") == 5
    assert p.at(dt.date(2029, 12, 31)).value("left_behind.months_away") == 3


def _edit(client, key, **data):
    return client.post(reverse("policy_profile_edit", kwargs={"key": key}), data)


def test_profile_edit_applies_from_its_effective_date_only(world, users, profiles, plan_villages, facts_table, client, make_child):
    """R-A1/R-A4: province staff raise Guangxi's months away from 3 to 6 from a future date: classifications change
    on that date, not before; the history names the new version; the old version is untouched."""
    today = timezone.localdate()
    effective = today + dt.timedelta(days=10)
    child = make_child(village=plan_villages["guangxi"], name="外出四个月")
    since = (today - dt.timedelta(days=125)).isoformat()  # about four months away
    facts_table[child.pk] = both_away("2014-05-01", since, "451027001200")
    before = classification_refresh(child=child, on=today)
    assert before.left_behind
    client.force_login(users[Role.PROVINCE_STAFF])
    response = _edit(client, "guangxi", setting="left_behind.months_away", value="6", source="桂民发〔2026〕1号 第一条",
                     effective_from=effective.isoformat(), reason="延长外出时限")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PolicyProfileVersion.objects.filter(profile__key="guangxi").count() == 2
    original = PolicyProfileVersion.objects.get(profile__key="guangxi", version="2024.1")
    assert original.settings["left_behind"]["months_away"] == {"inherit": True, "source": "003 §一(三)「外出务工时限一般指连续3个月以上」同全国"}

    # the stored classification now waits for the effective date
    before.refresh_from_db()
    assert before.next_change_on == effective
    assert classification_refresh(child=child, on=effective - dt.timedelta(days=1)).left_behind
    classification_daily(on=effective - dt.timedelta(days=1))
    assert ChildClassification.objects.get(child=child).left_behind
    result = classification_daily(on=effective)
    assert result["due"] == 1 and result["changed"] == 1
    after = ChildClassification.objects.get(child=child)
    assert not after.left_behind
    assert "guangxi@" + effective.isoformat() in after.profile_version
    last = ClassificationChange.objects.filter(child=child).first()
    assert last.left == ["left_behind"] and "新版本生效" in last.reason


def test_profile_page_shows_values_citations_and_history(world, users, profiles, client):
    """R-A4: civil-affairs officers read every value with its seed clause and the version history (child directors
    read the reasons on each file instead, issue 18 §4)."""
    client.force_login(users[Role.SUPERVISOR])
    page = client.get(reverse("policy_profile_detail", kwargs={"key": "guangxi"})).content.decode()
    assert "父母外出务工连续月数" in page and "003 §一(三)「不满16周岁的农村户籍未成年人」" in page
    assert "2024-03-22" in page or "2024年3月22日" in page
    assert "修改规则" not in page  # supervisors do not edit
    listing = client.get(reverse("policy_profile_list")).content.decode()
    assert "广西壮族自治区" in listing and "香格里拉" not in listing  # only profiles that concern the user's region


@pytest.mark.parametrize("value,effective_delta,message", [
    ("三个月", 5, "父母外出务工连续月数"),
    ("0", 5, "不小于1的整数"),
    ("6", -1, "生效日期不能早于今天"),
])
def test_profile_edit_refuses_invalid_values_in_chinese(world, users, profiles, client, value, effective_delta, message):
    """Invalid settings are refused with a Chinese message naming the setting; nothing is saved."""
    client.force_login(users[Role.PROVINCE_STAFF])
    effective = timezone.localdate() + dt.timedelta(days=effective_delta)
    response = _edit(client, "guangxi", setting="left_behind.months_away", value=value, source="测试依据",
                     effective_from=effective.isoformat())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PolicyProfileVersion.objects.filter(profile__key="guangxi").count() == 1


def test_profile_edit_error_names_entry_setting(world, users, profiles, client):
    """An unknown rule in a 困境 category is refused naming the category."""
    client.force_login(users[Role.PROVINCE_STAFF])
    response = _edit(client, "guangxi", setting="in_difficulty.categories.poor_family",
                     value="{enabled: true, label: {zh: 家庭贫困儿童, en: Poor}, rule: magic, params: {}, requires_evidence: false}",
                     source="测试依据", effective_from=(timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page = response.content.decode()
    assert response.status_code == 200 and "in_difficulty.categories.poor_family" in page and "magic" in page


def test_who_may_edit_profiles(world, users, profiles, client, make_user):
    """policy.edit_profiles: province staff and system administrators, for profiles inside their region only; the
    national default is edited through the files."""
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("policy_profile_edit", kwargs={"key": "guangxi"})).status_code == 404
    client.force_login(users[Role.SYSADMIN])  # a county's administrator: Guangxi's profile is above their region
    assert client.get(reverse("policy_profile_edit", kwargs={"key": "guangxi"})).status_code == 404
    client.force_login(users[Role.PROVINCE_STAFF])
    assert client.get(reverse("policy_profile_edit", kwargs={"key": "guangxi"})).status_code == 200
    assert client.get(reverse("policy_profile_edit", kwargs={"key": "national"})).status_code == 404
    assert client.get(reverse("policy_profile_edit", kwargs={"key": "shangrila"})).status_code == 404


def test_edit_form_is_prefilled_with_the_current_value(world, users, profiles, client):
    client.force_login(users[Role.PROVINCE_STAFF])
    page = client.get(reverse("policy_profile_edit", kwargs={"key": "guangxi"}) + "?setting=left_behind.short_returns").content.decode()
    assert '<option value="left_behind.short_returns" selected>' in page
    # Keys are sorted so the text is the same on SQLite and PostgreSQL (jsonb reorders keys).
    assert "{&quot;max_days&quot;: null, &quot;tolerate&quot;: true}" in page


def test_policy_load_reports_a_changed_file_version_as_conflict(profiles, tmp_path):
    """A stored version is never rewritten from a file: the changed file version is reported, not applied."""
    import shutil

    from tonghu.policy.profile import PROFILE_DIR
    from tonghu.policy.services import policy_load

    for f in PROFILE_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "changzhi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2024-03-14", "2024-03-15", 1), encoding="utf-8")
    report = policy_load(directory=tmp_path)
    assert report["conflicts"] == ["changzhi@2024.1"] and report["versions_created"] == []
    assert PolicyProfileVersion.objects.get(profile__key="changzhi").effective_from == dt.date(2024, 3, 14)


def test_profile_page_lists_the_coming_deadlines(world, users, profiles, client):
    """R-B1/R-M1: the profile page lists census and report deadlines of the coming year with their clauses."""
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("policy_profile_detail", kwargs={"key": "guangxi"}) + "?on=2024-05-01").content.decode()
    assert "2024-06-30" in page or "2024年6月30日" in page
    assert "003 §三(二)" in page


def test_a_county_gets_its_own_profile_then_changes_a_value(world, users, profiles, plan_villages, facts_table, client, make_child):
    """Issue 4: "a county must get its own rules". The county's administrator creates 凌云县's profile (inheriting
    Guangxi's rules), then changes one value from a future date; only that county's children are affected."""
    today = timezone.localdate()
    child = make_child(village=plan_villages["guangxi"], name="县方案儿童")
    facts_table[child.pk] = both_away("2014-05-01", (today - dt.timedelta(days=125)).isoformat(), "451027001200")
    assert classification_refresh(child=child, on=today).profile_key == "guangxi"
    client.force_login(users[Role.SYSADMIN])
    response = client.post(reverse("policy_profile_create"), {"region": "451027000000", "source": "凌民发〔2026〕1号",
                                                            "effective_from": today.isoformat()})
    assert response.status_code == 302, response.content.decode()[-3000:]
    row = PolicyProfile.objects.get(region_prefix="451027")
    assert row.parent.key == "guangxi" and engine.profile_for_region("451027001200").key == row.key
    assert engine.profile_for_region("451027001200").at(today).value("left_behind.rural_requirement") == "rural_registration"
    assert classification_refresh(child=child, on=today).profile_key == row.key
    effective = today + dt.timedelta(days=5)
    response = _edit(client, row.key, setting="left_behind.months_away", value="6", source="凌民发〔2026〕2号",
                     effective_from=effective.isoformat())
    assert response.status_code == 302
    assert classification_refresh(child=child, on=effective - dt.timedelta(days=1)).left_behind
    assert not classification_refresh(child=child, on=effective).left_behind
    assert engine.profile_for_region("450102101201").at(effective).value("left_behind.months_away") == 3  # the rest of Guangxi
    again = client.post(reverse("policy_profile_create"), {"region": "451027000000", "source": "x", "effective_from": today.isoformat()})
    assert again.status_code == 200  # not offered twice
