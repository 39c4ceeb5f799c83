"""Every list converted to the view kit (issue 11 item 2) sorts, pages and exports what it shows — and only rows of
the user's region. One test over all of them, built from each app's ``access.py`` declarations (the same objects the
permission matrix makes): two rows in scope, one outside; a page of one row; both sort directions; the csv export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import resolve, reverse

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoints, has_capability
from tonghu.core.tests.test_permission_matrix import Ctx

def _jobs(user, world, stranger):
    """Two jobs of the user, one of somebody else (a job is its starter's alone)."""
    from tonghu.core.models import Job

    mine = [Job.objects.create(kind="regions_import", label=f"kit-job-{i}", created_by=user) for i in (1, 2)]
    other = Job.objects.create(kind="regions_import", label="kit-job-other", created_by=stranger)
    return [j.label for j in mine], other.label, ""


def _users(user, world, stranger):
    """Two accounts in the administrator's region, one in another county (searched for, as the page is used)."""
    from tonghu.accounts.models import User

    made = [User.objects.create_user(username=f"kitmark-{c}", password="x", role=Role.CHILD_DIRECTOR, region_id=IN_SCOPE_VILLAGE)
            for c in "ab"]
    out = User.objects.create_user(username="kitmark-z", password="x", role=Role.CHILD_DIRECTOR, region_id=OUT_OF_SCOPE_VILLAGE)
    return [u.username for u in made], out.username, "q=kitmark&"


# (URL name, the role that uses it or None for the first holding the capability, rows maker or None for the
# objects the app's access.py makes for the permission matrix) — each list converted to KitListView + Table
CONVERTED = [
    ("case_list", Role.COUNTY_OFFICER, None),
    ("review_queue", None, None),
    ("report_mine", None, None),
    ("job_list", Role.SUPERVISOR, _jobs),
    ("user_list", None, _users),
]


@pytest.mark.parametrize("name,role,maker", CONVERTED)
def test_a_converted_list_sorts_pages_and_exports_only_the_users_region(name, role, maker, users, world, client, make_user):
    ep = endpoints()[name]
    view = resolve(reverse(name)).func.view_class
    user = users[role] if role else next(u for r, u in users.items() if has_capability(u, ep.capability))
    stranger = make_user(Role.COUNTY_OFFICER, "533401000000")
    client.force_login(user)
    if maker is not None:
        markers, outside, query = maker(user, world, stranger)
    else:
        markers, query = [], ""
        for _ in range(2):
            ctx = Ctx(user, world[IN_SCOPE_VILLAGE], True, stranger)
            ep.make_object(ctx)
            markers.append(ep.list_marker(ctx, {}))
        out = Ctx(user, world[OUT_OF_SCOPE_VILLAGE], False, stranger)
        ep.make_object(out)
        outside = ep.list_marker(out, {})
    url = reverse(name) + "?" + query

    old = view.paginate_by
    view.paginate_by = 1
    try:
        first_col = next(iter(view.table_class.base_columns))
        asc = client.get(f"{url}sort={first_col}").content.decode()
        desc = client.get(f"{url}sort=-{first_col}").content.decode()
        page2 = client.get(f"{url}sort={first_col}&page=2").content.decode()
    finally:
        view.paginate_by = old
    shown_asc = [m for m in markers if m in asc]
    shown_desc = [m for m in markers if m in desc]
    assert len(shown_asc) == 1 and len(shown_desc) == 1 and shown_asc != shown_desc, (name, "sorting")
    assert [m for m in markers if m in page2] == [m for m in markers if m not in shown_asc], (name, "page 2")
    assert 'data-testid="kit-pager"' in asc
    for page in (asc, desc, page2):
        assert outside not in page, (name, "a row outside the region is shown")

    response = client.get(f"{url}export=csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    text = "\n".join(",".join(r) for r in rows)
    assert all(m in text for m in markers) and outside not in text, (name, "export")
    assert len(rows[0]) == len([c for c in view.table_class.base_columns])
