"""The dashboard in Chromium (issue 13 §3): the charts are drawn from the vendored ECharts (no CDN), a click on a
bar drills down one level, and at 360 px in English nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD, browser_marks
from tonghu.accounts.roles import Role

pytestmark = browser_marks()


@pytest.mark.django_db(transaction=True)
def test_dashboard_charts_drill_down_and_fit_a_phone(live_server, world, make_user, kid, open_page):
    from tonghu.visits.services import schedule_refresh

    today = timezone.localdate()
    for i, village in enumerate(["451027001200", "451027001200", "451027002200"]):
        schedule_refresh(kid(f"看板儿童{i}", village=village, opened=today - dt.timedelta(days=70 if i else 5)), today=today)
    make_user(Role.COUNTY_OFFICER, "451027000000", username="jingban-b")
    page = open_page(viewport={"width": 360, "height": 740}, locale="en-US")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.context.add_cookies([{"name": "tonghu_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/")
    page.fill("#id_username", "jingban-b")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/supervision/")
    page.wait_for_selector("#ranking-chart svg")
    assert page.locator("#trend-chart svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the dashboard must not scroll sideways"
    assert "Contacts on time" in page.inner_text("[data-testid=cards]")
    assert all(u.startswith(live_server.url) for u in requests), "nothing from a CDN"
    # the worst township first (下甲镇: its one child's contact overdue, 0 %; 泗城镇 50 %); a click on it drills down
    x, y = page.evaluate("""() => {
        const c = echarts.getInstanceByDom(document.getElementById('ranking-chart'));
        const d = JSON.parse(document.getElementById('chart-data').textContent);
        return c.convertToPixel({seriesIndex: 0}, [d.unit_values[0] / 2, 0]);
    }""")  # the middle of the first bar
    page.locator("#ranking-chart").click(position={"x": x, "y": y})
    page.wait_for_url("**/supervision/area/451027002000/", timeout=10_000)
    assert page.locator("[data-testid=ranking-row]").count() == 1  # 下甲镇's one village
