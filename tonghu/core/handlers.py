"""Job handlers of the core app."""

from django.utils.translation import gettext as _

from .jobs import JobError, job_handler
from .services import regions_import


@job_handler("regions_import")
def handle_regions_import(job, progress):
    progress(0, 1, _("正在校验…"), force=True)
    with job.input_file.open("rb") as fh:
        data = fh.read()
    report = regions_import(data, actor=job.created_by)
    if report.errors:
        job.errors = [e.__dict__ for e in report.errors[:1000]]
        job.save(update_fields=["errors"])
        raise JobError(_("文件有 %(n)d 处错误，未导入任何数据。请修改后重新上传。") % {"n": len(report.errors)})
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}


@job_handler("core.facts_changed")
def handle_facts_changed(job, progress):
    """Many children's facts changed at once (an import): recompute in bulk, in the subscribers' order."""
    from .events import run_subscribers

    ids = [int(i) for i in job.params.get("ids", [])]
    progress(0, len(ids), _("正在重新计算…"), force=True)
    run_subscribers(ids, reason=job.params.get("reason", ""), actor=job.created_by)
    return {"children": len(ids)}
