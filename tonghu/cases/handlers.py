"""Job kinds of the cases app: ``cases_escalate`` (also ``tonghu cases-escalate``, run by cron; docs/cases.md)."""

from tonghu.core.jobs import job_handler


@job_handler("cases_escalate")
def escalate_job(job, progress):
    from .services import escalate_overdue

    progress(0, 1, force=True)
    n = escalate_overdue()
    progress(1, 1, force=True)
    return {"escalated": n}
