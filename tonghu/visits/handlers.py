"""Job kinds of the visits app."""

from tonghu.core.jobs import job_handler


@job_handler("visits_refresh")
def handle_visits_refresh(job, progress):
    """The periodic run as a background job (same as ``tonghu visits-refresh``; ``params.full`` recomputes every
    schedule from the profiles)."""
    from .services import refresh_all

    return refresh_all(full=bool(job.params.get("full")), progress=progress)
