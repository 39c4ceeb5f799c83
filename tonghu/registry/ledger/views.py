"""Pages: upload a ledger (→ job), export a region's ledger (direct download, or a job when large), download an
export job's file, print one child's file as PDF."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from tonghu.core.jobs import job_start
from tonghu.core.models import Job
from tonghu.core.scoping import in_scope
from tonghu.core.views import CapabilityMixin

from ..models import Child
from .exporter import export_queryset, ledger_export
from .forms import LedgerExportForm, LedgerImportForm

DIRECT_EXPORT_LIMIT = 2000  # more children than this: the export runs as a background job


class LedgerImportView(CapabilityMixin, FormView):
    capability = "registry.import_ledger"
    template_name = "registry/ledger_import.html"
    form_class = LedgerImportForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent"] = Job.objects.filter(created_by=self.request.user, kind="ledger_import")[:10]
        return ctx

    def form_valid(self, form):
        region = form.cleaned_data["region"]
        if not in_scope(self.request.user, region.code):
            raise Http404
        upload = form.cleaned_data["file"]
        valid_only = form.cleaned_data["valid_only"]
        job = job_start(
            kind="ledger_import", user=self.request.user, region=region, input_file=upload,
            label=_("导入台账：%(name)s → %(region)s%(mode)s") % {"name": upload.name, "region": region.name, "mode": _("（只导入无误的行）") if valid_only else ""},
            params={"region": region.code, "valid_only": valid_only, "confirm_similar": form.cleaned_data["confirm_similar"], "file_name": upload.name,
                    "overwrite_rows": form.cleaned_data["overwrite_rows"]},
        )
        messages.info(self.request, _("已提交后台任务：先逐行校验，再写入。完成后本页显示结果和错误清单。"))
        return redirect("job_detail", pk=job.pk)


class LedgerExportView(CapabilityMixin, FormView):
    capability = "registry.export_ledger"
    template_name = "registry/ledger_export.html"
    form_class = LedgerExportForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent"] = Job.objects.filter(created_by=self.request.user, kind="ledger_export")[:10]
        return ctx

    def form_valid(self, form):
        user = self.request.user
        region = form.cleaned_data["region"]
        if not in_scope(user, region.code):
            raise Http404
        fmt = form.cleaned_data["format"]
        include_closed = form.cleaned_data["include_closed"]
        count = export_queryset(user, region, include_closed=include_closed).count()
        if count > DIRECT_EXPORT_LIMIT:
            job = job_start(kind="ledger_export", user=user, region=region,
                            label=_("导出台账：%(region)s（%(fmt)s，约 %(n)d 名儿童）") % {"region": region.name, "fmt": fmt, "n": count},
                            params={"region": region.code, "format": fmt, "include_closed": include_closed, "estimate": count})
            messages.info(self.request, _("儿童较多，已转为后台任务。完成后在“导出台账”页面下载文件。"))
            return redirect("job_detail", pk=job.pk)
        name = f"ledger-{region.code}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
        if fmt == "csv":
            buf = io.StringIO(newline="")
            ledger_export(actor=user, region=region, fmt="csv", fh=buf, include_closed=include_closed)
            response = HttpResponse(buf.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        else:
            buf = io.BytesIO()
            ledger_export(actor=user, region=region, fmt="xlsx", fh=buf, include_closed=include_closed)
            response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class LedgerExportDownloadView(CapabilityMixin, View):
    """The file of an export job: only its owner, only while the role may still export (404 otherwise)."""

    capability = "registry.export_ledger"
    deny_with_404 = True

    def get(self, request, pk):
        job = get_object_or_404(Job, pk=pk, created_by=request.user, kind="ledger_export")
        if not job.output_file or job.region_id and not in_scope(request.user, job.region_id):
            raise Http404
        response = FileResponse(job.output_file.open("rb"), as_attachment=True, filename=job.output_file.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "no-store"
        return response


class ChildPrintView(CapabilityMixin, View):
    """The one-child file as PDF (masked per role, watermarked, audited as ``print``)."""

    capability = "registry.print_file"
    deny_with_404 = True

    def get(self, request, pk):
        from ..printing import child_pdf

        child = get_object_or_404(Child.objects.visible_to(request.user, self.capability).select_related("village", "household"), pk=pk)
        pdf = child_pdf(actor=request.user, child=child)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="file-{child.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
