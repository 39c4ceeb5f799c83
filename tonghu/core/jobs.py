"""Background jobs: a ``Job`` record the pages show, run by the django-tasks database worker.

Add a kind of job with ``@job_handler("kind")`` on a function ``handler(job, progress)``; start one with
``job_start(kind=…, user=…, label=…, params=…, input_file=…)``. The handler reports progress with
``progress(done, total, message)`` (written in its own short transaction so pages see it while the job runs)
and returns a JSON-able result; an exception marks the job failed with its message. Job records are the
"saved record with its actor, file, progress and row errors" for every import and export (ARCHITECTURE.md #8).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.db import transaction
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


class Progress:
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
        Job.objects.filter(pk=self.job.pk).update(**fields)
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
        result = _HANDLERS[job.kind](job, Progress(job))
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
