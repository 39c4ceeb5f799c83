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
from django import forms
from django.utils.translation import gettext_lazy

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.models import Region
from tonghu.core.forms import add_service_errors
from tonghu.core.views import ScopedDetailView, ScopedListView
from tonghu.core.viewkit import KitObjectView, KitTemplateView, ServiceFormView
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
from tonghu.core.texts import msg


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


def _child_for_visit(*, user, child, **kwargs) -> Child:
    return get_object_or_404(Child.objects.visible_to(user, "visits.record").select_related("village"), pk=child)


def _visit_for_report(*, user, pk, **kwargs) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(user, "visits.record"), pk=pk)


def _photo_open(*, user, pk, **kwargs) -> VisitPhoto:
    return get_object_or_404(VisitPhoto.objects.visible_to(user, "visits.view"), pk=pk)


def _campaigns_visible(user):
    """Campaigns with at least one village in the user's region (a campaign itself spans a county or township)."""
    parts = CampaignVillage.objects.visible_to(user, "visits.census_view")
    return Campaign.objects.filter(pk__in=parts.values("campaign_id"))


def _campaign_open(*, user, pk, **kwargs) -> Campaign:
    return get_object_or_404(_campaigns_visible(user), pk=pk)


def _census_part_open(*, user, pk, **kwargs) -> CampaignVillage:
    return get_object_or_404(CampaignVillage.objects.visible_to(user, "visits.census_view").select_related("campaign", "village"), pk=pk)


class VisitCreateView(ServiceFormView):
    """One tap from a task: record a contact or a home visit. The browser keeps a draft (with its client token)
    until the server confirms; a resent draft whose first save went through records nothing twice."""

    capability = "visits.record"
    form_class = VisitForm
    template_name = "visits/visit_form.html"
    target_selector = staticmethod(_child_for_visit)
    create_once = True
    visit = None

    @property
    def child(self):
        return self.target

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind if kind in TaskKind.values else TaskKind.CONTACT}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["schedules"] = list(Schedule.objects.filter(child=self.child).order_by("kind"))
        for s in ctx["schedules"]:
            s.label = task_label(s)
            s.due_text = due_text(s, timezone.localdate())
        return ctx

    def perform(self, form, target):
        d = form.cleaned_data
        self.visit = services.visit_record(
            actor=self.request.user, child=target, kind=d["kind"], date=d["date"], method=d.get("method") or "",
            contacted_person=d.get("contacted_person") or "",
            details={k: d.get(k) for k in services.VISIT_TEXT_FIELDS},
            near_water=d.get("near_water"), problems=d["problems"], photos=self.request.FILES.getlist("photos"),
            harm_found=bool(d.get("harm_found")), harm_situation=d.get("harm_situation") or "",
            harm_description=d.get("harm_description") or "", immediate_danger=bool(d.get("immediate_danger")))
        return self.visit

    def get_success_message(self, visit):
        return _("已记录%(kind)s：%(child)s") % {"kind": visit.get_kind_display(), "child": self.child.name}

    def form_valid(self, form):
        response = super().form_valid(form)
        visit = self.visit
        if response.status_code == 302 and visit is not None and visit.harm_found and visit.report_status == "pending":
            messages.warning(self.request, _("已标记发现侵害或危险情形，强制报告模块上线后可在走访记录页一键报告；紧急情况请立即拨打 110。"))
        return self._htmx(response)

    def repeated(self, visit):
        messages.info(self.request, _("这次走访已经保存过（%(date)s），没有重复记录。") % {"date": visit.date.isoformat()})
        return self._htmx(super().repeated(visit))

    def get_success_url(self, visit=None):
        url = reverse("visit_tasks") + f"?saved={self.child.pk}"
        if visit.harm_found:
            url = reverse("visit_detail", kwargs={"pk": visit.pk}) + f"?saved={self.child.pk}"
        return url

    def _htmx(self, response):
        """The phone's page posts with htmx: answer 204 with HX-Redirect rather than a redirect it would follow."""
        if self.request.htmx and response.status_code == 302:
            answer = HttpResponse(status=204)
            answer["HX-Redirect"] = response.url
            return answer
        return response

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
        audit_log(actor=self.request.user, action="view", obj=visit, summary=msg("查看走访记录"))
        return visit

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = list(self.object.problems.select_related("owner"))
        ctx["photos"] = list(self.object.photos.all())
        ctx["report_available"] = services.cases_report_function() is not None
        ctx["saved"] = self.request.GET.get("saved", "")
        return ctx


class VisitPhotoView(KitObjectView):
    """Photos are never public: served here after the same scope check as the visit."""

    model = VisitPhoto
    capability = "visits.view"
    selector = staticmethod(_photo_open)

    def get(self, request, *args, **kwargs):
        photo = self.get_object()
        return FileResponse(photo.file.open("rb"), content_type=photo.content_type or "application/octet-stream")


