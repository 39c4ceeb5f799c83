"""Backup and restore of a tonghu installation: the database plus the uploaded files (media).

One backup is one tar file, created 0600 (its folder 0700), holding

- ``manifest.json``: format, engine, when, the applied migrations, the SHA-256 of every member;
- ``database.sqlite3`` (SQLite: a consistent copy made with SQLite's online backup API while tonghu runs) or
  ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, a consistent snapshot taken while tonghu runs);
- ``media/…``: every file under MEDIA_ROOT (attachments, visit photos).

Keys are **not** in the backup: the secret key, and the audit-chain and field-encryption keys kept in
TONGHU_DATA_DIR or the environment. A backup without its keys cannot be read or verified; keys are backed up
separately (docs/deployment.md, "Backup and restore").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = "tonghu-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what and where (Chinese / English)."""


@dataclass
class BackupResult:
    path: Path
    engine: str
    media_files: int
    size: int


@dataclass
class RestoreResult:
    engine: str
    created: str
    media_files: int


def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）。 / Cannot back up a {vendor} database.")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def _pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump / pg_restore, and the environment carrying the password."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client），或按 docs/deployment.md"
            f"“备份与恢复”一节手工执行 pg_dump / pg_restore。 / {name} not found: install postgresql-client or follow "
            "docs/deployment.md, \"Backup and restore\", by hand."
        )
    return found


def _run(cmd: list[str], env: dict, what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what}失败（{Path(cmd[0]).name} 退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _dump_database(alias: str, engine: str, staging: Path) -> Path:
    connection = connections[alias]
    if engine == "sqlite":
        target = staging / SQLITE_MEMBER
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot page by page while others keep writing.
            connection.connection.backup(copy)
        finally:
            copy.close()
        return target
    target = staging / PG_MEMBER
    args, env = _pg_args(connection.settings_dict)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(target),
          connection.settings_dict["NAME"]], env, "pg_dump 导出数据库")
    return target


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def default_backup_path(engine: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"tonghu-{engine}-{stamp}.tar"


def backup(out: Path | None = None, *, alias: str = "default") -> BackupResult:
    """Write one backup tar file (0600) of the database and the media files; refuses to overwrite a file."""
    engine = engine_of(alias)
    out = Path(out) if out else default_backup_path(engine)
    if out.exists():
        raise BackupError(f"备份文件已存在，不覆盖：{out} / Backup file exists, not overwritten: {out}")
    _private_dir(out.parent)
    media_root = Path(settings.MEDIA_ROOT)
    staging = Path(tempfile.mkdtemp(prefix=".tonghu-backup-", dir=out.parent))  # 0700
    try:
        database = _dump_database(alias, engine, staging)
        # (a backup written into MEDIA_ROOT must not swallow itself or its staging folder)
        media = [p for p in _media_files(media_root) if p != out and staging not in p.parents]
        members = {database.name: _sha256(database)}
        for path in media:
            members["media/" + path.relative_to(media_root).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "migrations": _applied_migrations(alias),
            "media_files": len(media),
            "sha256": members,
            "keys_included": False,
        }
        manifest_path = staging / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w") as tar:
                tar.add(manifest_path, arcname=MANIFEST)
                tar.add(database, arcname=database.name)
                for path in media:
                    tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix(), recursive=False)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(path=out, engine=engine, media_files=len(media), size=out.stat().st_size)


def database_is_empty(alias: str = "default") -> bool:
    return not connections[alias].introspection.table_names()


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"不是 tonghu 备份文件（缺少或无法读取 {MANIFEST}）：{path} / Not a tonghu backup: {path}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不受支持（应为 {FORMAT}）：{path} / Unsupported backup format.")
    return manifest


def restore(path: Path, *, alias: str = "default", force: bool = False) -> RestoreResult:
    """Restore a backup into this installation's database and MEDIA_ROOT.

    Refuses a database that already has tables, and a MEDIA_ROOT that already has files, unless ``force``.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path} / Backup file not found: {path}")
    engine = engine_of(alias)
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    if engine == "sqlite" and not connection.is_in_memory_db():
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new installation
    if not force:
        if not database_is_empty(alias):
            raise BackupError(
                f"目标数据库不是空的（{connection.settings_dict['NAME']} 已有数据表），未恢复任何内容。请恢复到新建的空数据库，"
                "或确认要覆盖后加 --force。 / The target database is not empty; nothing restored (use an empty database or --force)."
            )
        if _media_files(media_root):
            raise BackupError(
                f"附件目录不是空的（{media_root}），未恢复任何内容；确认要覆盖请加 --force。 / MEDIA_ROOT {media_root} is not empty; "
                "nothing restored (use --force to overwrite)."
            )
    staging = Path(tempfile.mkdtemp(prefix=".tonghu-restore-"))
    try:
        try:
            with tarfile.open(path, mode="r") as tar:
                manifest = _read_manifest(tar, path)
                if manifest["engine"] != engine:
                    raise BackupError(
                        f"备份来自 {manifest['engine']} 数据库，当前是 {engine}，不能直接恢复（跨数据库迁移见 docs/deployment.md）。 / "
                        f"The backup is of a {manifest['engine']} database, this installation uses {engine}."
                    )
                tar.extractall(staging, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"备份文件无法读取（{exc}）：{path}，未恢复任何内容。 / Cannot read the backup {path}: {exc}; nothing restored.") from exc
        for member, digest in manifest["sha256"].items():
            file = staging / member
            if not file.is_file() or _sha256(file) != digest:
                raise BackupError(f"备份文件已损坏：{member} 缺失或校验和不符（{path}），未恢复任何内容。 / Backup damaged: {member}; nothing restored.")
        database = staging / (SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER)
        if engine == "sqlite":
            # Copy page by page into the live connection (the same API backwards): a file or an in-memory database.
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            if not connection.is_in_memory_db():
                Path(connection.settings_dict["NAME"]).chmod(0o600)
        else:
            connection.close()
            args, env = _pg_args(connection.settings_dict)
            clean = ["--clean", "--if-exists"] if force else []
            _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *clean,
                  *args, "--dbname", connection.settings_dict["NAME"], str(database)], env, "pg_restore 恢复数据库")
        media = staging / "media"
        count = 0
        if media.is_dir():
            _private_dir(media_root)
            for file in _media_files(media):
                target = media_root / file.relative_to(media)
                _private_dir(target.parent)
                shutil.copyfile(file, target)
                target.chmod(0o600)
                count += 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(engine=engine, created=manifest["created"], media_files=count)
