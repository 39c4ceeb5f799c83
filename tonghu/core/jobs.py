"""Background jobs: a ``Job`` record the pages show, run by the django-tasks database worker.

Add a kind of job with ``@job_handler("kind")`` on a function ``handler(job, progress)``; start one with
``job_start(kind=…, user=…, label=…, params=…, input_file=…)``. The handler reports progress with
``progress(done, total, message)`` and returns a JSON-able result; an exception marks the job failed with its
message. Job records are the "saved record with its actor, file, progress and row errors" for every import and
export (ARCHITECTURE.md #8).

Progress is written through a connection of its own, in its own short transaction (issue 10, item 4), so that
pages see it while the job runs and the job never writes on the connection it is reading or writing its data
with: on SQLite an export's open read cursor is a snapshot, and a write on that connection after anyone else
saved a file fails at once with "database is locked"; on PostgreSQL an import's progress would stay invisible
until its transaction commits. One exception: on SQLite, inside the job's own write transaction (an import
writing its rows), the job holds the only write lock, so progress is written in that transaction.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks import task

from .models import Job, JobStatus

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable] = {}


class JobError(Exception):
    """An expected failure: its message (Chinese, for the user) is shown as is."""


def job_handler(kind: str):
    def register(func):
        _HANDLERS[kind] = func
        return func

    return register


_side = threading.local()
# How long a progress write waits for a lock before it is skipped (the next one tries again): progress is advisory
# and must never stop or slow the job down for long.
PROGRESS_LOCK_TIMEOUT_MS = 2000


def _progress_connection():
    """This thread's own connection for progress writes (autocommit: each write is its own short transaction)."""
    conn = getattr(_side, "connection", None)
    if conn is None:
        conn = connections.create_connection(DEFAULT_DB_ALIAS)
        conn.ensure_connection()
        with conn.cursor() as cur:
            if conn.vendor == "postgresql":
                cur.execute(f"SET lock_timeout = {PROGRESS_LOCK_TIMEOUT_MS}")
            elif conn.vendor == "sqlite":
                cur.execute(f"PRAGMA busy_timeout = {PROGRESS_LOCK_TIMEOUT_MS}")
        _side.connection = conn
    return conn


def close_progress_connection() -> None:
    conn = getattr(_side, "connection", None)
    if conn is not None:
        _side.connection = None
        conn.close()


def write_progress(job_pk, fields: dict) -> None:
    """Write ``fields`` of the job row in a short transaction of their own (see the module's docstring)."""
    main = connections[DEFAULT_DB_ALIAS]
    if not (main.vendor == "sqlite" and main.in_atomic_block):
        table = Job._meta.db_table
        try:
            conn = _progress_connection()
            names = [Job._meta.get_field(name) for name in fields]
            assignments = ", ".join(f"{conn.ops.quote_name(f.column)} = %s" for f in names)
            params = [f.get_db_prep_save(fields[f.name], connection=conn) for f in names]
            params.append(Job._meta.pk.get_db_prep_value(job_pk, conn))
            with conn.cursor() as cur:
                cur.execute(f"UPDATE {conn.ops.quote_name(table)} SET {assignments} WHERE {conn.ops.quote_name(Job._meta.pk.column)} = %s", params)
                if cur.rowcount:
                    return
            # 0 rows: the job row is not committed yet (started inside the caller's transaction, as in tests)
        except DatabaseError:
            close_progress_connection()
            if not main.in_atomic_block:
                log.warning("progress of job %s not written (the database was busy); the next update tries again", job_pk)
                return
            # PostgreSQL: the job's own transaction holds the row's lock; write it there
    Job.objects.filter(pk=job_pk).update(**fields)


class Progress:
    """``progress(done, total=None, message=None, force=False)``: at most every ``every`` rows, written by
    ``write_progress``."""

    def __init__(self, job: Job, every: int = 200):
        self.job = job
        self.every = every
        self._last = -1

    def __call__(self, done: int, total: int | None = None, message: str | None = None, force: bool = False) -> None:
        if not force and self._last >= 0 and done - self._last < self.every and (total is None or done < total):
            return
        self._last = done
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = message
        write_progress(self.job.pk, fields)
        for key, value in fields.items():
            setattr(self.job, key, value)


def job_start(*, kind: str, user, label: str, params: dict | None = None, region=None, input_file=None) -> Job:
    if kind not in _HANDLERS:
        raise KeyError(kind)
    job = Job(kind=kind, label=label, created_by=user, params=params or {}, region=region or getattr(user, "region", None))
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "upload"), input_file, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


@task()
def run_job(job_id: str) -> None:
    execute_job(job_id)


def execute_job(job_id: str) -> Job:
    """Run a job in this process (the worker calls this; tests and the CLI may too)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    try:
        try:
            result = _HANDLERS[job.kind](job, Progress(job))
        finally:
            close_progress_connection()
    except JobError as exc:
        _finish(job, JobStatus.FAILED, str(exc))
    except Exception as exc:  # noqa: BLE001 - a job must never die silently
        log.exception("job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
    else:
        job.refresh_from_db()
        job.result = result or {}
        job.status = JobStatus.SUCCEEDED if not job.result.get("failed") else JobStatus.FAILED
        job.finished_at = timezone.now()
        if job.total and job.status == JobStatus.SUCCEEDED:
            job.done = job.total
        job.save()
    job.refresh_from_db()
    return job


def _finish(job: Job, status: str, message: str, trace: str = "") -> None:
    job.refresh_from_db()
    job.status = status
    job.message = message
    if trace:
        job.result = {**job.result, "trace": trace[-4000:]}
    job.finished_at = timezone.now()
    job.save()
