"""The supervision app (issue 13, issue 18 item 2): unified indicators (R-L1) agree across the compliance table,
its monthly trend, the dashboard, the API and the xlsx export; snapshots freeze closed months; drill-down keeps to
the user's area; read-only roles get no village task lists; the overdue list is paged, filtered and exported;
"remind the director" is idempotent per task and day; each role lands on its work."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.core import indicators
from tonghu.supervision.models import FigureSnapshot
from tonghu.supervision.services import remind_director, snapshot_take
from tonghu.visits import services as visit_services
from tonghu.visits.models import MonthlyFigure, Notification, Schedule

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 20)


def _children(kid, village, *, on_time: int, late: int, today):
    """``on_time`` children opened recently (nothing due yet), ``late`` children opened 70 days ago (contact overdue)."""
    kids = [kid(f"准时{village[-4:]}-{i}", village=village, opened=today - dt.timedelta(days=5)) for i in range(on_time)]
    kids += [kid(f"逾期{village[-4:]}-{i}", village=village, opened=today - dt.timedelta(days=70)) for i in range(late)]
    for k in kids:
        visit_services.schedule_refresh(k, today=today)
    return kids


def _contacts_cell(html: str, testid: str) -> str:
    import re

    m = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    return m.group(1).strip() if m else ""


def test_issue18_table_and_trend_agree_for_the_same_village_and_month(kid, users, client):
    """Issue 18 item 2: the county/township compliance table and the monthly trend showed 88.9 % and 66.7 % for the
    same village and month (the trend read a snapshot stored earlier in the month). Both now read the indicator
    definition; the current month of the trend is counted live, the same way as the table."""
    today = timezone.localdate()
    _children(kid, "451027001200", on_time=2, late=1, today=today)
    visit_services.figures_store(today=today)  # a run earlier in the month stored 2/3 …
    _children(kid, "451027001200", on_time=6, late=0, today=today)  # … then the data moved on: 8/9 now
    supervisor = users[Role.SUPERVISOR]
    client.force_login(supervisor)
    township = client.get("/visits/compliance/").content.decode()
    row = [r for r in township.split('data-testid="compliance-row"')[1:] if "青山村" in r][0]
    village = client.get("/visits/compliance/451027001200/").content.decode()
    trend_current = village.split(f'data-month="{today:%Y-%m}"')[1]
    assert _contacts_cell(row, "row-contacts") == "88.9%"
    assert _contacts_cell(trend_current, "trend-contacts") == "88.9%"
    # the township total and the township's trend agree too (a ratio of sums, not an average of rates)
    assert _contacts_cell(township, "total-contacts") == _contacts_cell(township.split(f'data-month="{today:%Y-%m}"')[1], "trend-contacts")
    # and the dashboard's card shows the same definition's figure
    dash = client.get("/supervision/area/451027001200/").content.decode()
    assert 'data-testid="card-visits.contacts_on_time">88.9%<' in dash


def test_past_months_of_the_trend_come_from_the_stored_month_on_every_page(make_child, users, client):
    """A closed month: the visits trend and the dashboard's trend read the same stored figures (history)."""
    today = timezone.localdate()
    last = indicators.month_start(today).replace(day=1) - dt.timedelta(days=1)
    month = last.replace(day=1)
    MonthlyFigure.objects.create(village_id="451027001200", month=month, contacts_due=4, contacts_on_time=3, visits_due=4, visits_on_time=4)
    snapshot_take(today=today, month=month)
    client.force_login(users[Role.COUNTY_OFFICER])
    visits_page = client.get("/visits/compliance/451027001000/").content.decode()
    assert _contacts_cell(visits_page.split(f'data-month="{month:%Y-%m}"')[1], "trend-contacts") == "75.0%"
    snap = FigureSnapshot.objects.get(region_id="451027000000", month=month)
    assert indicators.get("visits.contacts_on_time").value(snap.counts) == 75.0
    dash = client.get("/supervision/area/451027001000/").content.decode()
    assert f'data-month="{month:%Y-%m}"><td>{month:%Y-%m}</td><td class="text-end">75.0%' in dash


