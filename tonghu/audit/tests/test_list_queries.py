"""The auditor's list makes the same few queries for 3 entries as for 30 (docs/architecture.md rule 9: query counts
are pinned for lists; issue 20 item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.services import audit_log

MAX_QUERIES = 10  # issue 20: 9, + 1 since the menu asks whether the user has started a job (issue 18 §6)


def add_entries(n, actor):
    for i in range(n):
        audit_log(actor=actor, action="view", object_type="registry.child", object_id=str(i), object_repr=f"儿童{i}",
                  region_code=IN_SCOPE_VILLAGE)


@pytest.mark.django_db
def test_the_audit_list_does_not_query_per_entry(users, client, page_queries):
    client.force_login(users[Role.AUDITOR])
    actor = users[Role.COUNTY_OFFICER]
    add_entries(3, actor)
    few = page_queries(client, reverse("audit_list"))
    add_entries(27, actor)
    many = page_queries(client, reverse("audit_list"))
    assert few == many <= MAX_QUERIES
