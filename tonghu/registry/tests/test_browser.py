"""On a 360 px phone (Playwright + Chromium): a child director files a child, meets the duplicate warning,
confirms, and finds the child again by pinyin initials; no page scrolls sideways."""

import datetime as dt
import os

import pytest

from conftest import PASSWORD, browser_marks
from tonghu.accounts.roles import Role

pytestmark = browser_marks()


@pytest.fixture
def phone(open_page):
    return open_page(viewport={"width": 360, "height": 740})


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


@pytest.mark.django_db(transaction=True)
def test_director_files_a_child_on_a_phone(live_server, world, make_user, phone, make_child):
    make_user(Role.CHILD_DIRECTOR, "451027001200", username="zhuren")
    make_child("张伟", birth_date=dt.date(2015, 3, 8))
    page = phone
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zhuren")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/visits/tasks/")  # a child director lands on today's tasks
    page.goto(live_server.url + "/children/new/")
    _no_sideways_scroll(page)
    page.fill("#id_name", "张伟")
    page.select_option("#id_sex", "M")
    page.fill("#id_birth_date", "2015-03-08")
    page.select_option("#id_village", "451027001200")
    page.click("[data-testid=child-form] button[type=submit]")
    warning = page.locator("[data-testid=duplicate-warning]")
    warning.wait_for()
    assert "姓名（或拼音）和出生日期相同" in warning.inner_text()
    if os.environ.get("TONGHU_SCREENSHOTS"):
        page.screenshot(path="/tmp/registry-duplicate.png", full_page=True)
    page.check("#id_confirm_similar")
    page.click("[data-testid=child-form] button[type=submit]")
    page.wait_for_url("**/children/*/")
    assert "张伟" in page.locator("h1").inner_text()
    _no_sideways_scroll(page)
    if os.environ.get("TONGHU_SCREENSHOTS"):
        page.screenshot(path="/tmp/registry-file.png", full_page=True)
    page.goto(live_server.url + "/children/?q=zw")
    assert page.locator("[data-testid=child-table] tbody tr").count() == 2
    _no_sideways_scroll(page)
