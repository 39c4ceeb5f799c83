"""Job kinds of the supervision app."""

from tonghu.core.jobs import job_handler


@job_handler("figures_snapshot")
def handle_figures_snapshot(job, progress):
    """The monthly snapshot as a background job (same as ``tonghu figures-snapshot``)."""
    import datetime as dt

    from .services import snapshot_take

    from django.utils import timezone

    from .calendar import deadline_reminders

    month = job.params.get("month")
    result = snapshot_take(month=dt.date.fromisoformat(month) if month else None, prefix=job.params.get("prefix", ""), progress=progress)
    if not month and not job.params.get("prefix"):
        result["report_reminders"] = deadline_reminders(today=timezone.localdate())
    return result
