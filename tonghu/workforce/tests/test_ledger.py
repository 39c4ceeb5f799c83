"""The real-name ledger of child directors and supervisors (R-J2) and background checks (R-F7); issue 15 items 1, 4."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.workforce import services
from tonghu.workforce.models import Person

VALID_ID = "110101199003074477"  # GB 11643 check digit valid (fictional)


def test_person_id_number_is_encrypted_at_rest_and_masked_in_the_audit(make_person, db):
    """R-J2: real name and ID number; the ID number is stored encrypted like a child's and never in clear in the
    audit trail."""
    from django.db import connection

    p = make_person(id_number=VALID_ID, phone="13800000000")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM workforce_person WHERE id = %s", [p.pk])
        stored = cur.fetchone()[0]
    assert VALID_ID not in stored
    assert Person.objects.get(id_number=VALID_ID).pk == p.pk  # blind-index look-up
    entry = AuditEntry.objects.filter(object_type="workforce.person", object_id=str(p.pk)).get()
    assert VALID_ID not in str(entry.changes)


def test_invalid_id_number_and_wrong_level_are_refused_by_field(make_person, world):
    with pytest.raises(ValidationError) as exc:
        make_person(id_number="110101199003074478", village="451027001000")  # township for a director
    assert set(exc.value.message_dict) == {"id_number", "region"}


def test_same_id_number_twice_is_refused(make_person):
    make_person(id_number=VALID_ID)
    with pytest.raises(ValidationError) as exc:
        make_person("王主任", id_number=VALID_ID)
    assert "id_number" in exc.value.message_dict


def test_out_of_scope_region_is_refused(make_person):
    with pytest.raises(ValidationError) as exc:
        make_person(village=OUT_OF_SCOPE_VILLAGE)
    assert "region" in exc.value.message_dict


def test_account_must_match_the_role_and_village(make_person, make_user, world):
    supervisor = make_user(Role.SUPERVISOR, "451027001000")
    with pytest.raises(ValidationError) as exc:
        make_person(user=supervisor)
    assert "user" in exc.value.message_dict
    director = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    p = make_person(user=director)
    with pytest.raises(ValidationError):
        make_person("第二人", user=director)  # one ledger person per account
    assert p.user == director


def test_update_refuses_a_stale_version(make_person, users):
    p = make_person()
    services.person_update(actor=users[Role.COUNTY_MANAGER], person=p, data={"phone": "13900000000"}, expected_version=1)
    from tonghu.core.versioning import EditConflictError

    with pytest.raises(EditConflictError):
        services.person_update(actor=users[Role.COUNTY_MANAGER], person=p, data={"phone": "13700000000"}, expected_version=1)
    p.refresh_from_db()
    assert p.phone == "13900000000" and p.version == 2


def test_leave_is_refused_while_the_director_still_has_files(make_person, make_child, make_user, users):
    """Nothing orphaned (issue 15 item 1): leaving with children's files requires a handover."""
    account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    p = make_person(user=account)
    make_child("赵一", director=account)
    with pytest.raises(ValidationError) as exc:
        services.person_leave(actor=users[Role.COUNTY_MANAGER], person=p, on=dt.date.today(), reason="辞职")
    assert "交接" in str(exc.value)
    p.refresh_from_db()
    assert p.left_on is None


def test_adverse_background_check_blocks_assignment(make_person, users):
    """R-F7: a person with an adverse check cannot be assigned to children (issue 15 item 4)."""
    p = make_person()
    services.assert_assignable(p)  # no check yet: fine
    services.check_record(actor=users[Role.COUNTY_MANAGER], person=p,
                          data={"checked_on": dt.date.today(), "result": "adverse", "checked_by": "县人民检察院"})
    with pytest.raises(ValidationError):
        services.assert_assignable(p)
    entry = AuditEntry.objects.filter(object_type="workforce.backgroundcheck").get()
    assert "adverse" not in str(entry.changes)  # the result is not spread through the audit trail


def test_adverse_check_blocks_making_the_person_a_files_director(make_person, make_user, make_child, users):
    """R-F7 enforced in the registry's services too: a file cannot be given a director whose check is adverse."""
    from tonghu.registry.services import child_update

    account = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    p = make_person(user=account)
    child = make_child("小红")
    services.check_record(actor=users[Role.COUNTY_MANAGER], person=p,
                          data={"checked_on": dt.date.today(), "result": "adverse", "checked_by": "县人民检察院"})
    with pytest.raises(ValidationError) as exc:
        child_update(actor=users[Role.COUNTY_OFFICER], child=child, data={"director": account}, expected_version=child.version)
    assert "director" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_child("小兰", director=account)
    child.refresh_from_db()
    assert child.director_id is None
