"""Pages of the visits app: the child director's day, recording a visit, problems, supervision, census, notices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from tonghu.audit.services import audit_log
from tonghu.core.idempotency import IdempotentViewMixin
from tonghu.core.models import Region
from tonghu.core.forms import add_service_errors
from tonghu.core.views import CapabilityMixin, CapabilityView, ScopedDetailView, ScopedListView
from tonghu.registry.models import Child

from . import selectors, services
from .forms import CampaignForm, ProblemUpdateForm, VisitForm
from .models import (
    Campaign,
    CampaignVillage,
    CensusConfirmation,
    CensusOutcome,
    Notification,
    Problem,
    ProblemStatus,
    Schedule,
    TaskKind,
    Visit,
    VisitPhoto,
)


def due_text(task: Schedule, today: dt.date) -> str:
    days = (task.due_on - today).days
    if days < 0:
        return ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", -days) % {"n": -days}
    if days == 0:
        return _("今天到期")
    return ngettext("还有 %(n)d 天", "还有 %(n)d 天", days) % {"n": days}


def task_label(task: Schedule) -> str:
    months, days = task.interval_months, task.interval_days
    if months == 1 and not days:
        every = _("每月")
    elif months and not days:
        every = _("每%(n)d个月") % {"n": months}
    elif days and not months:
        every = _("每%(n)d天") % {"n": days}
    else:
        every = _("每%(m)d个月%(d)d天") % {"m": months, "d": days}
    return f"{every}{TaskKind(task.kind).label}"


class TaskListView(ScopedListView):
    """The child director's day: overdue first, then due this week (small pages for weak connections)."""

    model = Schedule
    capability = "visits.view"
    template_name = "visits/tasks.html"
    paginate_by = 20
    context_object_name = "tasks"

    def get_queryset(self):
        self.today = timezone.localdate()
        self.filterset = None
        return selectors.tasks_due(self.request.user, today=self.today)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tasks = list(ctx["tasks"])
        phones = selectors.guardian_phones(self.request.user, [t.child_id for t in tasks])
        for task in tasks:
            task.due_text = due_text(task, self.today)
            task.label = task_label(task)
            task.is_overdue = task.due_on < self.today
            task.phones = phones.get(task.child_id, [])
        ctx["today"] = self.today
        ctx["month_done"], ctx["month_total"] = selectors.month_progress(self.request.user, today=self.today)
        ctx["saved"] = self.request.GET.get("saved", "")
        return ctx


