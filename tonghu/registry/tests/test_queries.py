"""Query counts of the list page, the API list and the file page are pinned: they must not grow with the number of
rows (fast at 100k children, issue 3 item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tonghu.registry import services


def _fill(make_child, n):
    for i in range(n):
        child = make_child(f"测试{i:03d}", birth_date=dt.date(2010 + i % 8, 1 + i % 12, 1 + i % 27))
        services.guardian_save(actor="t", child=child, data={"role": "mother", "name": f"母{i}"})


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_page_queries_do_not_grow(login, officer, make_child):
    client = login(officer)
    _fill(make_child, 3)
    client.get("/children/?q=cs")
    small = _count(client, "/children/?q=cs")
    _fill(make_child, 12)
    assert _count(client, "/children/?q=cs") == small
    assert small <= 12


@pytest.mark.django_db
def test_api_list_queries_do_not_grow(login, officer, make_child):
    client = login(officer)
    _fill(make_child, 3)
    small = _count(client, "/api/v1/children/")
    _fill(make_child, 12)
    assert _count(client, "/api/v1/children/") == small
    assert small <= 10


@pytest.mark.django_db
def test_file_page_queries_bounded(login, officer, make_child):
    client = login(officer)
    child = make_child("多关系")
    for role in ("father", "mother"):
        services.guardian_save(actor="t", child=child, data={"role": role, "name": role})
    for i in range(4):
        services.assistance_add(actor="t", child=child, data={"scheme": "other", "amount_month": 10 + i})
        services.care_start(actor="t", child=child, data={"caregiver_kind": "grandparents", "caregiver_name": f"照护{i}", "start": dt.date(2020 + i, 1, 1)})
    client.get(f"/children/{child.pk}/")  # warm-up: other apps' sections may compute and cache on first view
    first = _count(client, f"/children/{child.pk}/")
    for i in range(4):
        services.assistance_add(actor="t", child=child, data={"scheme": "other", "amount_month": 20 + i})
    assert _count(client, f"/children/{child.pk}/") == first
    assert first <= 60
