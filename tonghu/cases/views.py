from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.forms import add_service_errors
from tonghu.core.idempotency import IdempotentViewMixin, previous
from tonghu.core.views import CapabilityMixin, CapabilityView

from . import forms as f
from . import services
from .figures import figures_for
from .models import Case, CaseStatus, Channel, DeadlineKind, Referral, Report, ReportStatus
from .rules import rules_for_region
from .selectors import (
    case_open,
    cases_visible,
    is_case_team,
    may_see_reporter,
    receiving_department,
    report_received_open,
    reports_filed,
    reports_received,
)
from tonghu.core.texts import msg


# ----------------------------------------------------------------------------------------- intake


class ReportCreateView(IdempotentViewMixin, CapabilityMixin, FormView):
    capability = "cases.report"
    form_class = f.ReportForm

    def get_repeat_url(self, report):
        return reverse("report_received" if self.channel == Channel.HOTLINE else "report_detail", kwargs={"pk": report.pk})
    template_name = "cases/report_form.html"
    channel = Channel.FORM

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("child", "").isdigit():
            initial["child_file"] = int(self.request.GET["child"])
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["hotline"] = self.channel == Channel.HOTLINE
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        kwargs = dict(
            situation=d["situation"], what_happened=d["what_happened"], immediate_danger=d["immediate_danger"],
            region=d.get("region"), child=d.get("child"), child_id_number=d.get("child_id_number", ""),
            child_name=d.get("child_name", ""), child_age=d.get("child_age"), child_sex=d.get("child_sex", ""),
            child_description=d.get("child_description", ""), occurred_at=d.get("occurred_at"),
            occurred_place=d.get("occurred_place", ""), channel=self.channel,
        )
        if self.channel == Channel.HOTLINE:
            kwargs.update(caller_name=d.get("caller_name", ""), callback_number=d["callback_number"], call_record=d["call_record"])
        else:
            kwargs.update(reporter_unit=d.get("reporter_unit", ""), reporter_phone=d.get("reporter_phone", ""))
        try:
            report = self.create_once(lambda: services.report_file(actor=self.request.user, **kwargs))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("报告已提交（编号 %(number)s），已同时转至公安、民政等部门。") % {"number": report.number})
        if self.channel == Channel.HOTLINE:
            return redirect("report_received", pk=report.pk)
        return redirect("report_detail", pk=report.pk)


class HotlineCreateView(ReportCreateView):
    capability = "cases.hotline"
    form_class = f.HotlineForm
    channel = Channel.HOTLINE


class MyReportListView(CapabilityView):
    capability = "cases.report"
    template_name = "cases/report_mine.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reports"] = reports_filed(self.request.user).order_by("-submitted_at")[:200]
        return ctx


class MyReportDetailView(CapabilityView):
    """What a reporter sees of their report: status and the outcome in plain words — never the case details."""

    capability = "cases.report"
    deny_with_404 = True
    template_name = "cases/report_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = get_object_or_404(reports_filed(self.request.user), pk=self.kwargs["pk"])
        return ctx


# ----------------------------------------------------------------------------------------- receiving


class InboxView(CapabilityView):
    """Reports routed to the user's department in their region, with what is due (deadlines stored as data)."""

    capability = "cases.receive"
    template_name = "cases/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        dept = receiving_department(user)
        now = timezone.now()
        from .selectors import due_deadlines

        ctx["due"] = list(due_deadlines(user).order_by("due_at")[:200])
        ctx["now"] = now
        status = self.request.GET.get("status", "")
        qs = reports_received(user).select_related("region", "child")
        if status in ReportStatus.values:
            qs = qs.filter(status=status)
        ctx["reports"] = qs.order_by("-submitted_at")[:200]
        ctx["status"] = status
        ctx["statuses"] = ReportStatus.choices
        ctx["department"] = dept
        return ctx


