"""Long jobs and the database's write lock (issue 10, item 4): a job's progress is written in its own short
transaction, so a county ledger export on SQLite survives a user saving a file while it runs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer: the PostgreSQL variant is in test_jobs_progress.py")
def test_county_export_job_on_sqlite_while_a_user_edits_a_file(transactional_db, django_db_blocker, tmp_path):
    db_file = tmp_path / "tonghu.sqlite3"
    with django_db_blocker.unblock():  # the migrated, empty test database, copied into a WAL file as deployed
        connection.ensure_connection()
        target = sqlite3.connect(db_file)
        connection.connection.backup(target)
        target.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tonghu.registry.tests.scenarios.export_while_editing", str(db_file), str(tmp_path), "3000"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["status"] == "succeeded", outcome["message"]  # before: "database is locked" at row 1000
    assert outcome["edit_calls"] == 3000  # the edit happened at row 500, while the export was reading
    assert outcome["done"] == 3000 and outcome["rows"] == 3000
    assert outcome["school"] == "青山村小学"  # the user's edit was saved, not refused
