"""Figures on a known dataset (R-F2, R-F3): by situation, region and status; times; overdue steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.cases import services
from tonghu.cases.figures import figures_for

from .helpers import assess, file_report


@pytest.mark.django_db
def test_figures_on_a_known_dataset(client, cast, world, make_user):
    now = timezone.now()
    t0 = now - dt.timedelta(days=10)
    officer, manager = cast["officer"], cast["manager"]
    # Four reports in county A: two accepted (after 1 h and 3 h), one of them closed after 4 days; one overdue; one declined.
    a = file_report(cast["teacher"], world[IN_SCOPE_VILLAGE], situation="abandonment", now=t0)
    b = file_report(cast["teacher"], world["451027002200"], situation="abandonment", immediate_danger=True, now=t0)
    file_report(cast["police"], world[IN_SCOPE_VILLAGE], situation="organised_begging", now=t0)  # c: never accepted
    d = file_report(cast["police"], world[IN_SCOPE_VILLAGE], situation="other", now=now - dt.timedelta(hours=1))
    case_a = services.report_accept(actor=officer, report=a, now=t0 + dt.timedelta(hours=1))
    services.report_accept(actor=officer, report=b, now=t0 + dt.timedelta(hours=3))
    assess(officer, case_a)
    services.case_request_closure(actor=officer, case=case_a, summary="好转", outcome_for_reporter="已妥善处理", now=t0 + dt.timedelta(days=4))
    services.case_decide_closure(actor=manager, case=case_a, approve=True, now=t0 + dt.timedelta(days=4))
    services.report_decline(actor=officer, report=d, reason="重复报告", feedback="已有相同报告在办理")
    # County B's report is never counted for county A.
    yn = make_user(Role.COUNTY_OFFICER, "533401000000")
    file_report(yn, world[OUT_OF_SCOPE_VILLAGE], now=t0)

    fig = figures_for(officer, now=now)
    assert fig["reports_total"] == 4 and fig["cases_total"] == 2
    by_situation = dict(fig["by_situation"])
    assert by_situation["（六）被遗弃或长期处于无人照料状态"] == 2 and by_situation["（八）被组织乞讨"] == 1
    assert dict(fig["report_status"]) == {"待受理": 1, "已受理": 1, "不予受理": 1, "已办结": 1}
    assert dict(fig["case_status"])["已结案"] == 1 and dict(fig["case_status"])["已受理"] == 1
    assert dict(fig["by_area"]) == {"泗城镇": 3, "下甲镇": 1}
    assert fig["hours_to_accept"] == {"n": 2, "mean": 2.0, "median": 2.0, "max": 3.0}
    assert fig["hours_to_accept_urgent"]["median"] == 3.0
    assert fig["days_to_close"]["median"] == pytest.approx(4.0 - 1 / 24, abs=0.05)
    # Overdue and still actionable (closed a and declined d no longer count): b's police and education acceptance,
    # assessment (24 h) and conference (72 h, Guangxi) → 4; c's three acceptances → 3.
    assert fig["overdue_open"] == 7
    # Done late: b accepted 3 h after filing (deadline 2 h); a assessed today, 10 days after acceptance.
    assert fig["done_late"] == 2
    # The page shows the same numbers; the city sees county A and B in its own subtree only.
    client.force_login(cast["city"])
    page = client.get(reverse("case_figures")).content.decode()
    assert 'data-testid="fig-reports">4<' in page and "凌云县" in page
