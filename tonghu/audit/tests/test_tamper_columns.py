"""Every column of an audit entry is covered by the chain (docs/permissions.md rule 9, R-N1; issue 20 item 1).

Driven by the model's own list of columns: a raw SQL UPDATE of any one column of one entry — who, when, from
where, what, which region (which auditors see it), the change itself, the links — makes ``tonghu audit-verify``
name that entry. A column added to ``AuditEntry`` makes ``test_every_column_has_a_tampered_value`` fail until it
is listed here, so no new column can slip outside the hash unnoticed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log, verify_chain

from .test_audit import _tamper

# column -> a different value an operator might write (for the entry made by ``entries`` below)
TAMPERED = {
    "at": lambda e, other: e.at - dt.timedelta(days=3),
    "actor_id": lambda e, other: other.pk,
    "actor_name": lambda e, other: "someone-else",
    "ip": lambda e, other: "10.9.9.9",
    "action": lambda e, other: "export",
    "object_type": lambda e, other: "registry.guardian",
    "object_id": lambda e, other: "99999",
    "object_repr": lambda e, other: "另一个儿童",
    "region_code": lambda e, other: "533401001200",
    "summary": lambda e, other: "查看了另一份档案",
    "changes": lambda e, other: '{"name": ["甲", "乙"]}',
    "prev_hash": lambda e, other: "f" * 64,
    "hash": lambda e, other: "e" * 64,
}


def columns() -> list[str]:
    return [f.column for f in AuditEntry._meta.concrete_fields if not f.primary_key]


@pytest.fixture
def entries(world, make_user):
    actor = make_user(Role.COUNTY_OFFICER, "451027000000")
    other = make_user(Role.COUNTY_OFFICER, "451027000000")
    made = [audit_log(actor=actor, action="view", object_type="registry.child", object_id=str(i), object_repr=f"儿童{i}",
                      region_code=IN_SCOPE_VILLAGE, summary=f"查看 {i}", changes={"name": ["", f"儿童{i}"]}, ip="10.1.1.1")
            for i in range(3)]
    return made, other


def test_every_column_has_a_tampered_value():
    assert sorted(TAMPERED) == sorted(columns())


@pytest.mark.django_db
@pytest.mark.parametrize("column", sorted(TAMPERED))
def test_changing_one_column_of_one_entry_is_reported_for_that_entry(entries, column):
    made, other = entries
    middle = made[1]
    assert verify_chain()[1:] == (None, "")
    value = TAMPERED[column](middle, other)
    if column == "at" and connection.vendor == "sqlite":
        value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    _tamper(f"UPDATE audit_auditentry SET {connection.ops.quote_name(column)} = %s WHERE seq = %s", [value, middle.seq])
    _checked, bad, _reason = verify_chain()
    assert bad is not None and bad.seq == middle.seq
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    assert f"第 {middle.seq} 条" in str(excinfo.value)
