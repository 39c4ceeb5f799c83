"""The child director's path on a 360 px phone (Playwright + Debian's Chromium): see what is due, record a contact,
and lose nothing when the connection fails (draft kept in the browser, restored, resent)."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from conftest import PASSWORD, browser_marks
from tonghu.accounts.roles import Role

pytestmark = browser_marks()


@pytest.fixture
def phone(open_page):
    return open_page(viewport={"width": 360, "height": 740}, locale="zh-CN")


@pytest.mark.django_db(transaction=True)
def test_director_records_a_visit_on_a_phone_and_keeps_the_draft_offline(live_server, world, make_user, make_child, phone):
    from tonghu.visits.models import Schedule, Visit
    from tonghu.visits.services import schedule_refresh

    today = timezone.localdate()
    make_user(Role.CHILD_DIRECTOR, "451027001200", username="zhuren")
    late = make_child(name="王小丽", opened=today - dt.timedelta(days=40))
    other = make_child(name="李小明", opened=today - dt.timedelta(days=25))
    third = make_child(name="张小红", opened=today - dt.timedelta(days=20))
    for c in (late, other):
        schedule_refresh(c, today=today)
    page = phone
    started = time.monotonic()
    page.goto(live_server.url + "/visits/tasks/")
    page.fill("#id_username", "zhuren")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=task-list]")
    first = page.locator("[data-testid=task]").first
    assert "王小丽" in first.inner_text() and "每月联系 — 逾期" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the task list must not scroll sideways"
    # one tap → the contact form, three fields, submit
    first.locator("[data-testid=record-contact]").click()
    page.wait_for_selector("#visit-form")
    page.check("#id_method_0")
    page.fill("#id_contacted_person", "祖母")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/visits/tasks/?saved=*")
    assert time.monotonic() - started < 60, "recording a contact must take well under a minute"
    assert Visit.objects.filter(child=late, kind="contact", contacted_person="祖母").exists()
    assert Schedule.objects.get(child=late, kind="contact").due_on > today
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # the connection drops while submitting a home visit: nothing typed is lost
    page.goto(live_server.url + f"/visits/new/{other.pk}/?kind=home_visit")
    page.fill("#id_living_conditions", "砖房，屋内整洁")
    page.fill("#id_people_met", "祖父、儿童本人")
    for field, text in (("guardianship", "祖父照料"), ("schooling", "在校"), ("health", "良好"), ("psychology", "开朗")):  # R-C3
        page.fill(f"#id_{field}", text)
    page.route("**/visits/new/**", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.click("[data-testid=submit]")
    banner = page.locator("[data-testid=draft-banner]")
    banner.wait_for(state="visible")
    assert "提交失败" in banner.inner_text()
    assert not Visit.objects.filter(child=other).exists()
    page.reload()
    page.wait_for_selector("#visit-form")
    assert page.input_value("#id_living_conditions") == "砖房，屋内整洁"
    assert page.input_value("#id_people_met") == "祖父、儿童本人"
    assert "已恢复" in page.locator("[data-testid=draft-banner]").inner_text()
    page.unroute("**/visits/new/**")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/visits/tasks/?saved=*")
    visit = Visit.objects.get(child=other)
    assert visit.kind == "home_visit" and visit.living_conditions == "砖房，屋内整洁"
    assert page.evaluate(f"localStorage.getItem('tonghu-visit-draft-{other.pk}')") is None

    # issue 10 item 17: the save reaches the server but its answer is lost; the restored draft is sent again with
    # the same client token, and the server answers with the first visit instead of recording a second one
    page.goto(live_server.url + f"/visits/new/{third.pk}/?kind=contact")
    page.wait_for_selector("#visit-form")
    page.check("#id_method_0")
    page.fill("#id_contacted_person", "祖母")

    def answer_lost(route):
        if route.request.method == "POST":
            route.fetch()  # the server saves the contact …
            route.abort()  # … and the phone never hears back
        else:
            route.continue_()

    page.route("**/visits/new/**", answer_lost)
    page.click("[data-testid=submit]")
    page.locator("[data-testid=draft-banner]", has_text="提交失败").wait_for(state="visible")
    assert Visit.objects.filter(child=third).count() == 1
    page.unroute("**/visits/new/**")
    page.reload()
    page.wait_for_selector("#visit-form")
    assert "已恢复" in page.locator("[data-testid=draft-banner]").inner_text()
    page.click("[data-testid=submit]")
    page.wait_for_url("**/visits/tasks/?saved=*")
    assert Visit.objects.filter(child=third).count() == 1
    assert page.evaluate(f"localStorage.getItem('tonghu-visit-draft-{third.pk}')") is None