def test_definitions_agree_across_page_api_and_export(kid, users, client):
    """R-L1: one definition serves the dashboard, /api/v1/figures/ and the xlsx export."""
    from openpyxl import load_workbook

    today = timezone.localdate()
    _children(kid, "451027001200", on_time=1, late=2, today=today)
    _children(kid, "451027002200", on_time=3, late=0, today=today)
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get("/supervision/").content.decode()
    assert 'data-testid="card-visits.contacts_on_time">66.7%<' in page  # 4 of 6 on time
    api = client.get("/api/v1/figures/451027000000/").json()
    figures = {i["key"]: i for i in api["indicators"]}
    assert figures["visits.contacts_on_time"]["value"] == 66.7
    assert figures["visits.contacts_on_time"]["definition"] == str(indicators.get("visits.contacts_on_time").definition)
    assert figures["registry.children"]["value"] == 6
    book = load_workbook(io.BytesIO(client.get("/supervision/area/451027000000/export/?table=trend").content))
    sheet = book["figures"]
    header = [c.value for c in sheet[1]]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[header.index(str(indicators.get("visits.contacts_on_time").label))] == 66.7
    ranking = load_workbook(io.BytesIO(client.get("/supervision/area/451027000000/export/").content))["figures"]
    rows = {r[0]: r for r in ranking.iter_rows(min_row=2, values_only=True)}
    col = [c.value for c in ranking[1]].index(str(indicators.get("visits.contacts_on_time").label))
    assert rows["451027001000"][col] == 33.3 and rows["451027002000"][col] == 100.0
    # worst first on the page
    assert page.index('data-code="451027001000"') < page.index('data-code="451027002000"')


def test_drill_down_keeps_to_the_users_area(make_child, users, client):
    """A township supervisor drills into its villages, never into the neighbouring township or its villages."""
    client.force_login(users[Role.SUPERVISOR])
    assert client.get("/supervision/area/451027001200/").status_code == 200
    for code in ("451027002000", "451027002200", "451027000000", "533401001200"):
        assert client.get(f"/supervision/area/{code}/").status_code == 404, code
        assert client.get(f"/supervision/area/{code}/export/").status_code == 404, code
        assert client.get(f"/api/v1/figures/{code}/").status_code == 404, code
    # the province sees the whole chain down to a village, with the city as its first ranking row
    client.force_login(users[Role.PROVINCE_STAFF])
    page = client.get("/supervision/").content.decode()
    assert 'data-code="451000000000"' in page
    assert client.get("/supervision/area/451027001200/").status_code == 200


def test_read_only_city_role_gets_no_village_task_lists(kid, users, client):
    today = timezone.localdate()
    _children(kid, "451027001200", on_time=0, late=1, today=today)
    city = users[Role.CITY_STAFF]
    client.force_login(city)
    page = client.get("/supervision/area/451027001200/").content.decode()
    assert 'data-testid="drill-tasks"' not in page and "逾期1200-" not in page and "/supervision/overdue/" not in page
    assert client.get("/supervision/overdue/").status_code == 403
    from tonghu.core.capabilities import nav_for

    names = {item.url_name for item in nav_for(city)}
    assert "supervision_dashboard" in names and "supervision_overdue" not in names and "visit_tasks" not in names
    client.force_login(users[Role.COUNTY_OFFICER])
    assert 'data-testid="drill-tasks"' in client.get("/supervision/area/451027001200/").content.decode()


def test_snapshots_freeze_closed_months_at_every_level(kid, users):
    """Issue 13 §2: last month's figures never change when today's data does; every level has its row."""
    _children(kid, "451027001200", on_time=2, late=0, today=TODAY)
    snapshot_take(today=TODAY)
    oct_ = FigureSnapshot.objects.get(region_id="451027000000", month=dt.date(2025, 11, 1))
    assert not oct_.frozen and oct_.counts["registry.children"] == 2
    levels = set(FigureSnapshot.objects.filter(month=dt.date(2025, 11, 1)).values_list("region__level", flat=True))
    assert levels == {"province", "city", "county", "township", "village"}
    province = FigureSnapshot.objects.get(region_id="450000000000", month=dt.date(2025, 11, 1))
    assert province.counts["registry.children"] == 2
    # the next month: November is frozen by the first run in December; later data does not touch it
    result = snapshot_take(today=dt.date(2025, 12, 2))
    assert result["frozen"] > 0
    _children(kid, "451027001201", on_time=3, late=0, today=dt.date(2025, 12, 3))
    snapshot_take(today=dt.date(2025, 12, 3))
    assert snapshot_take(today=dt.date(2025, 12, 3), month=dt.date(2025, 11, 1))["skipped"] == 1
    nov = FigureSnapshot.objects.get(region_id="451027000000", month=dt.date(2025, 11, 1))
    assert nov.frozen and nov.counts["registry.children"] == 2
    assert FigureSnapshot.objects.get(region_id="451027000000", month=dt.date(2025, 12, 1)).counts["registry.children"] == 5


