"""Generic views that cannot forget the access policy, plus the shell's own pages.

Subclass ``ScopedListView`` / ``ScopedDetailView`` / ``CapabilityView`` and set ``capability``. Lists answer 403
to a role without the capability; object views answer 404 both for a role without it and for an object outside
the user's region, so that nobody learns that an object exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .capabilities import has_capability
from .models import Job, Region


class CapabilityMixin:
    capability: str | None = None  # every subclass must set it (None = any logged-in user, declared explicitly)
    capability_optional = False
    deny_with_404 = False

    def dispatch(self, request, *args, **kwargs):
        if self.capability is None and not self.capability_optional:
            raise PermissionDenied("view declares no capability")
        if self.capability is not None and not has_capability(request.user, self.capability):
            if self.deny_with_404:
                raise Http404
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin(CapabilityMixin):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.capability)


class CapabilityView(CapabilityMixin, TemplateView):
    pass


class ScopedListView(ScopedQuerysetMixin, ListView):
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


class HomeView(CapabilityView):
    """Each role lands on its work (issue 18 §1): the apps register where in ``tonghu.core.landing`` (a child
    director on today's tasks, the roles above the village on their area's dashboard); ``?tiles=1`` shows this
    page of tiles anyway."""

    capability_optional = True
    template_name = "core/home.html"

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


class RegionListView(ScopedListView):
    model = Region
    capability = "core.view_regions"
    template_name = "core/region_list.html"
    paginate_by = 100

    def get_queryset(self):
        qs = super().get_queryset()
        parent = self.request.GET.get("parent")
        user_region = self.request.user.region
        if parent:
            qs = qs.filter(parent_id=parent)
        else:
            qs = qs.filter(parent_id=user_region.code) if user_region.level != "village" else qs.filter(code=user_region.code)
        return qs.select_related("parent")

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


class JobListView(CapabilityView):
    capability = "core.run_jobs"
    template_name = "core/job_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["jobs"] = Job.objects.filter(created_by=self.request.user)[:100]
        return ctx


class JobDetailView(CapabilityView):
    """A job is visible to the person who started it (it may carry their uploaded file and row errors)."""

    capability = "core.run_jobs"
    deny_with_404 = True
    template_name = "core/job_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["job"] = get_object_or_404(Job, pk=self.kwargs["pk"], created_by=self.request.user)
        return ctx

    def get_template_names(self):
        if self.request.htmx:
            return ["core/_job_progress.html"]
        return [self.template_name]


class RegionImportView(CapabilityMixin, FormView):
    capability = "core.import_regions"
    template_name = "core/region_import.html"

    def get_form_class(self):
        from .forms import RegionImportForm

        return RegionImportForm

    def form_valid(self, form):
        from .jobs import job_start

        job = job_start(kind="regions_import", user=self.request.user, label=_("导入行政区划：%(name)s") % {"name": form.cleaned_data["file"].name}, input_file=form.cleaned_data["file"])
        messages.info(self.request, _("已提交后台任务，完成后在此页面查看结果。"))
        return redirect("job_detail", pk=job.pk)


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
