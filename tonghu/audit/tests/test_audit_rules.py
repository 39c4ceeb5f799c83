"""What an audit entry records and what verification refuses (docs/permissions.md rule 9, R-N1; issue 20 item 4:
these pin the details the mutation run of ``audit/services.py`` found unguarded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry, AuditHead
from tonghu.audit.services import audit_log, diff, verify_chain


@pytest.mark.django_db
def test_changes_are_stored_as_plain_json(world, make_user):
    user = make_user(Role.COUNTY_OFFICER, "451027000000")
    entry = audit_log(actor=user, action="update", changes={
        "village": world[IN_SCOPE_VILLAGE], "born": dt.date(2015, 3, 8), "at": dt.datetime(2026, 1, 2, 3, 4, 5),
        "amount": Decimal("350.50"), "none": None, "flag": True, "count": 3, "ratio": 0.5,
        "list": [world[IN_SCOPE_VILLAGE], dt.date(2020, 1, 1)], "nested": {1: {"d": dt.date(2021, 2, 3)}},
    })
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.changes == {
        "village": IN_SCOPE_VILLAGE, "born": "2015-03-08", "at": "2026-01-02T03:04:05", "amount": "350.50", "none": None,
        "flag": True, "count": 3, "ratio": 0.5, "list": [IN_SCOPE_VILLAGE, "2020-01-01"], "nested": {"1": {"d": "2021-02-03"}},
    }


@pytest.mark.django_db
def test_an_entry_without_object_or_summary_stores_empty_texts_and_the_actors_region(world, make_user):
    user = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    entry = AuditEntry.objects.get(pk=audit_log(actor=user, action="login").pk)
    assert (entry.object_type, entry.object_id, entry.object_repr, entry.summary) == ("", "", "", "")
    assert entry.region_code == IN_SCOPE_VILLAGE and entry.actor == user and entry.actor_name == user.username
    named = audit_log(actor="ledger-import", action="import")
    assert (named.actor, named.actor_name, named.region_code) == (None, "ledger-import", "")


def test_diff_lists_fields_added_removed_and_changed_only():
    assert diff({"a": 1, "b": 2, "c": 3}, {"b": 2, "c": 4, "d": 5}) == {"a": [1, None], "c": [3, 4], "d": [None, 5]}
    assert diff({}, {}) == {}


@pytest.mark.django_db
def test_verification_reads_the_chain_in_batches():
    entries = [audit_log(actor="tester", action="view", summary=str(i)) for i in range(5)]
    assert verify_chain(batch=2) == (5, None, "")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_audithead SET count = count + 1 WHERE id = 1")
    assert verify_chain(batch=2) == (5, None, "head")
    assert entries[-1].hash == AuditHead.objects.get().last_hash


@pytest.mark.django_db
@pytest.mark.parametrize("column,value", [("count", "count + 1"), ("last_hash", "'" + "a" * 64 + "'")])
def test_a_head_that_disagrees_in_count_or_hash_alone_is_reported(column, value):
    for i in range(3):
        audit_log(actor="tester", action="view", summary=str(i))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_audithead SET {column} = {value} WHERE id = 1")
    assert verify_chain() == (3, None, "head")


class Thing:
    """An object to audit that is not a model of ours: no region of its own."""

    pk = 7
    _meta = type("Meta", (), {"label_lower": "tests.thing"})()

    def __init__(self, text="某物", region=None):
        self.text = text
        if region is not None:
            self.audit_region_code = region

    def __str__(self):
        return self.text


@pytest.mark.django_db
def test_an_object_gives_its_type_id_text_and_region_cut_to_the_columns():
    entry = AuditEntry.objects.get(pk=audit_log(actor="tester", action="view", obj=Thing("长" * 250), summary="看").pk)
    assert (entry.object_type, entry.object_id, entry.object_repr, entry.region_code, entry.summary) == ("tests.thing", "7", "长" * 200, "", "看")
    entry = audit_log(actor="tester", action="view", obj=Thing(region=""), object_repr="给定的")
    assert (entry.object_repr, entry.region_code) == ("给定的", "")
    assert audit_log(actor="tester", action="view", obj=Thing(region=IN_SCOPE_VILLAGE)).region_code == IN_SCOPE_VILLAGE
    long = audit_log(actor="x" * 300, action="view", object_repr="y" * 300)
    assert (len(long.actor_name), len(long.object_repr)) == (150, 200)


@pytest.mark.django_db
def test_an_actor_that_is_neither_a_user_nor_a_name_is_recorded_as_nobody():
    from django.contrib.auth.models import AnonymousUser

    entry = audit_log(actor=AnonymousUser(), action="login_failed")
    assert (entry.actor, entry.actor_name) == (None, "")


@pytest.mark.django_db
def test_the_address_is_the_one_given_or_else_the_requests(world, users, make_child, client):
    assert audit_log(actor="tester", action="view", ip="10.0.0.7").ip == "10.0.0.7"
    assert audit_log(actor="tester", action="view").ip is None  # no request, no address
    child = make_child("地址儿童")
    client.force_login(users[Role.SUPERVISOR])
    client.get(f"/children/{child.pk}/", REMOTE_ADDR="10.3.4.5")
    assert AuditEntry.objects.get(action="view", object_type="registry.child", object_id=str(child.pk)).ip == "10.3.4.5"


def test_the_hashed_form_of_an_entry_is_fixed():
    """Stored chains are verified with today's code: any change to what is hashed (a key, the order, the separators,
    the time format) would make every existing entry look tampered with. Changing it needs a migration of the chain."""
    entry = AuditEntry(seq=7, at=dt.datetime(2026, 3, 1, 8, 30, 5, 120000, tzinfo=dt.timezone.utc), actor_id=3, actor_name="officer",
                       ip="10.0.0.1", action="update", object_type="registry.child", object_id="42", object_repr="张伟",
                       region_code="451027001200", summary="修改档案", changes={"name": ["张伟", "张玮"]})
    assert entry.canonical() == (
        '{"action":"update","actor":3,"actor_name":"officer","at":"2026-03-01T08:30:05.120000+00:00",'
        '"changes":{"name":["张伟","张玮"]},"ip":"10.0.0.1","object_id":"42","object_repr":"张伟",'
        '"object_type":"registry.child","region_code":"451027001200","seq":7,"summary":"修改档案"}'
    )  # the entry number is inside the keyed hash (issue 10 item 11), so a renumbered entry fails too