def test_figures_snapshot_command(kid, capsys):
    from django.core.management import CommandError, call_command

    _children(kid, "451027001200", on_time=1, late=0, today=TODAY)
    call_command("figures_snapshot", "--today", "2025-11-20")
    assert "written=" in capsys.readouterr().out
    call_command("figures_snapshot", "--today", "2025-11-20", "--month", "2025-09")
    assert FigureSnapshot.objects.filter(month=dt.date(2025, 9, 1), frozen=True).exists()
    with pytest.raises(CommandError):
        call_command("figures_snapshot", "--today", "2025-11-20", "--month", "2026-01")
    # a run limited to one county writes nothing above it
    FigureSnapshot.objects.all().delete()
    call_command("figures_snapshot", "--today", "2025-11-20", "--region", "451027")
    assert not FigureSnapshot.objects.filter(region_id__in=["450000000000", "451000000000"]).exists()
    assert FigureSnapshot.objects.filter(region_id="451027000000").exists()


def test_overdue_list_is_paged_filtered_exported_and_labelled(kid, users, client):
    """Issue 18 item 2: the county's overdue list showed 20 of 241 with no way to the rest."""
    from openpyxl import load_workbook

    today = timezone.localdate()
    _children(kid, "451027001200", on_time=0, late=30, today=today)
    _children(kid, "451027002200", on_time=0, late=26, today=today)
    overdue = Schedule.objects.filter(due_on__lt=today).count()
    assert overdue > 50
    client.force_login(users[Role.COUNTY_OFFICER])
    first = client.get("/supervision/overdue/").content.decode()
    assert first.count('data-testid="overdue-task"') == 50
    second = client.get("/supervision/overdue/?page=2").content.decode()
    assert second.count('data-testid="overdue-task"') == overdue - 50
    some = Schedule.objects.filter(due_on__lt=today).order_by("due_on", "id").select_related("child").first()
    assert f'href="/children/{some.child_id}/"' in first  # names open the file
    assert "每月联系 — 逾期" in first  # each task says what it is (not just "— 逾期 3 天")
    village = client.get("/supervision/overdue/?area=451027002200&kind=contact").content.decode()
    assert village.count('data-testid="overdue-task"') == 26 and "逾期2200-" in village and "逾期1200-" not in village
    book = load_workbook(io.BytesIO(client.get("/supervision/overdue/?area=451027002200&export=xlsx").content))
    assert book.active.max_row == 1 + Schedule.objects.filter(due_on__lt=today, village_id="451027002200").count()
    from tonghu.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="export", actor=users[Role.COUNTY_OFFICER]).exists()
    # out of area: the supervisor of 泗城镇 may not filter to 下甲镇's village
    client.force_login(users[Role.SUPERVISOR])
    assert client.get("/supervision/overdue/?area=451027002200").status_code == 404


def test_remind_the_director_once_per_task_per_day(kid, users, client):
    today = timezone.localdate()
    _children(kid, "451027001200", on_time=0, late=1, today=today)
    task = Schedule.objects.filter(due_on__lt=today).first()
    director = users[Role.CHILD_DIRECTOR]
    client.force_login(users[Role.SUPERVISOR])
    assert client.post(f"/supervision/overdue/{task.pk}/remind/", {"next": "/supervision/overdue/"}).status_code == 302
    client.post(f"/supervision/overdue/{task.pk}/remind/")
    notes = Notification.objects.filter(user=director, kind__startswith="remind:")
    assert notes.count() == 1 and "每月联系" in notes.get().title and notes.get().url.startswith(f"/visits/new/{task.child_id}/")
    assert remind_director(actor=users[Role.SUPERVISOR], task=task, today=today + dt.timedelta(days=1)) == (1, True)
    assert notes.count() == 2
    # the city (read-only) may not remind; another township's supervisor cannot reach the task
    assert client.post(f"/supervision/overdue/{task.pk}/remind/").status_code == 302
    client.force_login(users[Role.CITY_STAFF])
    assert client.post(f"/supervision/overdue/{task.pk}/remind/").status_code == 404


