"""Pages: upload a ledger (→ job), export a region's ledger (direct download, or a job when large), download an
export job's file, print one child's file as PDF."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.core.jobs import job_start
from tonghu.core.models import Job
from tonghu.core.scoping import in_scope
from tonghu.core.viewkit import KitObjectView, ServiceFormView

from ..models import Child
from .exporter import export_queryset, ledger_export
from .forms import LedgerExportForm, LedgerImportForm

DIRECT_EXPORT_LIMIT = 2000  # more children than this: the export runs as a background job


def _region_in_scope(user, region):
    if not in_scope(user, region.code):
        raise Http404
    return region


def _own_export_job(*, user, pk, **kwargs) -> Job:
    """The file of an export job: only its owner, only while the role may still export (404 otherwise)."""
    job = get_object_or_404(Job, pk=pk, created_by=user, kind="ledger_export")
    if not job.output_file or job.region_id and not in_scope(user, job.region_id):
        raise Http404
    return job


def _child_for_print(*, user, pk, **kwargs) -> Child:
    return get_object_or_404(Child.objects.visible_to(user, "registry.print_file").select_related("village", "household"), pk=pk)


class JobFormView(ServiceFormView):
    """A form whose service is a background job: the job's page follows, with an information message."""

    def get_success_message(self, job):
        messages.info(self.request, self.success_message)
        return None

    def get_success_url(self, job=None):
        return reverse("job_detail", kwargs={"pk": job.pk})


class LedgerImportView(JobFormView):
    capability = "registry.import_ledger"
    template_name = "registry/ledger_import.html"
    form_class = LedgerImportForm
    success_message = gettext_lazy("已提交后台任务：先逐行校验，再写入。完成后本页显示结果和错误清单。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent"] = Job.objects.filter(created_by=self.request.user, kind="ledger_import")[:10]
        return ctx

    def perform(self, form, target):
        d = form.cleaned_data
        region = _region_in_scope(self.request.user, d["region"])
        upload, valid_only = d["file"], d["valid_only"]
        return job_start(
            kind="ledger_import", user=self.request.user, region=region, input_file=upload,
            label=_("导入台账：%(name)s → %(region)s%(mode)s") % {"name": upload.name, "region": region.name, "mode": _("（只导入无误的行）") if valid_only else ""},
            params={"region": region.code, "valid_only": valid_only, "confirm_similar": d["confirm_similar"], "file_name": upload.name,
                    "overwrite_rows": d["overwrite_rows"]},
        )


class LedgerExportView(JobFormView):
    """A region's ledger: downloaded at once up to DIRECT_EXPORT_LIMIT children, else a background job."""

    capability = "registry.export_ledger"
    template_name = "registry/ledger_export.html"
    form_class = LedgerExportForm
    success_message = gettext_lazy("儿童较多，已转为后台任务。完成后在“导出台账”页面下载文件。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent"] = Job.objects.filter(created_by=self.request.user, kind="ledger_export")[:10]
        return ctx

    def form_valid(self, form):
        user = self.request.user
        d = form.cleaned_data
        region = _region_in_scope(user, d["region"])
        self.count = export_queryset(user, region, include_closed=d["include_closed"]).count()
        if self.count > DIRECT_EXPORT_LIMIT:
            return super().form_valid(form)  # perform: the job
        fmt = d["format"]
        name = f"ledger-{region.code}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
        if fmt == "csv":
            buf = io.StringIO(newline="")
            ledger_export(actor=user, region=region, fmt="csv", fh=buf, include_closed=d["include_closed"])
            response = HttpResponse(buf.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        else:
            buf = io.BytesIO()
            ledger_export(actor=user, region=region, fmt="xlsx", fh=buf, include_closed=d["include_closed"])
            response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    def perform(self, form, target):
        d = form.cleaned_data
        region, fmt = d["region"], d["format"]
        return job_start(kind="ledger_export", user=self.request.user, region=region,
                         label=_("导出台账：%(region)s（%(fmt)s，约 %(n)d 名儿童）") % {"region": region.name, "fmt": fmt, "n": self.count},
                         params={"region": region.code, "format": fmt, "include_closed": d["include_closed"], "estimate": self.count})


class LedgerExportDownloadView(KitObjectView):
    """The file of an export job: only its owner, only while the role may still export (404 otherwise)."""

    model = Job
    capability = "registry.export_ledger"
    selector = staticmethod(_own_export_job)

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        response = FileResponse(job.output_file.open("rb"), as_attachment=True, filename=job.output_file.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "no-store"
        return response


class ChildPrintView(KitObjectView):
    """The one-child file as PDF (masked per role, watermarked, audited as ``print``)."""

    model = Child
    capability = "registry.print_file"
    selector = staticmethod(_child_for_print)

    def get(self, request, *args, **kwargs):
        from ..printing import child_pdf

        child = self.get_object()
        pdf = child_pdf(actor=request.user, child=child)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="file-{child.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
