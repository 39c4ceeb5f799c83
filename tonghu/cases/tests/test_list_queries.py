"""The case list makes the same few queries for 2 cases as for 8 (docs/architecture.md rule 9: query counts are
pinned for lists; issue 20 item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.core.models import Region

from .helpers import file_report, open_case

MAX_QUERIES = 10  # issue 20: 8, + 1 since the menu asks whether the user has started a job (issue 18 §6), + 1 the count of the paged table (view kit, issue 11 item 2)


def open_cases(cast, n):
    village = Region.objects.get(code=IN_SCOPE_VILLAGE)
    for i in range(n):
        open_case(cast["officer"], file_report(cast["teacher"], village, child_name=f"儿童{i}"))


@pytest.mark.django_db
def test_the_case_list_does_not_query_per_case(cast, client, page_queries):
    client.force_login(cast["officer"])
    open_cases(cast, 2)
    few = page_queries(client, reverse("case_list"))
    open_cases(cast, 6)
    many = page_queries(client, reverse("case_list"))
    assert few == many <= MAX_QUERIES
