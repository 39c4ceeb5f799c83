"""The demo county (issue 2 §10): `tonghu demo` builds it once, every printed account logs in."""

import io

import pytest
from django.core.management import call_command

from tonghu.accounts.models import User
from tonghu.accounts.roles import Role
from tonghu.core.demo_loader import DEMO_PASSWORD
from tonghu.core.models import Region


@pytest.mark.django_db
def test_demo_builds_county_and_every_printed_account_logs_in(client):
    out = io.StringIO()
    call_command("demo", no_serve=True, scale=0.02, stdout=out)
    text = out.getvalue()
    county = Region.objects.get(code="451027000000")
    assert Region.objects.filter(parent=county).count() >= 8
    assert Region.objects.filter(level="village", code__range=("451027000000", "451027999999")).count() >= 80
    assert DEMO_PASSWORD in text
    from tonghu.registry.models import Child
    from tonghu.registry.tests.test_planner_stats import planner_rows

    assert planner_rows("registry_child") == Child.objects.count() > 0  # the demo leaves the planner its statistics (item 18 of issue 10)
    printed = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split() and User.objects.filter(username=line.split()[0]).exists()]
    assert {User.objects.get(username=u).role for u in printed} == set(Role.values), "an account for every role"
    for username in printed:
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/", username
        client.post("/accounts/logout/")
    # Every village has a child director, every township a supervisor.
    assert User.objects.filter(role=Role.CHILD_DIRECTOR).count() == Region.objects.filter(level="village", code__startswith="451027").count()
    # Running it again does not load the data twice.
    again = io.StringIO()
    call_command("demo", no_serve=True, stdout=again)
    assert "跳过" in again.getvalue()
    assert User.objects.filter(username="jingban").count() == 1
