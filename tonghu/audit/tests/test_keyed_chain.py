"""The audit chain cannot be rewritten (issue 10 §11, R-N1): the chain is an HMAC under a key that is not in the
database, signed checkpoints outside the table catch a truncated tail, and refused object requests leave a
rate-limited trace."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import secrets
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import GENESIS, AuditEntry, AuditHead, RefusalCounter
from tonghu.audit.services import audit_log, checkpoint_path, verify_chain, write_checkpoint
from tonghu.audit.tests.test_audit import _tamper
from tonghu.registry.models import Child

OUT_OF_SCOPE_VILLAGE = "533401001200"


@pytest.fixture(autouse=True)
def checkpoint_dir(tmp_path, settings):
    settings.TONGHU_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.TONGHU_AUDIT_CHECKPOINT_DIR


def _entries(n: int) -> list[AuditEntry]:
    return [audit_log(actor="tester", action="view", object_type="registry.child", object_id=str(i), summary=f"查看 {i}", region_code=IN_SCOPE_VILLAGE) for i in range(n)]


def _sha256_recompute(from_seq: int) -> None:
    """What an attacker with write access and the source code but not the key does after an edit: recompute every
    hash from the edited entry on (with the published SHA-256 and with an HMAC under a key of their own) and fix
    the head, so the links and the head agree again."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = GENESIS
    guessed = secrets.token_bytes(32)
    for e in entries:
        if e.seq >= from_seq:
            e.prev_hash = prev
            new = hashlib.sha256((prev + e.canonical()).encode("utf-8")).hexdigest() if e.seq % 2 else e.compute_hash(key=guessed)
            _tamper("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, e.seq])
            e.hash = new
        prev = e.hash
    AuditHead.objects.filter(id=1).update(last_hash=prev, count=len(entries))


@pytest.mark.django_db
def test_an_edit_with_the_chain_recomputed_is_detected():
    entries = _entries(5)
    assert verify_chain()[2] == ""
    _tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", ["改过了", entries[2].seq])
    _sha256_recompute(entries[2].seq)
    checked, bad, reason = verify_chain()
    assert (checked, bad.seq, reason) == (2, entries[2].seq, "hash")
    with pytest.raises(CommandError, match=f"第 {entries[2].seq} 条记录处断裂"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_truncating_the_tail_and_updating_the_head_is_caught_by_a_checkpoint(capsys):
    entries = _entries(6)
    call_command("audit_checkpoint")
    assert f"第 {entries[-1].seq} 条" in capsys.readouterr().out
    call_command("audit_verify")
    assert "1 个检查点" in capsys.readouterr().out
    for e in entries[-2:]:
        _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [e.seq])
    AuditHead.objects.filter(id=1).update(last_hash=entries[-3].hash, count=4)  # the head agrees with the table again
    verdict = verify_chain()
    assert verdict[2] == "checkpoint" and f"第 {entries[-1].seq} 条已不在审计表中" in verdict.detail
    with pytest.raises(CommandError, match="记录被删除（截断）"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_entries_added_after_a_checkpoint_keep_the_chain_valid_and_a_rewrite_below_it_is_caught():
    entries = _entries(3)
    write_checkpoint()
    _entries(2)
    assert verify_chain()[2] == ""
    # rewrite the whole chain with the right key as if the attacker had it, except that the checkpoint file is not in
    # the database: a different history up to the checkpointed entry no longer matches it
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    assert verify_chain()[2] == "prev_hash"


@pytest.mark.django_db
def test_a_wrong_key_fails_verification_and_the_checkpoint_signature():
    entries = _entries(3)
    with override_settings(TONGHU_AUDIT_KEY=secrets.token_bytes(32)):
        checked, bad, reason = verify_chain()
        assert (checked, bad.seq, reason) == (0, entries[0].seq, "hash")
    write_checkpoint()
    with override_settings(TONGHU_AUDIT_KEY=secrets.token_bytes(32)):
        verdict = verify_chain()
        assert verdict[2] == "checkpoint" and "签名不符" in verdict.detail


@pytest.mark.django_db
def test_a_forged_checkpoint_line_is_refused():
    _entries(2)
    write_checkpoint()
    path = checkpoint_path()
    line = json.loads(path.read_text().splitlines()[-1])
    line["count"] = 1
    with path.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    verdict = verify_chain()
    assert verdict[2] == "checkpoint" and "第 2 行的签名不符" in verdict.detail


@pytest.mark.django_db
def test_checkpoint_file_is_private(checkpoint_dir):
    _entries(1)
    write_checkpoint()
    assert (checkpoint_dir.stat().st_mode & 0o777, checkpoint_path().stat().st_mode & 0o777) == (0o700, 0o600)


EVERY_COLUMN = {
    # column -> a different value of the right type (SQL literal parameters)
    "seq": lambda e: e.seq + 1000,
    "at": lambda e: (e.at + dt.timedelta(seconds=1)) if connection.vendor == "postgresql" else (e.at + dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f"),
    "actor_id": None,  # another user's id, set in the test
    "actor_name": lambda e: "someone-else",
    "ip": lambda e: "10.9.9.9",
    "action": lambda e: "export",
    "object_type": lambda e: "registry.guardian",
    "object_id": lambda e: "999",
    "object_repr": lambda e: "别人",
    "region_code": lambda e: OUT_OF_SCOPE_VILLAGE,
    "summary": lambda e: "改过了",
    "changes": lambda e: json.dumps({"x": 1}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("column", sorted(EVERY_COLUMN))
def test_every_column_is_in_the_hmac(column, users):
    entries = [audit_log(actor=users[Role.SUPERVISOR], action="view", object_type="registry.child", object_id="1", summary="查看", region_code=IN_SCOPE_VILLAGE, ip="10.0.0.1")
               for _ in range(2)]
    last = entries[-1]
    value = EVERY_COLUMN[column](last) if column != "actor_id" else users[Role.COUNTY_OFFICER].pk
    _tamper(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = %s", [value, last.seq])
    if column == "seq":
        AuditHead.objects.filter(id=1).update(last_hash=last.hash)
    checked, bad, reason = verify_chain()
    assert (checked, reason) == (1, "hash") and bad is not None


@pytest.mark.django_db
def test_refused_object_requests_are_audited_once_a_minute_with_a_count(world, users, client, monkeypatch):
    from tonghu.audit import services as audit_services

    monkeypatch.setattr(audit_services, "REFUSAL_WINDOW", dt.timedelta(hours=1))  # a slow machine: one window for all
    outside = Child.objects.create(name="外县儿童", sex="F", birth_date="2015-01-01", village=world[OUT_OF_SCOPE_VILLAGE])
    supervisor = users[Role.SUPERVISOR]
    client.force_login(supervisor)
    for pk in range(outside.pk, outside.pk + 150):  # probing: the real file and 149 that do not exist
        assert client.get(reverse("child_detail", kwargs={"pk": pk})).status_code == 404
    denied = AuditEntry.objects.filter(action="denied", actor=supervisor)
    assert denied.count() == 1
    entry = denied.get()
    assert entry.object_repr == reverse("child_detail", kwargs={"pk": outside.pk}) and entry.region_code == supervisor.region_id
    assert RefusalCounter.objects.get(user=supervisor).suppressed == 149
    # the API refuses through its own get_object: a separate pattern, its own entry
    assert client.get(f"/api/v1/children/{outside.pk}/").status_code == 404
    assert denied.count() == 2
    # once the window has passed the next refusal is recorded with the count of the ones in between
    RefusalCounter.objects.filter(user=supervisor).update(window_start=entry.at - dt.timedelta(hours=2))
    client.get(reverse("child_detail", kwargs={"pk": outside.pk}))
    latest = denied.order_by("-seq").first()
    assert latest.changes["refused_before_uncounted"] == 149 and "另有 149 次" in latest.summary_text
    assert verify_chain()[2] == ""


@pytest.mark.django_db
def test_pending_refusal_counts_are_written_by_the_checkpoint(world, users, client):
    outside = Child.objects.create(name="外县儿童", sex="F", birth_date="2015-01-01", village=world[OUT_OF_SCOPE_VILLAGE])
    client.force_login(users[Role.SUPERVISOR])
    for _ in range(5):
        client.get(reverse("child_detail", kwargs={"pk": outside.pk}))
    RefusalCounter.objects.update(window_start=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    call_command("audit_checkpoint")
    flushed = AuditEntry.objects.filter(action="denied").order_by("-seq").first()
    assert flushed.changes["refused_uncounted"] == 4
    assert RefusalCounter.objects.get().suppressed == 0


@pytest.mark.django_db
def test_the_migration_re_keys_an_intact_sha256_chain_and_refuses_a_broken_one():
    migration = importlib.import_module("tonghu.audit.migrations.0003_keyed_chain")
    entries = _entries(3)

    def make_old_chain():  # the chain the previous version wrote: plain SHA-256, no entry number in the content
        prev = GENESIS
        for e in AuditEntry.objects.order_by("seq"):
            old = hashlib.sha256((prev + migration._canonical(e, False)).encode("utf-8")).hexdigest()
            _tamper("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, old, e.seq])
            prev = old
        AuditHead.objects.filter(id=1).update(last_hash=prev)

    def run():
        with connection.cursor() as cur:
            migration.rekey(apps, SimpleNamespace(connection=connection, execute=cur.execute))

    make_old_chain()
    assert verify_chain()[2] == "hash"
    run()
    assert verify_chain()[2] == ""
    make_old_chain()
    _tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", ["改过了", entries[1].seq])
    with pytest.raises(RuntimeError, match=f"第 {entries[1].seq} 条记录处已断裂"):
        run()
