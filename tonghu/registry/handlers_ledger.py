"""Background jobs of the ledger: ``ledger_import`` and ``ledger_export`` (started by the pages and commands)."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.core.childprocess import can_use_child_process, run_in_child_process
from tonghu.core.jobs import JobError, job_handler
from tonghu.core.models import Region

from .ledger.exporter import ledger_export
from .ledger.importer import LedgerFileError, check_size, ledger_import


def import_result(report) -> dict:
    return {
        _("行数"): report.rows, _("新建"): report.created, _("更新"): report.updated, _("未变"): report.unchanged,
        _("出错行（未导入）"): report.rejected_rows,
    }


# A ledger of at least this many rows is imported in a child process (issue 10, item 7): the memory an import takes
# (the sheet's cells, the rows held for the validators) goes back to the operating system when it ends, instead of
# staying with the job worker for its lifetime.
CHILD_PROCESS_MIN_ROWS = 5000


def _import_in_child(*, job_id: str, path: str, **options):
    from tonghu.core.jobs import Progress, close_progress_connection
    from tonghu.core.models import Job

    job = Job.objects.select_related("created_by").get(pk=job_id)
    region = Region.objects.get(code=job.params["region"])
    try:
        return ledger_import(actor=job.created_by, region=region, path=path, progress=Progress(job), **options)
    finally:
        close_progress_connection()


@job_handler("ledger_import")
def handle_ledger_import(job, progress):
    params = job.params or {}
    region = Region.objects.get(code=params["region"])
    suffix = Path(params.get("file_name") or job.input_file.name).suffix.lower() or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with job.input_file.open("rb") as fh:
            shutil.copyfileobj(fh, tmp)
        tmp.flush()
        options = {"valid_only": bool(params.get("valid_only")), "confirm_similar": bool(params.get("confirm_similar")),
                   "overwrite_rows": params.get("overwrite_rows") or (), "file_name": params.get("file_name", "")}
        try:
            rows = check_size(Path(tmp.name))  # a sheet over the row limit is refused before anything is read
            if (rows or 0) >= CHILD_PROCESS_MIN_ROWS and can_use_child_process():
                report = run_in_child_process(_import_in_child, job_id=str(job.pk), path=tmp.name, **options)
            else:
                report = ledger_import(actor=job.created_by, region=region, path=tmp.name, progress=progress, **options)
        except LedgerFileError as exc:
            raise JobError(str(exc)) from exc
    job.errors = [e.as_dict() for e in report.errors]
    job.save(update_fields=["errors"])
    if not report.written:
        raise JobError(_("文件有 %(n)d 处错误（涉及 %(rows)d 行），未导入任何数据。请按下表修改后重新上传，或选择“只导入无误的行”。") % {"n": report.error_count, "rows": report.rejected_rows})
    job.message = _("导入完成：新建 %(c)d，更新 %(u)d，未变 %(n)d，跳过出错行 %(e)d。") % {"c": report.created, "u": report.updated, "n": report.unchanged, "e": report.rejected_rows}
    job.save(update_fields=["message"])
    return import_result(report)


@job_handler("ledger_export")
def handle_ledger_export(job, progress):
    from django.urls import reverse

    params = job.params or {}
    region = Region.objects.get(code=params["region"])
    fmt = params.get("format", "xlsx")
    progress(0, params.get("estimate") or 0, _("正在导出…"), force=True)
    name = f"ledger-{region.code}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"

    def tick(n):
        progress(n, max(params.get("estimate") or 0, n), _("已导出 %(n)d 名儿童…") % {"n": n})

    with tempfile.TemporaryFile() as tmp:
        if fmt == "csv":
            text = io.TextIOWrapper(tmp, encoding="utf-8-sig", newline="")
            count = ledger_export(actor=job.created_by, region=region, fmt="csv", fh=text, include_closed=bool(params.get("include_closed")), progress=tick)
            text.flush()
            text.detach()
        else:
            count = ledger_export(actor=job.created_by, region=region, fmt="xlsx", fh=tmp, include_closed=bool(params.get("include_closed")), progress=tick)
        tmp.seek(0)
        job.output_file.save(name, File(tmp, name=name), save=False)
    job.total = job.done = count
    job.message = _("导出完成：%(n)d 名儿童。下载地址：%(url)s") % {"n": count, "url": reverse("ledger_export_download", kwargs={"pk": job.pk})}
    job.save(update_fields=["output_file", "total", "done", "message"])
    # "download": the link core/_job_progress.html can render as a button (see the report to the lead)
    return {_("儿童数"): count, _("文件"): name, "download": reverse("ledger_export_download", kwargs={"pk": job.pk})}
