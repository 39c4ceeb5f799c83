"""The 应保尽保 gap list makes the same few queries for 2 children as for 6 (docs/architecture.md rule 9: query
counts are pinned for lists; issue 20 item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.policy.tests.django_helpers import facts_table, profiles  # noqa: F401
from tonghu.policy.tests.test_django_gaps import GX, _orphan

MAX_QUERIES = 11  # issue 20: 10, + 1 since the menu asks whether the user has started a job (issue 18 §6)


@pytest.mark.django_db
def test_the_gap_list_does_not_query_per_gap(world, users, profiles, facts_table, client, page_queries, make_child):  # noqa: F811
    client.force_login(users[Role.COUNTY_OFFICER])
    url = reverse("policy_gap_list") + f"?region={GX}"
    for i in range(2):
        _orphan(make_child, world, facts_table, name=f"孤儿{i}")
    few = page_queries(client, url)
    for i in range(2, 6):
        _orphan(make_child, world, facts_table, name=f"孤儿{i}")
    many = page_queries(client, url)
    assert few == many <= MAX_QUERIES
