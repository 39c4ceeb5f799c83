"""Background jobs of the discovery app (``core.jobs``)."""

from __future__ import annotations

from tonghu.core.jobs import job_handler


@job_handler("discovery.import")
def import_roster(job, progress):
    from .models import Dataset
    from .services import dataset_import

    from tonghu.core.models import Job

    ds = Dataset.objects.get(pk=job.params["dataset"])
    try:
        return dataset_import(dataset=ds, path=job.input_file.path, valid_only=job.params.get("valid_only", False), progress=progress)
    finally:
        Job.objects.filter(pk=job.pk).update(errors=Dataset.objects.get(pk=ds.pk).errors)


@job_handler("discovery.link")
def link_roster(job, progress):
    from .models import Dataset
    from .services import dataset_link

    return dataset_link(dataset=Dataset.objects.get(pk=job.params["dataset"]), progress=progress)


@job_handler("discovery.purge")
def purge(job, progress):
    from .services import purge_expired

    return {"purged": purge_expired(actor=job.created_by)}
