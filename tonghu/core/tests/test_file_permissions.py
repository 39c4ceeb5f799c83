"""Files at rest are the service account's alone (issue 10 §12): the data directory, the SQLite database and its WAL,
uploaded and exported files and the generated keys are created 0600/0700, whatever the shell's umask was."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, os, stat, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
with connection.cursor() as cur:
    cur.execute("CREATE TABLE probe (x text)")
    cur.execute("INSERT INTO probe VALUES ('x')")
name = default_storage.save("exports/2026/台账.csv", ContentFile(b"a,b\n"))
data = settings.DATA_DIR
paths = {"data_dir": data, "db": data / "tonghu.sqlite3", "wal": data / "tonghu.sqlite3-wal", "media_dir": settings.MEDIA_ROOT,
         "export_dir": settings.MEDIA_ROOT / "exports" / "2026", "export": settings.MEDIA_ROOT / name,
         "field_keys": data / "field_keys", "audit_key": data / "audit_key", "index_key": data / "index_key", "secret_key": data / "secret_key"}
print(json.dumps({k: oct(stat.S_IMODE(os.stat(p).st_mode)) for k, p in paths.items()}))
"""


def test_database_wal_media_exports_and_keys_are_private(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TONGHU_SQLITE_PATH", "TONGHU_MEDIA_ROOT", "SECRET_KEY")}
    env["TONGHU_DATA_DIR"] = str(tmp_path / "data")
    for name in ("TONGHU_FIELD_KEYS", "TONGHU_INDEX_KEY", "TONGHU_AUDIT_KEY", "TONGHU_UMASK"):
        env.pop(name, None)
    # a permissive shell umask, as on a server where the operator's default is 022 or 002
    out = subprocess.run([sys.executable, "-c", f"import os; os.umask(0o002); exec({SCRIPT!r})"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    modes = json.loads(out.stdout.strip().splitlines()[-1])
    dirs = {"data_dir", "media_dir", "export_dir"}
    assert {k: v for k, v in modes.items() if k in dirs} == {k: "0o700" for k in dirs}
    assert {k: v for k, v in modes.items() if k not in dirs} == {k: "0o600" for k in modes if k not in dirs}
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
