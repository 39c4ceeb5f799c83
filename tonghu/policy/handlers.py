"""Job kinds of the policy app."""

from django.utils.translation import gettext as _

from tonghu.core.jobs import job_handler


@job_handler("policy_daily")
def handle_policy_daily(job, progress):
    """The daily re-evaluation (also started on demand from the gap page); params: region_prefix, on."""
    import datetime as dt

    from .services import classification_daily

    params = job.params or {}
    on = dt.date.fromisoformat(params["on"]) if params.get("on") else None
    progress(0, None, _("正在重新认定…"), force=True)
    return classification_daily(on=on, region_prefix=params.get("region_prefix", ""), actor=job.created_by,
                                everyone=bool(params.get("everyone")), progress=lambda done, total: progress(done, total))
