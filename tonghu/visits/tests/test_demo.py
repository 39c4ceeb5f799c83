"""The demo: a year of history where some directors are behind, so the supervisor pages tell a story."""

import datetime as dt
import random

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_demo_year_of_visits_tells_a_story(facts):
    from tonghu.accounts import demo as accounts_demo
    from tonghu.accounts.models import User
    from tonghu.core.demo_loader import DemoContext
    from tonghu.core.models import Region
    from tonghu.registry.models import Child
    from tonghu.visits import demo, selectors
    from tonghu.visits.models import Campaign, MonthlyFigure, Visit

    ctx = DemoContext(rng=random.Random(7))
    accounts_demo.regions(ctx)
    accounts_demo.users(ctx)
    villages = list(Region.objects.filter(level="village", code__startswith="451027").order_by("code"))
    opened = timezone.now() - dt.timedelta(days=400)
    for i in range(160):
        c = Child.objects.create(name=f"演示{i}", sex="F", birth_date=dt.date(2014, 1, 1), village=villages[i % len(villages)])
        Child.objects.filter(pk=c.pk).update(created_at=opened)
    demo.visit_history(ctx)
    assert Visit.objects.count() > 160 * 10
    county_user = User.objects.get(username="jingban")
    rows = selectors.compliance_rows(county_user, county_user.region)
    pcts = [r["contacts_pct"] for r in rows if r["contacts_pct"] is not None]
    assert max(pcts) > min(pcts), "some townships must be behind others"
    supervisor = User.objects.get(username="dudao01")
    village_rows = selectors.compliance_rows(supervisor, supervisor.region)
    assert any(r["overdue"] for r in village_rows) and all(r["directors"] for r in village_rows)
    assert MonthlyFigure.objects.values("month").distinct().count() == 13
    progress = selectors.campaign_progress(county_user, Campaign.objects.get())
    assert 0 < progress["confirmed"] < progress["expected"]
