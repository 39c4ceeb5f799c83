"""A director replaced by a successor: files and tasks move the same day, nothing orphaned (R-J2; issue 15 item 1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import IN_SCOPE_VILLAGE, SIBLING_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry.models import Child
from tonghu.workforce import services
from tonghu.workforce.models import Handover


@pytest.fixture
def village_pair(make_person, make_user, make_child):
    old_account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE, username="old-director")
    new_account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE, username="new-director")
    old = make_person("老主任", user=old_account, phone="13800000001")
    new = make_person("新主任", user=new_account, phone="13800000002", appointed_on=dt.date.today())
    kids = [make_child(f"儿童{i}", director=old_account, director_name="老主任") for i in range(3)]
    # a file registered by name only (a ledger import) also names the leaving director
    kids.append(make_child("按姓名登记", director_name="老主任"))
    other_village = make_child("别村儿童", village=SIBLING_VILLAGE, director_name="老主任")
    return old, new, kids, other_village


def test_handover_moves_files_problems_and_leaves_nothing_orphaned(village_pair, users):
    from tonghu.visits.models import Problem

    old, new, kids, other_village = village_pair
    problem = Problem.objects.create(child=kids[0], category="schooling", description="辍学风险", due_on=dt.date(2030, 1, 1), owner=old.user)
    versions = {c.pk: Child.objects.get(pk=c.pk).version for c in kids}
    h = services.director_handover(actor=users[Role.COUNTY_MANAGER], predecessor=old, successor=new, reason="换届")

    assert h.children_moved == 4 and h.problems_moved == 1
    # nothing names the predecessor any more
    assert not Child.objects.filter(director=old.user).exists()
    assert not Child.objects.filter(village_id=IN_SCOPE_VILLAGE, director_name="老主任").exists()
    for c in Child.objects.filter(pk__in=versions):
        assert (c.director_id, c.director_name, c.director_phone) == (new.user_id, "新主任", "13800000002")
        assert c.version == versions[c.pk] + 1  # an edit form opened before the handover is a conflict, not an overwrite
    # a namesake in another village is not touched
    other_village.refresh_from_db()
    assert other_village.director_name == "老主任"
    problem.refresh_from_db()
    assert problem.owner_id == new.user_id
    old.refresh_from_db()
    old.user.refresh_from_db()
    assert old.left_on == dt.date.today() and not old.user.is_active
    # visit tasks are bound to the village: they reach the successor's account, no longer the predecessor's
    from tonghu.visits.services import directors_of

    assert new.user in directors_of(IN_SCOPE_VILLAGE) and old.user not in directors_of(IN_SCOPE_VILLAGE)
    # audited: the handover and each file
    assert AuditEntry.objects.filter(object_type="workforce.handover", object_id=str(h.pk)).exists()
    assert AuditEntry.objects.filter(object_type="registry.child", object_id=str(kids[0].pk), summary__contains="交接").exists()


def test_successor_without_an_account_of_the_village_is_refused_and_nothing_moves(village_pair, users, make_person, world):
    old, _new, kids, _o = village_pair
    no_account = make_person("无账号")
    with pytest.raises(ValidationError) as exc:
        services.director_handover(actor=users[Role.COUNTY_MANAGER], predecessor=old, successor=no_account, reason="换届")
    assert "successor" in exc.value.message_dict
    assert Child.objects.filter(director=old.user).count() == 3
    assert not Handover.objects.exists()


def test_successor_with_an_adverse_check_is_refused(village_pair, users):
    """R-F7: an adverse background check blocks the assignment (issue 15 item 4)."""
    old, new, _kids, _o = village_pair
    services.check_record(actor=users[Role.COUNTY_MANAGER], person=new,
                          data={"checked_on": dt.date.today(), "result": "adverse", "checked_by": "县人民检察院"})
    with pytest.raises(ValidationError) as exc:
        services.director_handover(actor=users[Role.COUNTY_MANAGER], predecessor=old, successor=new, reason="换届")
    assert "入职查询" in str(exc.value)
    assert Child.objects.filter(director=old.user).count() == 3


def test_handover_outside_the_actors_region_is_refused(village_pair, make_user):
    old, new, _kids, _o = village_pair
    other_county = make_user(Role.COUNTY_MANAGER, "533401000000")
    with pytest.raises(ValidationError):
        services.director_handover(actor=other_county, predecessor=old, successor=new, reason="换届")
