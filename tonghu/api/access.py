"""API endpoints (DRF router names) and their access rules; the same capabilities as the pages."""

from tonghu.core.capabilities import endpoint

endpoint("api-root", None)
endpoint("schema", None)
endpoint("swagger-ui", None)
endpoint("api-me", None)
endpoint("api-token", None, methods=("POST",))
endpoint("region-list", "core.view_regions")
endpoint("region-detail", "core.view_regions", make_object=lambda ctx: {"pk": ctx.region.code})
endpoint("job-list", "core.run_jobs")
endpoint("job-detail", "core.run_jobs", make_object=lambda ctx: __import__("tonghu.core.access", fromlist=["_job"])._job(ctx))
endpoint("audit-list", "audit.view")


def _audit_entry(ctx):
    from tonghu.audit.services import audit_log

    entry = audit_log(actor=ctx.stranger, action="view", object_type="registry.child", object_id="0", object_repr="x", region_code=ctx.region.code)
    return {"pk": entry.pk}


endpoint("audit-detail", "audit.view", make_object=_audit_entry)
