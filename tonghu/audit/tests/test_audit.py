"""Audit trail (issue 2 §6, R-N1): append-only, hash-chained, every view/change/login recorded."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE, PASSWORD
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log, verify_chain
from tonghu.registry.models import Child


def _tamper(sql, params):
    """Change the table behind the application's back, as an operator with database rights could. On PostgreSQL
    the append-only trigger refuses first; the operator must disable it, which is what we simulate."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers off for this session
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_chain_verifies_and_detects_an_edited_row(capsys):
    for i in range(5):
        audit_log(actor="tester", action="view", object_type="registry.child", object_id=str(i), summary=f"查看 {i}")
    call_command("audit_verify")
    assert "5 条记录" in capsys.readouterr().out
    third = AuditEntry.objects.order_by("seq")[2]
    _tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", ["改过了", third.seq])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    assert f"第 {third.seq} 条" in str(excinfo.value) and "内容被修改" in str(excinfo.value)


@pytest.mark.django_db
def test_deleting_a_row_breaks_the_next_link():
    entries = [audit_log(actor="tester", action="view", summary=str(i)) for i in range(4)]
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    checked, bad, reason = verify_chain()
    assert (checked, bad.seq, reason) == (1, entries[2].seq, "prev_hash")


@pytest.mark.django_db
def test_truncating_the_tail_is_detected():
    entries = [audit_log(actor="tester", action="view", summary=str(i)) for i in range(3)]
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    assert verify_chain()[2] == "head"


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_application():
    entry = audit_log(actor="tester", action="view", summary="x")
    entry.summary = "y"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.django_db
def test_login_failed_login_and_logout_are_recorded(world, make_user, client):
    user = make_user(Role.COUNTY_OFFICER, "451027000000", username="officer")
    client.post(reverse("login"), {"username": "officer", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("logout"))
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "actor_name"))
    assert actions == [("login_failed", "officer"), ("login", "officer"), ("logout", "officer")]
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.ip == "10.1.2.3" and failed.actor is None
    assert AuditEntry.objects.get(action="login").actor == user


@pytest.mark.django_db
def test_opening_a_child_file_is_recorded_with_region(world, users, client):
    child = Child.objects.create(name="审计儿童", sex="F", birth_date="2015-01-01", village=world[IN_SCOPE_VILLAGE])
    client.force_login(users[Role.SUPERVISOR])
    client.get(reverse("child_detail", kwargs={"pk": child.pk}))
    client.get(reverse("child-detail", kwargs={"pk": child.pk}))
    views = AuditEntry.objects.filter(action="view", object_type="registry.child", object_id=str(child.pk))
    assert views.count() == 2
    assert {v.region_code for v in views} == {IN_SCOPE_VILLAGE}
    assert {v.actor_name for v in views} == {users[Role.SUPERVISOR].username}


@pytest.mark.django_db
def test_auditor_page_filters_and_is_scoped(world, users, make_user, client):
    audit_log(actor="someone", action="export", object_type="registry.child", object_repr="本县导出", region_code=IN_SCOPE_VILLAGE)
    audit_log(actor="someone", action="export", object_type="registry.child", object_repr="外县导出", region_code="533401001200")
    audit_log(actor="someone", action="view", object_type="registry.child", object_repr="本县查看", region_code=IN_SCOPE_VILLAGE)
    client.force_login(users[Role.AUDITOR])
    page = client.get(reverse("audit_list"), {"action": "export"}).content.decode()
    assert "本县导出" in page and "外县导出" not in page and "本县查看" not in page


@pytest.mark.django_db
def test_user_changes_are_recorded_field_by_field(world, users, client):
    client.force_login(users[Role.SYSADMIN])
    response = client.post(reverse("user_create"), {
        "username": "newdirector", "full_name": "新主任", "role": Role.CHILD_DIRECTOR, "region": IN_SCOPE_VILLAGE,
        "department": "", "unit": "", "phone": "", "is_active": "on", "password": "Village-2026-ok",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    from tonghu.accounts.models import User

    created = User.objects.get(username="newdirector")
    response = client.post(reverse("user_edit", kwargs={"pk": created.pk}), {
        "username": "newdirector", "full_name": "新主任", "role": Role.CHILD_DIRECTOR, "region": "451027001201",
        "department": "", "unit": "", "phone": "13800000000", "is_active": "on", "password": "",
    })
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="admin").order_by("-seq").first()
    assert entry.changes == {"phone": ["", "13800000000"], "region_id": [IN_SCOPE_VILLAGE, "451027001201"]}
