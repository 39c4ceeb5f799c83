"""Supervisor and county views (per village / director, on-time %, overdue), monthly figures, census campaigns (R-B1),
API scoping, the permission matrix for this app's URLs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.core.models import Region
from tonghu.visits import selectors, services
from tonghu.visits.models import CampaignVillage, MonthlyFigure, Notification, Schedule

pytestmark = pytest.mark.django_db
D = dt.date


def test_compliance_percentages_on_a_known_dataset(make_child, users):
    """Township 泗城镇: 青山村 2 children (one contact overdue), 白石村 1 child all on time; 城东社区 none."""
    today = timezone.localdate()
    a1, a2 = make_child(village="451027001200", opened=today - dt.timedelta(days=10)), make_child(village="451027001200", opened=today - dt.timedelta(days=45))
    b1 = make_child(village="451027001201", opened=today - dt.timedelta(days=5))
    for c in (a1, a2, b1):
        services.schedule_refresh(c, today=today)
    supervisor = users[Role.SUPERVISOR]
    rows = {r["region"].code: r for r in selectors.compliance_rows(supervisor, supervisor.region, today=today)}
    qs = rows["451027001200"]
    assert (qs["children"], qs["contacts_pct"], qs["visits_pct"], qs["overdue"]) == (2, 50.0, 100.0, 1)
    assert [d.username for d in qs["directors"]] == [users[Role.CHILD_DIRECTOR].username]
    assert (rows["451027001201"]["contacts_pct"], rows["451027001201"]["overdue"]) == (100.0, 0)
    assert rows["451027001001"]["contacts_pct"] is None
    totals = selectors.totals(list(rows.values()))
    assert totals["children"] == 3 and totals["contacts_pct"] == round(200 / 3, 1)
    county = selectors.compliance_rows(users[Role.COUNTY_OFFICER], Region.objects.get(code="451027000000"), today=today)
    assert {r["region"].code: r["children"] for r in county} == {"451027001000": 3, "451027002000": 0}
    # monthly figures keep the trend
    services.figures_store(today=today)
    fig = MonthlyFigure.objects.get(village_id="451027001200", month=today.replace(day=1))
    assert (fig.contacts_due, fig.contacts_on_time) == (2, 1)
    assert selectors.trend(supervisor, supervisor.region)[-1]["contacts_pct"] == round(100 * 2 / 3, 1)


def test_supervisor_sees_the_late_director(make_child, users, client):
    today = timezone.localdate()
    late = make_child(village="451027001200", name="逾期儿童", opened=today - dt.timedelta(days=70))
    services.schedule_refresh(late, today=today)
    client.force_login(users[Role.SUPERVISOR])
    page = client.get("/visits/compliance/").content.decode()
    assert "青山村" in page and users[Role.CHILD_DIRECTOR].username in page and "逾期儿童" in page
    drill = client.get("/visits/compliance/451027001200/").content.decode()
    assert "逾期儿童" in drill and "逾期" in drill
    assert client.get("/visits/compliance/533401001200/").status_code == 404


def test_refresh_marks_overdue_and_notifies_once(make_child, users):
    child = make_child(opened=D(2025, 1, 1))
    services.schedule_refresh(child, today=D(2025, 1, 20))
    assert set(Schedule.objects.values_list("state", flat=True)) == {"open", "upcoming"}
    services.refresh_all(today=D(2025, 2, 2))
    assert Schedule.objects.get(child=child, kind="contact").state == "overdue"
    assert Notification.objects.filter(user=users[Role.CHILD_DIRECTOR], kind="task_overdue").count() == 1
    services.refresh_all(today=D(2025, 2, 3))
    assert Notification.objects.filter(user=users[Role.CHILD_DIRECTOR], kind="task_overdue").count() == 1


def test_command_runs(make_child, capsys):
    from django.core.management import call_command

    services.schedule_refresh(make_child(opened=D(2025, 1, 1)), today=D(2025, 1, 2))
    call_command("visits_refresh", "--full", "--today", "2025-03-01")
    out = capsys.readouterr().out
    assert "recomputed=1" in out and "figures=1" in out


def test_r_b1_census_campaign_progress_and_reminders(make_child, users, client):
    today = timezone.localdate()
    kids = [make_child(village="451027001200") for _ in range(3)] + [make_child(village="451027002200")]
    officer = users[Role.COUNTY_OFFICER]
    campaign = services.campaign_start(actor=officer, scope=officer.region, name="2025年全面摸底排查", deadline=today + dt.timedelta(days=10))
    part = CampaignVillage.objects.get(campaign=campaign, village_id="451027001200")
    assert part.expected == 3
    director = users[Role.CHILD_DIRECTOR]
    assert Notification.objects.filter(user=director, kind="census_started").exists()
    services.census_confirm(actor=director, part=part, child=kids[0], outcome="present")
    services.census_confirm(actor=director, part=part, child=kids[1], outcome="moved")
    with pytest.raises(ValidationError) as excinfo:
        services.census_confirm(actor=director, part=part, child=kids[3], outcome="present")  # another village
    assert excinfo.value.message_dict == {"child": ["儿童：不属于本村（社区）。"]}
    progress = selectors.campaign_progress(officer, campaign)
    by_village = {v["village"].code: v for v in progress["villages"]}
    assert (by_village["451027001200"]["confirmed"], by_village["451027001200"]["expected"], by_village["451027001200"]["moved"]) == (2, 3, 1)
    assert by_village["451027001200"]["pct"] == 66.7 and by_village["451027002200"]["pct"] == 0.0
    townships = {t["region"].code: t for t in progress["townships"]}
    assert townships["451027001000"]["confirmed"] == 2 and townships["451027002000"]["expected"] == 1
    # the director sees their village only; the page shows progress per village
    assert [v["village"].code for v in selectors.campaign_progress(director, campaign)["villages"]] == ["451027001200"]
    client.force_login(officer)
    page = client.get(f"/visits/census/{campaign.pk}/").content.decode()
    assert "青山村" in page and "2/3" in page
    # reminders as the deadline nears: 7 days before, once per threshold
    assert services.census_remind(today=today) == 0
    assert services.census_remind(today=today + dt.timedelta(days=3)) == 1  # 7 days left: 青山村's director (河口村 has none)
    assert services.census_remind(today=today + dt.timedelta(days=4)) == 0  # already reminded at this threshold
    assert services.census_remind(today=today + dt.timedelta(days=9)) == 1  # 1 day left
    assert Notification.objects.filter(user=director, kind="census_reminder").count() == 2