class VisitReportView(ServiceFormView):
    """The one-step mandatory report from a visit (hands over to the cases app when it is installed). POST only."""

    capability = "visits.record"
    form_class = forms.Form
    target_selector = staticmethod(_visit_for_report)
    http_method_names = ["post"]

    def perform(self, form, target):
        return services.report_visit(actor=self.request.user, visit=target)

    def get_success_message(self, handed):
        if handed:
            return _("已移交强制报告。")
        messages.warning(self.request, _("强制报告模块尚未启用，已保留“待报告”标记；紧急情况请立即拨打 110。"))
        return None

    def service_error(self, form, exc):
        messages.error(self.request, _("；").join(exc.messages))
        return redirect("visit_detail", pk=self.target.pk)

    def get_success_url(self, result=None):
        return reverse("visit_detail", kwargs={"pk": self.target.pk})


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


class ComplianceView(KitTemplateView):
    """Supervision: per township (county view) or per village with its directors (township view)."""

    capability = "visits.supervise"
    template_name = "visits/compliance.html"
    scope_note = "the region is the user's own or one fetched through Region.objects.visible_to (404 outside); the figures come from visits.selectors on that region"

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


class CampaignListView(KitTemplateView):
    capability = "visits.census_view"
    template_name = "visits/census_list.html"
    scope_note = "campaigns with a village in CampaignVillage.objects.visible_to(user, visits.census_view)"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        parts = CampaignVillage.objects.visible_to(self.request.user, self.capability)
        ctx["campaigns"] = list(_campaigns_visible(self.request.user).select_related("scope")[:50])
        ctx["my_parts"] = {p.campaign_id: p for p in parts.filter(village_id=self.request.user.region_id)} if self.request.user.region_id else {}
        for c in ctx["campaigns"]:
            c.my_part = ctx["my_parts"].get(c.pk)
        return ctx


class CampaignCreateView(ServiceFormView):
    capability = "visits.census_manage"
    template_name = "visits/census_form.html"
    form_class = CampaignForm
    create_once = True
    success_message = gettext_lazy("摸底排查已发起，已通知各村儿童主任。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        region = self.request.user.region
        kwargs["regions"] = [region, *Region.objects.filter(parent=region).order_by("code")] if region else []
        return kwargs

    def perform(self, form, target):
        d = form.cleaned_data
        scope = Region.objects.visible_to(self.request.user, "core.view_regions").filter(code=d["scope"]).first()
        if scope is None:
            raise ValidationError({"scope": _("范围：请选择本县或本县的一个乡镇（街道）。")})
        return services.campaign_start(actor=self.request.user, scope=scope, name=d["name"], deadline=d["deadline"])

    def get_success_url(self, campaign=None):
        return reverse("census_detail", kwargs={"pk": campaign.pk})


class CampaignDetailView(KitObjectView):
    """Progress per township and per village on one page (R-B1)."""

    model = Campaign
    capability = "visits.census_view"
    template_name = "visits/census_detail.html"
    context_object_name = "campaign"
    selector = staticmethod(_campaign_open)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        campaign = self.object
        ctx["progress"] = selectors.campaign_progress(self.request.user, campaign)
        ctx["days_left"] = (campaign.deadline - timezone.localdate()).days
        return ctx


class CampaignVillageView(KitObjectView):
    """A village confirms each child: still here, details updated, moved away, or a new child."""

    model = CampaignVillage
    capability = "visits.census_view"
    template_name = "visits/census_village.html"
    context_object_name = "part"
    selector = staticmethod(_census_part_open)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        part = self.object
        confirmations = {c.child_id: c for c in CensusConfirmation.objects.filter(campaign=part.campaign, village=part.village)}
        children = list(Child.objects.visible_to(self.request.user, "registry.view_children").filter(village=part.village).order_by("name", "id")
                        .only("id", "name", "birth_date", "status", "created_at", "village_id"))
        rows = [{"child": c, "confirmation": confirmations.get(c.pk), "is_new": c.created_at >= part.campaign.started_at} for c in children]
        ctx.update(rows=rows, done=sum(1 for r in rows if r["confirmation"]), outcomes=CensusOutcome.choices,
                   can_confirm=has_capability(self.request.user, "visits.census_confirm") and not part.campaign.closed)
        return ctx

    def post(self, request, *args, **kwargs):
        part = self.get_object()
        child = get_object_or_404(Child.objects.visible_to(request.user, "registry.view_children"), pk=request.POST.get("child"))
        try:
            services.census_confirm(actor=request.user, part=part, child=child, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, _("；").join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, _("已确认：%(child)s") % {"child": child.name})
        return redirect(reverse("census_village", kwargs={"pk": part.pk}) + f"#child-{child.pk}")


class NotificationListView(KitTemplateView):
    """The user's own notifications (the newest 50), in the reader's language; POST marks them read."""

    capability_optional = True
    template_name = "visits/notification_list.html"
    scope_note = "the user's own notifications only (Notification.user = request.user)"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["notifications"] = list(Notification.objects.filter(user=self.request.user)[:50])
        return ctx

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notification_list")
