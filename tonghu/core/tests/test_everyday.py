"""Everyday use (issue 18): what a newcomer sees first, menus by role, no dead ends, no internals shown."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tonghu.accounts.roles import Role

# the page of tiles itself: every role above the village lands on its dashboard (tonghu.core.landing)
HOME = "/?tiles=1"


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


# ------------------------------------------------------------------------------- item 9: first impressions

@pytest.mark.django_db
def test_login_page_brand_and_title_are_the_site_not_the_host(client):
    """Issue 18 §9: LoginView's own `site_name` (the host name) used to replace ours in the brand and title."""
    page = client.get(reverse("login")).content.decode()
    assert _title(page) == "登录 · 童护"
    brand = re.search(r'data-testid="brand"><span[^>]*>(.*?)</span>', page).group(1).strip()
    assert brand == "童护"
    assert "testserver" not in page


def test_page_titles_have_a_separator(world, users, client):
    client.force_login(users[Role.COUNTY_OFFICER])
    assert _title(client.get(HOME).content.decode()) == "首页 · 童护"
    assert _title(client.get(reverse("child_list")).content.decode()).endswith(" · 童护")


def test_language_switch_names_each_language_in_itself(world, users, client):
    """Not "英语" in Chinese mode, not "Language / Language" in English."""
    client.force_login(users[Role.COUNTY_OFFICER])
    zh = client.get(HOME).content.decode()
    form = zh[zh.index('data-testid="language-form"'):zh.index("</form>", zh.index('data-testid="language-form"'))]
    assert "简体中文" in form and "English" in form and "英语" not in form
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(HOME).content.decode()
    form = en[en.index('data-testid="language-form"'):en.index("</form>", en.index('data-testid="language-form"'))]
    assert form.count("Language") == 1, form
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in form


def test_every_form_field_is_styled(world, users, client):
    """The ledger export form had bare <select>s: every form now gets Bootstrap classes (FORM_RENDERER)."""
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("ledger_export")).content.decode()
    form = page[page.index('data-testid="ledger-export-form"'):page.index("</form>", page.index('data-testid="ledger-export-form"'))]
    controls = re.findall(r"<(select|textarea|input)\b([^>]*)>", form)
    visible = [attrs for tag, attrs in controls if 'type="hidden"' not in attrs]
    assert visible, form
    for attrs in visible:
        assert re.search(r'class="[^"]*(form-control|form-select|form-check-input)', attrs), attrs


def test_demo_prints_the_accounts_after_the_server_is_up_and_keeps_notifications_quiet(db, monkeypatch):
    """`tonghu demo` printed ~500 `notify …` lines from the worker after the account list."""
    import os

    from tonghu.core.management.commands import demo

    seen = {}

    def fake_supervise(*, out, on_ready, **kwargs):
        seen["before_ready"] = out_buffer.getvalue()
        seen["notify_level"] = os.environ.get("TONGHU_NOTIFY_LOG_LEVEL")
        on_ready()
        return 0

    monkeypatch.delenv("TONGHU_NOTIFY_LOG_LEVEL", raising=False)
    monkeypatch.setattr(demo, "supervise", fake_supervise)
    out_buffer = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("demo", scale=0.02, stdout=out_buffer)
    assert "zhuren001" not in seen["before_ready"], "accounts must come after the server's start-up"
    assert seen["notify_level"] == "WARNING"
    text = out_buffer.getvalue()
    assert text.rstrip().endswith("Press Ctrl+C to stop.") and "zhuren001" in text
    os.environ.pop("TONGHU_NOTIFY_LOG_LEVEL", None)


def test_supervise_calls_on_ready_once_the_web_server_answers(monkeypatch):
    import signal
    import socket
    import sys

    from tonghu.core import runner

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(runner, "_web_cmd", lambda host, port, workers, threads=1: [sys.executable, "-m", "http.server", "--bind", host, str(port)])
    monkeypatch.setattr(runner, "_worker_cmd", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    calls = []

    def ready():
        calls.append(runner._answers("127.0.0.1", port))
        signal.raise_signal(signal.SIGINT)

    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        assert runner.supervise(host="127.0.0.1", port=port, web_workers=1, job_workers=1, out=io.StringIO(), on_ready=ready) == 0
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])
    assert calls == [True]


# ------------------------------------------------------------------------------- item 6: menus by role

def _menu(client, user) -> set[str]:
    client.force_login(user)
    page = client.get(reverse("home"), follow=True).content.decode()  # a director is sent on to today's tasks
    return set(re.findall(r'data-nav="([^"]+)"', page))


def test_menus_show_what_each_role_uses(world, users, make_user, client):
    """Issue 18 §6: the school reporter saw 收到的报告, 个案, 行政区划, 后台任务; city and province staff a task
    list of every village; directors 认定规则 and 后台任务."""
    from tonghu.accounts.roles import Department

    school = make_user(Role.REPORTER, "451027000000", department=Department.SCHOOL)
    menu = _menu(client, school)
    assert "report_create" in menu
    assert not menu & {"report_inbox", "case_list", "region_list", "job_list"}, menu
    police = make_user(Role.REPORTER, "451027000000", department=Department.PUBLIC_SECURITY)
    assert "report_inbox" in _menu(client, police), "reports are routed to the police"
    for role in (Role.CITY_STAFF, Role.PROVINCE_STAFF):
        menu = _menu(client, users[role])
        assert "visit_tasks" not in menu and "visit_compliance" in menu, (role, menu)
    director = _menu(client, users[Role.CHILD_DIRECTOR])
    assert "visit_tasks" in director
    assert not director & {"policy_profile_list", "job_list", "region_list", "case_list"}, director
    assert "policy_profile_list" in _menu(client, users[Role.COUNTY_OFFICER])
    assert "region_list" in _menu(client, users[Role.SYSADMIN])


def test_menu_entries_appear_when_the_user_has_something_there(world, users, client):
    from tonghu.core.models import Job

    director = users[Role.CHILD_DIRECTOR]
    Job.objects.create(kind="ledger_export", label="导出", created_by=director)
    assert "job_list" in _menu(client, director)


# ------------------------------------------------------------------------------- item 4: internals shown to users

def test_child_file_names_the_place_of_registration_not_its_code(world, users, client):
    """Issue 18 §4: the file showed "农村户籍 451027008208"."""
    from tonghu.registry.models import Child

    child = Child.objects.create(name="罗小花", sex="F", birth_date="2016-03-08", village=world["451027001200"],
                                 hukou_type="rural", hukou_region_code="451027001201")
    client.force_login(users[Role.CHILD_DIRECTOR])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    place = re.search(r'data-testid="hukou-place">(.*?)<', page).group(1)
    assert place == "广西壮族自治区 / 百色市 / 凌云县 / 泗城镇 / 白石村"
    assert "451027001201" not in page
