"""``visible_to`` on its own (docs/permissions.md rules 1–3, R-N1; issue 20 item 1): deny without the capability,
deny without a region, and exactly the user's code range — not one code either side.

The permission matrix reaches ``visible_to`` only through views that check the capability first; services such as
``cases.services.case_link_child`` call it directly, so the queryset must refuse on its own.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import IN_SCOPE_VILLAGE, SIBLING_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log
from tonghu.core.scoping import in_scope, prefix_range
from tonghu.registry.models import Child

COUNTY = "451027000000"
# Codes around the county's range 451027000000 … 451027999999: the first and last inside, the nearest outside.
EDGES = {
    "451026999999": False,
    "451027000000": True,
    "451027000001": True,
    "451027999999": True,
    "451028000000": False,
    "450000000000": False,  # the province above the county
    "533401001200": False,  # another province
}


def audit_codes(user, capability="audit.view") -> set[str]:
    return set(AuditEntry.objects.visible_to(user, capability).values_list("region_code", flat=True))


@pytest.fixture
def entries_at_edges(db):
    for code in EDGES:
        audit_log(actor="tester", action="view", object_type="registry.child", object_id=code, region_code=code)


def test_prefix_range_spans_every_code_below_the_prefix():
    assert prefix_range("451027") == ("451027000000", "451027999999")
    assert prefix_range("451027001200") == ("451027001200", "451027001200")


@pytest.mark.django_db
def test_a_county_auditor_sees_exactly_the_county_range(world, make_user, entries_at_edges):
    auditor = make_user(Role.AUDITOR, COUNTY)
    assert audit_codes(auditor) == {code for code, inside in EDGES.items() if inside}


@pytest.mark.django_db
def test_without_the_capability_the_queryset_is_empty_even_inside_the_region(world, make_user, entries_at_edges):
    sysadmin = make_user(Role.SYSADMIN, COUNTY)  # same county, but sysadmins do not read the audit trail
    assert audit_codes(sysadmin) == set()
    officer = make_user(Role.COUNTY_OFFICER, COUNTY)
    assert audit_codes(officer) == set()


@pytest.mark.django_db
def test_without_a_region_the_queryset_is_empty_whatever_the_role(world, make_user, entries_at_edges):
    auditor = make_user(Role.AUDITOR, None)
    assert audit_codes(auditor) == set()
    assert not in_scope(auditor, "451027000000")


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_sees_nothing(world, make_user, entries_at_edges):
    auditor = make_user(Role.AUDITOR, COUNTY, is_active=False)
    assert audit_codes(auditor) == set()
    assert audit_codes(AnonymousUser()) == set()


@pytest.mark.django_db
def test_an_undeclared_capability_is_an_error_not_an_empty_list(world, make_user):
    auditor = make_user(Role.AUDITOR, COUNTY)
    with pytest.raises(KeyError, match="registry.view_everything"):
        AuditEntry.objects.visible_to(auditor, "registry.view_everything")


@pytest.mark.django_db
def test_children_scope_a_village_director_to_the_village(world, make_user, make_child):
    mine = make_child(name="本村儿童", village=IN_SCOPE_VILLAGE)
    make_child(name="邻村儿童", village=SIBLING_VILLAGE)
    director = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    assert list(Child.objects.visible_to(director, "registry.view_children")) == [mine]
    # the capability half: a director may view children but not the audit trail of their own village
    assert not Child.objects.visible_to(director, "audit.view").exists()
    supervisor = make_user(Role.SUPERVISOR, "451027001000")
    assert Child.objects.visible_to(supervisor, "registry.view_children").count() == 2


@pytest.mark.django_db
def test_in_scope_is_a_prefix_test_on_the_users_region(world, make_user):
    supervisor = make_user(Role.SUPERVISOR, "451027001000")
    assert in_scope(supervisor, "451027001200") and in_scope(supervisor, "451027001000")
    assert not in_scope(supervisor, "451027002200") and not in_scope(supervisor, "") and not in_scope(supervisor, None)
    assert not in_scope(None, "451027001200")  # no user at all (a background job without an actor)
