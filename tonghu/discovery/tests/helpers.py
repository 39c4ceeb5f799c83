"""Rosters for tests: CSV files written in a department's template, uploaded through the service, jobs run here."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

COUNTY = "451027000000"


def roster_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def upload(actor, world, path: Path, *, source: str = "education", period: str = "2026年春季学期", valid_only: bool = False, run: bool = True):
    """Upload through ``dataset_upload`` and run the import job, then the linkage job it starts."""
    from django.db import transaction

    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    from ..services import dataset_upload

    with transaction.atomic():
        ds = dataset_upload(actor=actor, source=source, period=period, county=world[COUNTY],
                            upload=SimpleUploadedFile(path.name, path.read_bytes()), valid_only=valid_only)
    if run:
        job = execute_job(str(ds.import_job_id))
        ds.refresh_from_db()
        if ds.link_job_id:
            execute_job(str(ds.link_job_id))
        ds.refresh_from_db()
        ds.import_job = Job.objects.get(pk=job.pk)
    return ds
