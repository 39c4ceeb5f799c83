"""In a real browser (Playwright driving Debian's Chromium): log in, see the role's navigation, switch language,
on a 360 px phone screen. Needs /usr/bin/chromium; scripts/test.sh installs it and then requires this test."""

import pytest

from conftest import PASSWORD, browser_marks
from tonghu.accounts.roles import Role

pytestmark = browser_marks()


@pytest.fixture
def browser_page(open_page):
    return open_page(viewport={"width": 360, "height": 740}, locale="en-US")


@pytest.mark.django_db(transaction=True)
def test_login_navigation_and_language_switch(live_server, world, make_user, browser_page):
    make_user(Role.CHILD_DIRECTOR, "451027001200", username="zhuren")
    make_user(Role.AUDITOR, "451027000000", username="shenji")
    page = browser_page
    page.goto(live_server.url + "/")
    # An English browser still gets Chinese first.
    assert page.locator("h1").inner_text() == "登录童护"
    page.fill("#id_username", "zhuren")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/visits/tasks/")  # a child director lands on today's tasks
    # On a phone the navigation is behind the toggler.
    page.click(".navbar-toggler")
    nav = page.locator("[data-testid=role-nav]")
    nav.wait_for(state="visible")
    labels = nav.text_content()
    assert "儿童档案" in labels and "审计记录" not in labels and "用户管理" not in labels
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "page must not scroll sideways on a phone"
    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.click(".navbar-toggler")
    assert "Children's files" in page.locator("[data-testid=role-nav]").text_content()
    # Log out and in as the auditor: a different role sees a different navigation.
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "shenji")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.click(".navbar-toggler")
    labels = page.locator("[data-testid=role-nav]").text_content()
    assert "Audit trail" in labels and "Children's files" not in labels