def test_each_role_lands_on_its_work(users, client):
    """Issue 18 §1 / issue 13 §3, through core.landing (core does not import supervision)."""
    expected = {Role.CHILD_DIRECTOR: "/visits/tasks/", Role.SUPERVISOR: "/supervision/", Role.COUNTY_OFFICER: "/supervision/",
                Role.CITY_STAFF: "/supervision/", Role.PROVINCE_STAFF: "/supervision/"}
    for role, url in expected.items():
        client.force_login(users[role])
        response = client.get("/")
        assert response.status_code == 302 and response.url == url, role
    client.force_login(users[Role.REPORTER])
    assert client.get("/").status_code == 200
    client.force_login(users[Role.SUPERVISOR])
    assert client.get("/?tiles=1").status_code == 200
    import ast
    import pathlib

    source = pathlib.Path(__file__).resolve().parents[2] / "core" / "views.py"
    imported = {n.module for n in ast.walk(ast.parse(source.read_text())) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any("supervision" in m for m in imported)


def test_another_app_registers_an_indicator_without_editing_supervision(make_child, users, client):
    """The workforce helper adds its figures this way (``@measures`` + ``indicator`` in its own indicators.py)."""
    from django.db.models import Q

    from tonghu.core.indicators import _INDICATORS, _SOURCES, grouped_counts, indicator, measures
    from tonghu.registry.models import Child

    @measures({"test.girls": "girls"})
    def girls(prefix, digits, on):
        return grouped_counts(Child.objects.all(), code_field="village__code", prefix=prefix, digits=digits, counts={"test.girls": Q(sex="F")})

    indicator("test.girl_share", label="女童占比", definition="d", formula="f", numerator="test.girls", denominator="registry.children",
              unit="pct", better="high", headline=True, order=999)
    try:
        make_child("小红", sex="F")
        make_child("小明", sex="M")
        client.force_login(users[Role.COUNTY_OFFICER])
        assert 'data-testid="card-test.girl_share">50.0%<' in client.get("/supervision/").content.decode()
        assert client.get("/supervision/indicators/").content.decode().count('data-key="test.girl_share"') == 1
    finally:
        _INDICATORS.pop("test.girl_share", None)
        _SOURCES[:] = [s for s in _SOURCES if "test.girls" not in s.keys]



def test_r_m1_reporting_calendar_from_the_profile_and_reminders_7_3_1_days_before(users, client, make_user):
    """Guangxi (003 §四(二)): progress reported by 1 December each year. A Guangxi county's dashboard shows the next
    deadline; its staff are reminded 7, 3 and 1 days before, once each."""
    from tonghu.supervision.calendar import calendar, deadline_reminders

    cal = calendar("451027000000", today=dt.date(2025, 11, 20))
    assert [d["date"] for d in cal["deadlines"] if d["days"] >= 0][0] == dt.date(2025, 12, 1)
    assert cal["phase"]["label"] == "重点推进" and "003" in cal["citations"]["deadlines"]
    manager = users[Role.COUNTY_MANAGER]
    assert deadline_reminders(today=dt.date(2025, 11, 23)) == 0
    assert deadline_reminders(today=dt.date(2025, 11, 24)) >= 1
    assert deadline_reminders(today=dt.date(2025, 11, 24)) == 0  # idempotent
    assert Notification.objects.filter(user=manager, kind__startswith="report:451027000000:20251201:7").count() == 1
    deadline_reminders(today=dt.date(2025, 11, 28))
    deadline_reminders(today=dt.date(2025, 11, 30))
    assert Notification.objects.filter(user=manager, kind__startswith="report:").count() == 3
    assert not Notification.objects.filter(user=users[Role.CHILD_DIRECTOR], kind__startswith="report:").exists()
    client.force_login(manager)
    page = client.get("/supervision/").content.decode()
    if calendar("451027000000", today=timezone.localdate())["deadlines"]:  # the seeds' calendar ends in 2026
        assert 'data-testid="report-deadlines"' in page


def test_issue18_backfilled_trend_covers_the_months_of_an_imported_visit_history(kid, users):
    """The monthly trend showed one month: files opened today with a year of (imported) visits were skipped for
    every month before their creation date."""
    from tonghu.visits.models import Visit

    today = dt.date(2025, 11, 20)
    child = kid("历史儿童", opened=today)
    for months_back in (5, 4, 3, 2, 1):
        Visit.objects.create(child=child, kind="home_visit", date=today - dt.timedelta(days=30 * months_back))
    visit_services.schedule_refresh(child, today=today)
    visit_services.figures_backfill(months=6, today=today)
    months = sorted(MonthlyFigure.objects.filter(village_id="451027001200").values_list("month", flat=True))
    assert months[0] <= dt.date(2025, 7, 1) and len(months) >= 5


def test_a_large_area_reads_the_daily_snapshot_a_small_one_counts_live(kid, users, client, settings):
    """Issue 13 performance: a county of ~9,000 children would take ~1 s to count per click; above
    SUPERVISION_LIVE_MAX_CHILDREN the current month comes from the provisional snapshot (the page says so)."""
    today = timezone.localdate()
    _children(kid, "451027001200", on_time=1, late=1, today=today)
    snapshot_take(today=today)
    _children(kid, "451027001200", on_time=2, late=0, today=today)  # after the daily run
    client.force_login(users[Role.COUNTY_OFFICER])
    assert 'data-testid="card-registry.children">4<' in client.get("/supervision/").content.decode()  # live
    settings.TONGHU = {**settings.TONGHU, "SUPERVISION_LIVE_MAX_CHILDREN": 1}
    page = client.get("/supervision/").content.decode()
    assert 'data-testid="card-registry.children">2<' in page and "每日统计一次" in page