class VisitCreateView(IdempotentViewMixin, CapabilityMixin, FormView):
    """One tap from a task: record a contact or a home visit. The browser keeps a draft (with its client token)
    until the server confirms; a resent draft whose first save went through records nothing twice."""

    capability = "visits.record"
    deny_with_404 = True
    form_class = VisitForm
    template_name = "visits/visit_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        from tonghu.core.capabilities import has_capability

        if has_capability(request.user, self.capability):
            self.child = get_object_or_404(Child.objects.visible_to(request.user, self.capability).select_related("village"), pk=kwargs["child"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind if kind in TaskKind.values else TaskKind.CONTACT}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["files"] = self.request.FILES
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["schedules"] = list(Schedule.objects.filter(child=self.child).order_by("kind"))
        for s in ctx["schedules"]:
            s.label = task_label(s)
            s.due_text = due_text(s, timezone.localdate())
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            visit = self.create_once(lambda: services.visit_record(
                actor=self.request.user, child=self.child, kind=d["kind"], date=d["date"], method=d.get("method") or "",
                contacted_person=d.get("contacted_person") or "",
                details={k: d.get(k) for k in services.VISIT_TEXT_FIELDS},
                near_water=d.get("near_water"), problems=d["problems"], photos=self.request.FILES.getlist("photos"),
                harm_found=bool(d.get("harm_found")), harm_situation=d.get("harm_situation") or "",
                harm_description=d.get("harm_description") or "", immediate_danger=bool(d.get("immediate_danger"))))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已记录%(kind)s：%(child)s") % {"kind": visit.get_kind_display(), "child": self.child.name})
        if visit.harm_found and visit.report_status == "pending":
            messages.warning(self.request, _("已标记发现侵害或危险情形，强制报告模块上线后可在走访记录页一键报告；紧急情况请立即拨打 110。"))
        return self._saved(visit)

    def repeated(self, visit):
        messages.info(self.request, _("这次走访已经保存过（%(date)s），没有重复记录。") % {"date": visit.date.isoformat()})
        return self._saved(visit)

    def _saved(self, visit):
        url = reverse("visit_tasks") + f"?saved={self.child.pk}"
        if visit.harm_found:
            url = reverse("visit_detail", kwargs={"pk": visit.pk}) + f"?saved={self.child.pk}"
        if self.request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if self.request.htmx:
            response.status_code = 200
        return response


class VisitDetailView(ScopedDetailView):
    model = Visit
    capability = "visits.view"
    template_name = "visits/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return super().get_queryset().select_related("child", "child__village", "recorded_by")

    def get_object(self, queryset=None):
        visit = super().get_object(queryset)
        audit_log(actor=self.request.user, action="view", obj=visit, summary=_("查看走访记录"))
        return visit

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = list(self.object.problems.select_related("owner"))
        ctx["photos"] = list(self.object.photos.all())
        ctx["report_available"] = services.cases_report_function() is not None
        ctx["saved"] = self.request.GET.get("saved", "")
        return ctx


class VisitPhotoView(CapabilityMixin, View):
    """Photos are never public: served here after the same scope check as the visit."""

    capability = "visits.view"
    deny_with_404 = True

    def get(self, request, pk):
        photo = get_object_or_404(VisitPhoto.objects.visible_to(request.user, self.capability), pk=pk)
        return FileResponse(photo.file.open("rb"), content_type=photo.content_type or "application/octet-stream")


class VisitReportView(CapabilityMixin, View):
    """The one-step mandatory report from a visit (hands over to the cases app when it is installed)."""

    capability = "visits.record"
    deny_with_404 = True

    def post(self, request, pk):
        visit = get_object_or_404(Visit.objects.visible_to(request.user, self.capability), pk=pk)
        try:
            handed = services.report_visit(actor=request.user, visit=visit)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("visit_detail", pk=visit.pk)
        if handed:
            messages.success(request, _("已移交强制报告。"))
        else:
            messages.warning(request, _("强制报告模块尚未启用，已保留“待报告”标记；紧急情况请立即拨打 110。"))
        return redirect("visit_detail", pk=visit.pk)


class ProblemListView(ScopedListView):
    model = Problem
    capability = "visits.view"
    template_name = "visits/problem_list.html"
    paginate_by = 30
    context_object_name = "problems"

    def get_queryset(self):
        self.filterset = None
        qs = Problem.objects.visible_to(self.request.user, self.capability).select_related("child", "child__village", "owner")
        if self.request.GET.get("status") == "all":
            return qs.order_by("-created_at")
        if self.request.GET.get("mine"):
            qs = qs.filter(owner=self.request.user)
        return qs.exclude(status=ProblemStatus.RESOLVED).order_by("due_on", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        return ctx


class ProblemDetailView(ScopedDetailView):
    model = Problem
    capability = "visits.view"
    template_name = "visits/problem_detail.html"
    context_object_name = "problem"

    def get_queryset(self):
        return super().get_queryset().select_related("child", "child__village", "owner", "visit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", ProblemUpdateForm(initial={"status": ProblemStatus.RESOLVED}))
        return ctx

    def post(self, request, pk):
        self.object = self.get_object()
        form = ProblemUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.problem_update(actor=request.user, problem=self.object, status=form.cleaned_data["status"],
                                        resolution=form.cleaned_data["resolution"])
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("问题状态已更新。"))
                return redirect("problem_detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ComplianceView(CapabilityView):
    """Supervision: per township (county view) or per village with its directors (township view)."""

    capability = "visits.supervise"
    template_name = "visits/compliance.html"

    def region(self):
        return self.request.user.region

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = self.region()
        if region is None:
            raise PermissionDenied
        today = timezone.localdate()
        ctx["region"] = region
        ctx["ancestors"] = [r for r in region.ancestors() if r.code.startswith(self.request.user.region.prefix)]
        if region.level == "village":
            ctx["children"] = selectors.village_children(self.request.user, region, today=today)
            for row in ctx["children"]:
                for t in row["tasks"].values():
                    t.due_text = due_text(t, today)
                    t.label = task_label(t)  # "每月联系 — 逾期 3 天", not "— 逾期 3 天" (issue 18 §2)
                    t.is_overdue = t.due_on < today
            ctx["directors"] = selectors._directors_by_village(region).get(region.code, [])
            self.template_name = "visits/compliance_village.html"
        else:
            ctx["rows"] = selectors.compliance_rows(self.request.user, region, today=today)
            ctx["totals"] = selectors.totals(ctx["rows"])
            ctx["overdue"] = list(selectors.overdue_tasks(self.request.user, region, today=today, limit=20))
            for t in ctx["overdue"]:
                t.due_text = due_text(t, today)
                t.label = task_label(t)
            ctx["unit_is_village"] = selectors.child_unit_digits(region) == 12
        ctx["trend"] = selectors.trend(self.request.user, region, today=today)
        from tonghu.core import indicators

        ctx["definitions"] = indicators.catalogue(["visits.contacts_on_time", "visits.home_visits_on_time", "visits.tasks_overdue"])
        return ctx


class ComplianceRegionView(ComplianceView):
    deny_with_404 = True

    def region(self):
        return get_object_or_404(Region.objects.visible_to(self.request.user, "core.view_regions"), code=self.kwargs["code"])


class CampaignListView(CapabilityView):
    capability = "visits.census_view"
    template_name = "visits/census_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        parts = CampaignVillage.objects.visible_to(self.request.user, self.capability)
        ctx["campaigns"] = list(Campaign.objects.filter(pk__in=parts.values("campaign_id")).select_related("scope")[:50])
        ctx["my_parts"] = {p.campaign_id: p for p in parts.filter(village_id=self.request.user.region_id)} if self.request.user.region_id else {}
        for c in ctx["campaigns"]:
            c.my_part = ctx["my_parts"].get(c.pk)
        return ctx


class CampaignCreateView(IdempotentViewMixin, CapabilityMixin, FormView):
    capability = "visits.census_manage"
    template_name = "visits/census_form.html"
    form_class = CampaignForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        region = self.request.user.region
        kwargs["regions"] = [region, *Region.objects.filter(parent=region).order_by("code")] if region else []
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        scope = Region.objects.visible_to(self.request.user, "core.view_regions").filter(code=d["scope"]).first()
        try:
            if scope is None:
                raise ValidationError({"scope": _("范围：请选择本县或本县的一个乡镇（街道）。")})
            campaign = self.create_once(lambda: services.campaign_start(actor=self.request.user, scope=scope, name=d["name"], deadline=d["deadline"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("摸底排查已发起，已通知各村儿童主任。"))
        return redirect("census_detail", pk=campaign.pk)

    def get_repeat_url(self, campaign):
        return reverse("census_detail", kwargs={"pk": campaign.pk})


class CampaignDetailView(CapabilityView):
    """Progress per township and per village on one page (R-B1)."""

    capability = "visits.census_view"
    deny_with_404 = True
    template_name = "visits/census_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        parts = CampaignVillage.objects.visible_to(self.request.user, self.capability)
        campaign = get_object_or_404(Campaign.objects.filter(pk__in=parts.values("campaign_id")), pk=self.kwargs["pk"])
        ctx["campaign"] = campaign
        ctx["progress"] = selectors.campaign_progress(self.request.user, campaign)
        ctx["days_left"] = (campaign.deadline - timezone.localdate()).days
        return ctx


class CampaignVillageView(CapabilityMixin, View):
    """A village confirms each child: still here, details updated, moved away, or a new child."""

    capability = "visits.census_view"
    deny_with_404 = True

    def part(self):
        return get_object_or_404(CampaignVillage.objects.visible_to(self.request.user, self.capability).select_related("campaign", "village"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        from django.shortcuts import render

        part = self.part()
        confirmations = {c.child_id: c for c in CensusConfirmation.objects.filter(campaign=part.campaign, village=part.village)}
        children = list(Child.objects.visible_to(request.user, "registry.view_children").filter(village=part.village).order_by("name", "id")
                        .only("id", "name", "birth_date", "status", "created_at", "village_id"))
        rows = [{"child": c, "confirmation": confirmations.get(c.pk), "is_new": c.created_at >= part.campaign.started_at} for c in children]
        done = sum(1 for r in rows if r["confirmation"])
        from tonghu.core.capabilities import has_capability

        return render(request, "visits/census_village.html", {
            "part": part, "rows": rows, "done": done, "outcomes": CensusOutcome.choices,
            "can_confirm": has_capability(request.user, "visits.census_confirm") and not part.campaign.closed,
        })

    def post(self, request, pk):
        part = self.part()
        child = get_object_or_404(Child.objects.visible_to(request.user, "registry.view_children"), pk=request.POST.get("child"))
        try:
            services.census_confirm(actor=request.user, part=part, child=child, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, _("已确认：%(child)s") % {"child": child.name})
        return redirect(reverse("census_village", kwargs={"pk": part.pk}) + f"#child-{child.pk}")


class NotificationListView(CapabilityView):
    capability_optional = True
    template_name = "visits/notification_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["notifications"] = list(Notification.objects.filter(user=self.request.user)[:50])
        return ctx

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notification_list")
