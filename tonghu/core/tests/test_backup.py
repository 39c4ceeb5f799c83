"""Backup and restore drill (issue 10 item 20): ``tonghu backup`` on the running database, ``tonghu restore`` into an
empty database in another process, and ``tonghu audit-verify`` passes there; runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import tonghu
from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role

REPO = Path(tonghu.__file__).resolve().parent.parent


def _tonghu(env: dict, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tonghu.cli", *argv], cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def empty_target(tmp_path, settings):
    """Environment of a second installation with an empty database (same engine) and an empty MEDIA_ROOT.

    It shares TONGHU_DATA_DIR with this process: that is where the keys are, restored separately from the backup."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TONGHU_SQLITE_PATH", "TONGHU_MEDIA_ROOT")}
    env.update(TONGHU_DATA_DIR=str(settings.DATA_DIR), TONGHU_MEDIA_ROOT=str(tmp_path / "restored-media"), TONGHU_DB_CONN_MAX_AGE="0")
    if connection.vendor == "sqlite":
        env["TONGHU_SQLITE_PATH"] = str(tmp_path / "restored" / "tonghu.sqlite3")
        yield env
        return
    sd = connection.settings_dict
    name = f"{sd['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{sd['PASSWORD']}" if sd.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{sd['USER']}{password}@{sd['HOST'] or '127.0.0.1'}:{sd['PORT'] or 5432}/{name}"
    yield env
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_and_the_audit_chain_verifies(world, users, tmp_path, settings, empty_target):
    from tonghu.audit.models import AuditEntry
    from tonghu.registry.services import child_create

    settings.MEDIA_ROOT = str(tmp_path / "media")
    photo = tmp_path / "media" / "visits" / "2026" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 generated test photo")
    child_create(actor=users[Role.CHILD_DIRECTOR], data={"name": "韦小宝", "sex": "M", "birth_date": dt.date(2016, 5, 4),
                                                        "village": world[IN_SCOPE_VILLAGE]})
    entries = AuditEntry.objects.count()
    assert entries > 0

    out = tmp_path / "backups" / "county.tar"
    call_command("backup", out=str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600, "a backup holds every child's file: owner-only"
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/visits/2026/photo.jpg" in names
    assert not any("secret_key" in n or n.endswith(".key") for n in names), "keys are backed up separately"
    with pytest.raises(CommandError, match="备份文件已存在"):
        call_command("backup", out=str(out))

    # The drill: a second installation with an empty database restores it ...
    restored = _tonghu(empty_target, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert f"审计链完整：共 {entries} 条记录" in restored.stdout
    # ... audit-verify passes there, and the child filed before the backup is there.
    verified = _tonghu(empty_target, "audit-verify")
    assert verified.returncode == 0, verified.stderr
    assert f"共 {entries} 条记录" in verified.stdout
    names = _tonghu(empty_target, "shell", "-c", "from tonghu.registry.models import Child; print(sorted(c.name for c in Child.objects.all()))")
    assert names.stdout.strip().splitlines()[-1] == "['韦小宝']", names.stderr
    copy = Path(empty_target["TONGHU_MEDIA_ROOT"]) / "visits" / "2026" / "photo.jpg"
    assert copy.read_bytes() == photo.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

    # Restoring over data that now exists is refused, and says where.
    again = _tonghu(empty_target, "restore", str(out))
    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr and "未恢复任何内容" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_a_database_in_use(world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = tmp_path / "b.tar"
    call_command("backup", out=str(out))
    # This test's own database has tables: restoring into it needs --force.
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(out))
    # A truncated file is refused before anything is touched.
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(out.read_bytes()[:2048])
    with pytest.raises(CommandError, match="备份文件无法读取.*未恢复任何内容"):
        call_command("restore", str(damaged), force=True)
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar"))