class ReceivedReportView(CapabilityView):
    capability = "cases.receive"
    deny_with_404 = True
    template_name = "cases/report_received.html"

    def get_report(self):
        return report_received_open(fetched_by=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        report = kwargs.get("report") or self.get_report()
        ctx["report"] = report
        ctx["see_reporter"] = may_see_reporter(user, report)
        ctx["deadlines"] = report.deadlines.all()
        ctx["now"] = timezone.now()
        dept = receiving_department(user)
        ctx["my_open_accept"] = report.deadlines.filter(kind=DeadlineKind.ACCEPT, department=dept, done_at__isnull=True).first()
        ctx["can_accept"] = has_capability(user, "cases.handle") and report.status == ReportStatus.SUBMITTED
        case = Case.objects.filter(report=report).first()
        ctx["case"] = case if case is not None and cases_visible(user).filter(pk=case.pk).exists() else None
        return ctx

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        try:
            services.report_acknowledge(actor=request.user, report=report)
            messages.success(request, _("已签收。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("report_received", pk=report.pk)


class AcceptView(IdempotentViewMixin, CapabilityMixin, FormView):
    capability = "cases.handle"
    deny_with_404 = True
    template_name = "cases/report_accept.html"

    def dispatch(self, request, *args, **kwargs):
        if not has_capability(request.user, self.capability):
            raise Http404
        self.report = get_object_or_404(Report.objects.visible_to(request.user, self.capability), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" and self.request.POST.get("action") != "decline" else None
        return f.AcceptForm(data, report=self.report)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = self.report
        ctx["decline_form"] = kwargs.get("decline_form") or f.DeclineForm()
        return ctx

    def get_repeat_url(self, obj):
        return reverse("case_detail", kwargs={"pk": obj.pk}) if isinstance(obj, Case) else reverse("report_received", kwargs={"pk": self.report.pk})

    def post(self, request, *args, **kwargs):
        done = previous(request.user, self.posted_token())
        if done is not None:  # accepted or declined already with this page's token
            return self.repeated(done)
        if request.POST.get("action") == "decline":
            form = f.DeclineForm(request.POST)
            if form.is_valid():
                try:
                    self.create_once(lambda: (services.report_decline(actor=request.user, report=self.report, **form.cleaned_data), self.report)[1])
                    messages.info(request, _("已记录不予受理，并告知报告人。"))
                    return redirect("report_received", pk=self.report.pk)
                except ValidationError as exc:
                    add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=f.AcceptForm(report=self.report), decline_form=form))
        form = self.get_form()
        if form.is_valid():
            try:
                case = self.create_once(lambda: services.report_accept(actor=request.user, report=self.report, members=form.cleaned_data["members"],
                                                                       note=form.cleaned_data["note"]))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已受理，立案 %(number)s。") % {"number": case.number})
                return redirect("case_detail", pk=case.pk)
        return self.render_to_response(self.get_context_data(form=form))


# ----------------------------------------------------------------------------------------- cases


class CaseListView(CapabilityView):
    capability = "cases.view_case"
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = cases_visible(self.request.user).select_related("report", "child", "region")
        status = self.request.GET.get("status", "")
        if status in CaseStatus.values:
            qs = qs.filter(status=status)
        ctx["cases"] = qs.order_by("-accepted_at")[:300]
        ctx["status"], ctx["statuses"] = status, CaseStatus.choices
        return ctx


class CaseDetailView(CapabilityView):
    capability = "cases.view_case"
    deny_with_404 = True
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = case_open(fetched_by=user, pk=self.kwargs["pk"])
        report = case.report
        ctx.update(
            case=case, report=report, team=is_case_team(user, case), see_reporter=may_see_reporter(user, report),
            events=report.events.select_related("actor"), deadlines=report.deadlines.all(), now=timezone.now(),
            members=case.memberships.select_related("user"), rules=rules_for_region(case.region_id),
            can_handle=has_capability(user, "cases.handle") and is_case_team(user, case),
            can_contribute=has_capability(user, "cases.contribute") and is_case_team(user, case),
            can_approve=has_capability(user, "cases.approve_closure"), can_review=has_capability(user, "cases.review"),
            child_file_open=_may_open_file(user, case.child_id),
        )
        return ctx


def _may_open_file(user, child_id) -> bool:
    """Whether the child's name may link to the file: a procurator or a team member from another village would
    otherwise follow the link to a 404 (issue 18 §7); they see the name without a link."""
    if not child_id or not has_capability(user, "registry.view_children"):
        return False
    from tonghu.registry.models import Child

    return Child.objects.visible_to(user, "registry.view_children").filter(pk=child_id).exists()


class CaseActionView(IdempotentViewMixin, CapabilityMixin, FormView):
    """A form on one case: only for the case team (404 otherwise); the service does the write, once per client
    token (a repeat goes back to the case without writing again)."""

    deny_with_404 = True
    template_name = "cases/case_action.html"
    title = ""
    team_only = True
    success_message = ""
    # The case statuses in which this action applies (None: any). A link from an old notification to an action
    # that no longer applies (approving a closure already decided) lands on the case page with the reason.
    statuses: tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.capability and not has_capability(request.user, self.capability):
            raise Http404
        self.case = get_object_or_404(cases_visible(request.user, "cases.view_case").select_related("report", "region"), pk=kwargs["pk"])
        if self.team_only and not is_case_team(request.user, self.case):
            raise Http404
        if self.statuses is not None and self.case.status not in self.statuses:
            messages.info(request, _("个案 %(number)s 现为“%(status)s”，“%(action)s”已不适用。") % {
                "number": self.case.number, "status": self.case.get_status_display(), "action": self.title})
            return redirect("case_detail", pk=self.case.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["case"], ctx["title"] = self.case, self.title
        return ctx

    def perform(self, form):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_repeat_url(self, obj):
        return reverse("case_detail", kwargs={"pk": self.case.pk})

    def form_valid(self, form):
        try:
            self.create_once(lambda: (self.perform(form), self.case)[1])  # the token remembers the case it acted on
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("已保存。"))
        return redirect("case_detail", pk=self.case.pk)


class AssessView(CaseActionView):
    capability = "cases.handle"
    title = gettext_lazy("监护风险评估")

    def get_form(self, form_class=None):
        return f.AssessmentForm(self.request.POST or None, case=self.case)

    def perform(self, form):
        d = form.cleaned_data
        services.case_assess(actor=self.request.user, case=self.case, assessed_on=d["assessed_on"], scores=form.scores(),
                             override_level=d["override_level"], override_reason=d["override_reason"], notes=d["notes"])


class ConferenceView(CaseActionView):
    capability = "cases.handle"
    form_class = f.ConferenceForm
    title = gettext_lazy("个案会商")

    def perform(self, form):
        services.case_conference(actor=self.request.user, case=self.case, **form.cleaned_data)


class InterventionView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.InterventionForm
    title = gettext_lazy("干预措施")

    def perform(self, form):
        services.case_intervention(actor=self.request.user, case=self.case, **form.cleaned_data)


class PlacementView(CaseActionView):
    capability = "cases.handle"
    form_class = f.PlacementForm
    title = gettext_lazy("临时监护安置")

    def perform(self, form):
        services.case_placement(actor=self.request.user, case=self.case, **form.cleaned_data)


class ReferralView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.ReferralForm
    title = gettext_lazy("转介")

    def perform(self, form):
        services.case_referral(actor=self.request.user, case=self.case, **form.cleaned_data)


class ReferralUpdateView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.ReferralUpdateForm
    title = gettext_lazy("转介接收与结果")

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_referral(self):
        return get_object_or_404(Referral, pk=self.kwargs["referral"], case=self.case)

    def get_initial(self):
        r = self.get_referral()
        return {"accepted": r.accepted, "accepted_on": r.accepted_on, "result": r.result, "result_on": r.result_on}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.get_referral()
        ctx["intro"] = _("%(kind)s：%(name)s（%(date)s）") % {"kind": r.get_target_kind_display(), "name": r.target_name, "date": format(r.referred_on, '%Y-%m-%d')}
        return ctx

    def perform(self, form):
        services.referral_update(actor=self.request.user, referral=self.get_referral(), **form.cleaned_data)


class FollowUpView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.FollowUpForm
    title = gettext_lazy("回访")

    def perform(self, form):
        services.case_followup(actor=self.request.user, case=self.case, **form.cleaned_data)


class MemberAddView(CaseActionView):
    capability = "cases.handle"
    title = gettext_lazy("加入个案团队")

    def get_form(self, form_class=None):
        return f.MemberForm(self.request.POST or None, case=self.case)

    def perform(self, form):
        services.case_add_member(actor=self.request.user, case=self.case, **form.cleaned_data)


class LinkChildView(CaseActionView):
    capability = "cases.handle"
    title = gettext_lazy("关联或新建儿童档案")

    def get_form(self, form_class=None):
        return f.LinkChildForm(self.request.POST or None, user=self.request.user)

    def perform(self, form):
        d = form.cleaned_data
        new = None
        if d.get("child") is None:
            new = {"name": d["new_name"], "sex": d["new_sex"], "birth_date": d["new_birth_date"], "village": d["new_village"], "id_number": d["new_id_number"], "confirm_similar": d["confirm_similar"]}
        services.case_link_child(actor=self.request.user, case=self.case, child=d.get("child"), new_child=new)


class CloseRequestView(CaseActionView):
    capability = "cases.handle"
    form_class = f.CloseRequestForm
    title = gettext_lazy("申请结案")
    statuses = (CaseStatus.ACCEPTED, CaseStatus.ASSESSED, CaseStatus.IN_PROGRESS)

    def perform(self, form):
        services.case_request_closure(actor=self.request.user, case=self.case, **form.cleaned_data)


class CloseApproveView(CaseActionView):
    capability = "cases.approve_closure"
    form_class = f.CloseDecisionForm
    title = gettext_lazy("结案审批")
    statuses = (CaseStatus.CLOSURE_PENDING,)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["closure"] = self.case
        return ctx

    def perform(self, form):
        services.case_decide_closure(actor=self.request.user, case=self.case, approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])


class ReopenView(CaseActionView):
    capability = "cases.approve_closure"
    form_class = f.ReopenForm
    title = gettext_lazy("重新开启个案")
    statuses = (CaseStatus.CLOSED,)

    def perform(self, form):
        services.case_reopen(actor=self.request.user, case=self.case, reason=form.cleaned_data["reason"])


class InterventionDocumentView(CapabilityView):
    capability = "cases.view_case"
    deny_with_404 = True

    def get(self, request, *args, **kwargs):
        case = get_object_or_404(cases_visible(request.user), pk=kwargs["pk"])
        intervention = get_object_or_404(case.interventions, pk=kwargs["intervention"])
        if not intervention.document:
            raise Http404
        audit_log(actor=request.user, action="view", obj=intervention, region_code=case.region_id, summary=msg("查看干预文书"))
        return FileResponse(intervention.document.open("rb"), as_attachment=True, filename=intervention.document.name.rsplit("/", 1)[-1])


# ----------------------------------------------------------------------------------------- procuratorate


class ReviewQueueView(CapabilityView):
    capability = "cases.review"
    template_name = "cases/review_queue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = cases_visible(self.request.user, "cases.review").select_related("report", "region").annotate(n_reviews=Count("reviews"))
        which = self.request.GET.get("show", "pending")
        if which == "pending":
            qs = qs.filter(n_reviews=0)
        elif which == "reviewed":
            qs = qs.filter(n_reviews__gt=0)
        ctx["cases"], ctx["show"] = qs.order_by("accepted_at")[:300], which
        return ctx


class ReviewView(CaseActionView):
    capability = "cases.review"
    form_class = f.ReviewForm
    title = gettext_lazy("检察审查（每案必查）")
    team_only = False
    success_message = gettext_lazy("已标记为已审查。")

    def dispatch(self, request, *args, **kwargs):
        if not has_capability(request.user, self.capability):
            raise Http404
        self.case = get_object_or_404(cases_visible(request.user, "cases.review").select_related("report", "region"), pk=kwargs["pk"])
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reviews"] = self.case.reviews.select_related("reviewer")
        ctx["flags"] = self.case.traceback_flags.all()
        return ctx

    def perform(self, form):
        services.case_review(actor=self.request.user, case=self.case, **form.cleaned_data)

    def form_valid(self, form):
        response = super().form_valid(form)
        return redirect("review_queue") if response.status_code == 302 else response


# ----------------------------------------------------------------------------------------- figures, notices


class FiguresView(CapabilityView):
    capability = "cases.view_figures"
    template_name = "cases/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["fig"] = figures_for(self.request.user)
        return ctx
