"""A job's progress is written in its own short transaction (issue 10, item 4): pages see it while the job's own
transaction is still open, and a job started inside the caller's transaction still records its progress."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from tonghu.accounts.roles import Role
from tonghu.core.jobs import Progress, close_progress_connection
from tonghu.core.models import Job


def _seen_by_another_connection(pk) -> tuple[int, int, str]:
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cur:
            cur.execute("SELECT done, total, message FROM core_job WHERE id = %s", [Job._meta.pk.get_db_prep_value(pk, other)])
            return cur.fetchone()
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="on SQLite the job's own write transaction holds the only write lock")
def test_progress_is_visible_while_the_jobs_transaction_is_open(transactional_db, world, make_user):
    job = Job.objects.create(kind="ledger_import", label="导入台账", created_by=make_user(Role.COUNTY_OFFICER, "451027000000"))
    progress = Progress(job)
    try:
        with transaction.atomic():  # an import writing its rows in one transaction
            progress(1200, 3000, "正在写入…", force=True)
            assert _seen_by_another_connection(job.pk) == (1200, 3000, "正在写入…")
    finally:
        close_progress_connection()


@pytest.mark.django_db
def test_progress_of_a_job_started_in_this_transaction_is_recorded(world, make_user):
    job = Job.objects.create(kind="ledger_export", label="导出台账", created_by=make_user(Role.COUNTY_OFFICER, "451027000000"))
    try:
        Progress(job)(1000, 3000, "已导出 1000 名儿童…", force=True)
    finally:
        close_progress_connection()
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (1000, 3000, "已导出 1000 名儿童…")
