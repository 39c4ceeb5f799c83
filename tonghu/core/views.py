"""Generic views that cannot forget the access policy, plus the shell's own pages.

Subclass ``ScopedListView`` / ``ScopedDetailView`` / ``CapabilityView`` and set ``capability``. Lists answer 403
to a role without the capability; object views answer 404 both for a role without it and for an object outside
the user's region, so that nobody learns that an object exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from .viewkit import CapabilityMixin, KitListView, KitObjectView, KitTemplateView, ScopedQuerysetMixin, ServiceFormView, Table, tables, unscoped  # noqa: F401 (the one definition; imported from here by older views)
from .models import Job, Region


class CapabilityView(CapabilityMixin, TemplateView):
    pass


class ScopedListView(ScopedQuerysetMixin, ListView):
    """The older scoped list (ListView paging, no table component); new lists use ``viewkit.KitListView``."""

    paginate_by = 50
    filterset_class = None

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs
        else:
            self.filterset = None
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    deny_with_404 = True


class HomeView(KitTemplateView):
    """Each role lands on its work (issue 18 §1): the apps register where in ``tonghu.core.landing`` (a child
    director on today's tasks, the roles above the village on their area's dashboard); ``?tiles=1`` shows this
    page of tiles anyway."""

    capability_optional = True
    template_name = "core/home.html"
    scope_note = "shows the user's own menu (the capabilities of their role) and redirects to their landing page; no data"

    def get(self, request, *args, **kwargs):
        from .landing import landing_for

        target = landing_for(request.user)
        if target and not request.GET.get("tiles"):
            return redirect(target)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.utils.html import format_html

        ctx = super().get_context_data(**kwargs)
        # A person's name stays in Chinese in the English interface; marked so (lang) for readers and the crawl test.
        ctx["greeting_name"] = format_html('<span lang="zh" data-i18n-skip>{}</span>', self.request.user)
        return ctx


class RegionTable(Table):
    code = tables.Column(verbose_name=gettext_lazy("区划代码"), linkify=("region_detail", {"code": tables.A("code")}))
    name = tables.TemplateColumn(
        '{% if record.level != "village" %}<a href="?parent={{ record.code }}">{{ record.name }}</a>{% else %}{{ record.name }}{% endif %}',
        verbose_name=gettext_lazy("名称"), order_by=("name",))
    level = tables.TemplateColumn("{{ record.get_level_display }}{% if record.kind %} · {{ record.get_kind_display }}{% endif %}",
                                  verbose_name=gettext_lazy("层级"), order_by=("level", "code"))
    urban_rural = tables.Column(verbose_name=gettext_lazy("城乡分类"))

    class Meta(Table.Meta):
        model = Region
        fields = ("code", "name", "level", "urban_rural")
        empty_text = gettext_lazy("没有下级区划。")

    def value_name(self, record):
        return record.name

    def value_level(self, record):
        return record.get_level_display()


class RegionListView(KitListView):
    """The regions one level below (or below ``?parent=``) within the user's region: the kit's first list."""

    model = Region
    capability = "core.view_regions"
    template_name = "core/region_list.html"
    table_class = RegionTable
    paginate_by = 100
    title = gettext_lazy("行政区划")
    export_name = "regions"

    def get_queryset(self):
        qs = super().get_queryset()
        parent = self.request.GET.get("parent")
        user_region = self.request.user.region
        if parent:
            qs = qs.filter(parent_id=parent)
        else:
            qs = qs.filter(parent_id=user_region.code) if user_region.level != "village" else qs.filter(code=user_region.code)
        return qs.select_related("parent").order_by("code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        parent = self.request.GET.get("parent")
        ctx["parent"] = Region.objects.visible_to(self.request.user, self.capability).filter(code=parent).first() if parent else self.request.user.region
        return ctx


class RegionDetailView(ScopedDetailView):
    model = Region
    capability = "core.view_regions"
    template_name = "core/region_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    context_object_name = "region"


def _own_jobs(*, user):
    """A job is visible to the person who started it (it may carry their uploaded file and row errors)."""
    return Job.objects.filter(created_by=user)


def _own_job(*, user, pk, **kwargs) -> Job:
    return get_object_or_404(_own_jobs(user=user), pk=pk)


class JobTable(Table):
    label = tables.Column(verbose_name=gettext_lazy("说明"), linkify=("job_detail", {"pk": tables.A("pk")}))
    status = tables.Column(verbose_name=gettext_lazy("状态"))
    percent = tables.Column(verbose_name=gettext_lazy("进度"), orderable=False, empty_values=())
    created_at = tables.DateTimeColumn(verbose_name=gettext_lazy("创建时间"), short=True)

    class Meta(Table.Meta):
        model = Job
        fields = ("label", "status", "percent", "created_at")
        empty_text = gettext_lazy("暂无任务。")

    def render_percent(self, record):
        return f"{record.percent}%"


class JobListView(KitListView):
    """The jobs the user started (newest first)."""

    model = Job
    capability = "core.run_jobs"
    rows_selector = staticmethod(_own_jobs)
    table_class = JobTable
    title = gettext_lazy("我的后台任务")
    export_name = "jobs"

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id")


class JobDetailView(KitObjectView):
    """A job is visible to the person who started it (it may carry their uploaded file and row errors)."""

    model = Job
    capability = "core.run_jobs"
    template_name = "core/job_detail.html"
    context_object_name = "job"
    selector = staticmethod(_own_job)

    def get_template_names(self):
        if self.request.htmx:
            return ["core/_job_progress.html"]
        return [self.template_name]


class RegionImportView(ServiceFormView):
    """Upload a region table (GB/T 2260 / the statistics bureau's codes); the import runs as a background job."""

    capability = "core.import_regions"
    template_name = "core/region_import.html"
    success_message = gettext_lazy("已提交后台任务，完成后在此页面查看结果。")

    def get_form_class(self):
        from .forms import RegionImportForm

        return RegionImportForm

    def perform(self, form, target):
        from .jobs import job_start

        upload = form.cleaned_data["file"]
        return job_start(kind="regions_import", user=self.request.user, label=_("导入行政区划：%(name)s") % {"name": upload.name}, input_file=upload)

    def get_success_message(self, job):
        messages.info(self.request, self.success_message)  # an information, as before: the import has not run yet
        return None

    def get_success_url(self, job=None):
        return reverse("job_detail", kwargs={"pk": job.pk})


@unscoped("the load balancer's health probe: answers ok, shows no data")
@login_not_required
def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    Region.objects.exists()
    return JsonResponse({"status": "ok"})


def forbidden(request, exception=None):
    from django.shortcuts import render

    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    from django.shortcuts import render

    return render(request, "404.html", status=404)


def robots(request):  # pragma: no cover - trivial
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
