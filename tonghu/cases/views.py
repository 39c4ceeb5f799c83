"""Pages of the mandatory reports and cases (R-F, R-N): intake, the receiving inbox, the case and its team's forms,
the procuratorate's review queue, the figures. Every page is a view of the kit (``core.viewkit``): reads go through
``selectors`` (scoped, audited where the file is sensitive), every form calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.forms import add_service_errors
from tonghu.core.idempotency import previous
from tonghu.core.viewkit import KitListView, KitObjectView, KitTemplateView, ServiceFormView, Table, tables

from . import forms as f
from . import selectors, services
from .figures import figures_for
from .models import Case, CaseStatus, Channel, DeadlineKind, Referral, Report, ReportStatus
from .rules import rules_for_region
from .selectors import cases_visible, is_case_team, may_see_reporter, receiving_department, reports_received
from tonghu.core.texts import msg


# ----------------------------------------------------------------------------------------- intake


class ReportCreateView(ServiceFormView):
    """A mandatory report (强制报告) from a unit's form; saved once per client token."""

    capability = "cases.report"
    form_class = f.ReportForm
    template_name = "cases/report_form.html"
    create_once = True
    channel = Channel.FORM

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("child", "").isdigit():
            initial["child_file"] = int(self.request.GET["child"])
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"hotline": self.channel == Channel.HOTLINE}

    def perform(self, form, target):
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
        return services.report_file(actor=self.request.user, **kwargs)

    def get_success_message(self, report):
        return _("报告已提交（编号 %(number)s），已同时转至公安、民政等部门。") % {"number": report.number}

    def get_success_url(self, report=None):
        return reverse("report_received" if self.channel == Channel.HOTLINE else "report_detail", kwargs={"pk": report.pk})


class HotlineCreateView(ReportCreateView):
    capability = "cases.hotline"
    form_class = f.HotlineForm
    channel = Channel.HOTLINE


class MyReportTable(Table):
    number = tables.Column(verbose_name=gettext_lazy("编号"), linkify=("report_detail", {"pk": tables.A("pk")}),
                           order_by=("submitted_at", "id"))  # BG + year + id
    submitted_at = tables.DateTimeColumn(verbose_name=gettext_lazy("报告时间"), format="Y-m-d H:i")
    status = tables.Column(verbose_name=gettext_lazy("状态"))

    class Meta(Table.Meta):
        model = Report
        fields = ("number", "submitted_at", "status")
        empty_text = gettext_lazy("您还没有提交过报告。")


class MyReportListView(KitListView):
    """A reporter's own reports: number, time, status (never the case details)."""

    model = Report
    capability = "cases.report"
    rows_selector = staticmethod(selectors.reports_filed_rows)
    table_class = MyReportTable
    template_name = "cases/report_mine.html"
    title = gettext_lazy("我的报告")
    export_name = "my-reports"

    def get_queryset(self):
        return super().get_queryset().order_by("-submitted_at")


class MyReportDetailView(KitObjectView):
    """What a reporter sees of their report: status and the outcome in plain words — never the case details."""

    model = Report
    capability = "cases.report"
    template_name = "cases/report_detail.html"
    context_object_name = "report"
    selector = staticmethod(selectors.report_filed_open)


# ----------------------------------------------------------------------------------------- receiving


class InboxView(KitTemplateView):
    """Reports routed to the user's department in their region, with what is due (deadlines stored as data)."""

    capability = "cases.receive"
    template_name = "cases/inbox.html"
    scope_note = "reports from selectors.reports_received and deadlines from selectors.due_deadlines (visible_to, the user's department)"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        from .selectors import due_deadlines

        ctx["due"] = list(due_deadlines(user).order_by("due_at")[:200])
        ctx["now"] = timezone.now()
        status = self.request.GET.get("status", "")
        qs = reports_received(user).select_related("region", "child")
        if status in ReportStatus.values:
            qs = qs.filter(status=status)
        ctx["reports"] = qs.order_by("-submitted_at")[:200]
        ctx["status"] = status
        ctx["statuses"] = ReportStatus.choices
        ctx["department"] = receiving_department(user)
        return ctx


class ReceivedReportView(KitObjectView):
    """A report received by the user's department (opening it is audited); POST acknowledges it (签收)."""

    model = Report
    capability = "cases.receive"
    template_name = "cases/report_received.html"
    context_object_name = "report"
    selector = staticmethod(selectors.report_received_for)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        report = self.object
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
        report = self.get_object()
        try:
            services.report_acknowledge(actor=request.user, report=report)
            messages.success(request, _("已签收。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("report_received", pk=report.pk)


class AcceptView(ServiceFormView):
    """Accept a report (立案, with the case team) or decline it (不予受理, a second form on the page); either once
    per client token."""

    capability = "cases.handle"
    template_name = "cases/report_accept.html"
    form_class = f.AcceptForm
    target_selector = staticmethod(selectors.report_for_accept)
    create_once = True

    @property
    def report(self):
        return self.target

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs() | {"report": self.target}
        if self.request.POST.get("action") == "decline":
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = self.target
        ctx["decline_form"] = kwargs.get("decline_form") or f.DeclineForm()
        return ctx

    def perform(self, form, target):
        return services.report_accept(actor=self.request.user, report=target, members=form.cleaned_data["members"],
                                      note=form.cleaned_data["note"])

    def get_success_message(self, case):
        return _("已受理，立案 %(number)s。") % {"number": case.number}

    def get_success_url(self, obj=None):
        if isinstance(obj, Case):
            return reverse("case_detail", kwargs={"pk": obj.pk})
        return reverse("report_received", kwargs={"pk": self.target.pk})

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "decline":
            return super().post(request, *args, **kwargs)
        done = previous(request.user, self.posted_token())
        if done is not None:  # accepted or declined already with this page's token
            return self.repeated(done)
        form = f.DeclineForm(request.POST)
        if form.is_valid():
            try:
                self.create_once(lambda: (services.report_decline(actor=request.user, report=self.target, **form.cleaned_data), self.target)[1])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.info(request, _("已记录不予受理，并告知报告人。"))
                return redirect("report_received", pk=self.target.pk)
        return self.render_to_response(self.get_context_data(form=f.AcceptForm(report=self.target), decline_form=form))


# ----------------------------------------------------------------------------------------- cases


class CaseTable(Table):
    number = tables.TemplateColumn(
        '<a href="{% url \'case_detail\' record.pk %}">{{ record.number }}</a>{% if record.report.immediate_danger %} '
        '<span class="badge text-bg-danger">{% load i18n %}{% translate \'紧急\' %}</span>{% endif %}',
        verbose_name=gettext_lazy("个案编号"), order_by=("accepted_at", "id"))
    accepted_at = tables.DateColumn(verbose_name=gettext_lazy("受理时间"), format="Y-m-d")
    situation = tables.Column(verbose_name=gettext_lazy("情形"), accessor="report__situation", attrs={"td": {"class": "small"}})
    region = tables.Column(verbose_name=gettext_lazy("区域"), accessor="region__name")
    risk_level = tables.Column(verbose_name=gettext_lazy("监护风险等级"), default="—")
    status = tables.Column(verbose_name=gettext_lazy("状态"))

    class Meta(Table.Meta):
        model = Case
        fields = ("number", "accepted_at", "situation", "region", "risk_level", "status")
        empty_text = gettext_lazy("没有您可查看的个案。")

    def render_situation(self, record):
        text = record.report.get_situation_display()
        return text if len(text) <= 24 else text[:23] + "…"

    def value_number(self, record):
        return record.number

    def value_situation(self, record):
        return record.report.get_situation_display()

    def render_risk_level(self, record):
        return record.get_risk_level_display() or "—"


class CaseListView(KitListView):
    """The cases the user may see (county staff: the county's; others: the cases whose team they are on)."""

    model = Case
    capability = "cases.view_case"
    rows_selector = staticmethod(selectors.cases_rows)
    table_class = CaseTable
    template_name = "cases/case_list.html"
    title = gettext_lazy("个案")
    export_name = "cases"

    def get_queryset(self):
        qs = super().get_queryset()
        status = self.request.GET.get("status", "")
        if status in CaseStatus.values:
            qs = qs.filter(status=status)
        return qs.order_by("-accepted_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["status"], ctx["statuses"] = self.request.GET.get("status", ""), CaseStatus.choices
        return ctx


class CaseDetailView(KitObjectView):
    """A case (opening it is audited): the report, deadlines, team, events and the forms the user may use."""

    model = Case
    capability = "cases.view_case"
    template_name = "cases/case_detail.html"
    context_object_name = "case"
    selector = staticmethod(selectors.case_open_for)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.object
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


class CaseActionView(ServiceFormView):
    """A form on one case: only for the case team (404 otherwise, ``selectors.case_for_team``); the one service does
    the write, once per client token (a repeat goes back to the case without writing again)."""

    template_name = "cases/case_action.html"
    target_selector = staticmethod(selectors.case_for_team)
    create_once = True
    # The case statuses in which this action applies (None: any). A link from an old notification to an action
    # that no longer applies (approving a closure already decided) lands on the case page with the reason.
    statuses: tuple[str, ...] | None = None

    @property
    def case(self):
        return self.target

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        if self.statuses is not None and self.case.status not in self.statuses:
            messages.info(request, _("个案 %(number)s 现为“%(status)s”，“%(action)s”已不适用。") % {
                "number": self.case.number, "status": self.case.get_status_display(), "action": self.get_title()})
            return redirect("case_detail", pk=self.case.pk)
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"case": self.case}

    def act(self, form):  # pragma: no cover - abstract
        """Call the action's one service."""
        raise NotImplementedError

    def perform(self, form, target):
        self.act(form)
        return target  # the client token remembers the case it acted on

    def get_repeat_url(self, obj):
        return reverse("case_detail", kwargs={"pk": self.case.pk})

    def get_success_url(self, result=None):
        return reverse("case_detail", kwargs={"pk": self.case.pk})


class AssessView(CaseActionView):
    capability = "cases.handle"
    form_class = f.AssessmentForm
    title = gettext_lazy("监护风险评估")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"case": self.case}

    def act(self, form):
        d = form.cleaned_data
        services.case_assess(actor=self.request.user, case=self.case, assessed_on=d["assessed_on"], scores=form.scores(),
                             override_level=d["override_level"], override_reason=d["override_reason"], notes=d["notes"])


class ConferenceView(CaseActionView):
    capability = "cases.handle"
    form_class = f.ConferenceForm
    title = gettext_lazy("个案会商")

    def act(self, form):
        services.case_conference(actor=self.request.user, case=self.case, **form.cleaned_data)


class InterventionView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.InterventionForm
    title = gettext_lazy("干预措施")

    def act(self, form):
        services.case_intervention(actor=self.request.user, case=self.case, **form.cleaned_data)


class PlacementView(CaseActionView):
    capability = "cases.handle"
    form_class = f.PlacementForm
    title = gettext_lazy("临时监护安置")

    def act(self, form):
        services.case_placement(actor=self.request.user, case=self.case, **form.cleaned_data)


class ReferralView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.ReferralForm
    title = gettext_lazy("转介")

    def act(self, form):
        services.case_referral(actor=self.request.user, case=self.case, **form.cleaned_data)


class ReferralUpdateView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.ReferralUpdateForm
    title = gettext_lazy("转介接收与结果")

    def load(self, request, *args, **kwargs):
        answer = super().load(request, *args, **kwargs)
        self.referral = get_object_or_404(Referral, pk=kwargs["referral"], case=self.case)
        return answer

    def get_initial(self):
        r = self.referral
        return {"accepted": r.accepted, "accepted_on": r.accepted_on, "result": r.result, "result_on": r.result_on}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.referral
        ctx["intro"] = _("%(kind)s：%(name)s（%(date)s）") % {"kind": r.get_target_kind_display(), "name": r.target_name, "date": format(r.referred_on, '%Y-%m-%d')}
        return ctx

    def act(self, form):
        services.referral_update(actor=self.request.user, referral=self.referral, **form.cleaned_data)


class FollowUpView(CaseActionView):
    capability = "cases.contribute"
    form_class = f.FollowUpForm
    title = gettext_lazy("回访")

    def act(self, form):
        services.case_followup(actor=self.request.user, case=self.case, **form.cleaned_data)


class MemberAddView(CaseActionView):
    capability = "cases.handle"
    form_class = f.MemberForm
    title = gettext_lazy("加入个案团队")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"case": self.case}

    def act(self, form):
        services.case_add_member(actor=self.request.user, case=self.case, **form.cleaned_data)


class LinkChildView(CaseActionView):
    capability = "cases.handle"
    form_class = f.LinkChildForm
    title = gettext_lazy("关联或新建儿童档案")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def act(self, form):
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

    def act(self, form):
        services.case_request_closure(actor=self.request.user, case=self.case, **form.cleaned_data)


class CloseApproveView(CaseActionView):
    capability = "cases.approve_closure"
    form_class = f.CloseDecisionForm
    title = gettext_lazy("结案审批")
    statuses = (CaseStatus.CLOSURE_PENDING,)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"closure": self.case}

    def act(self, form):
        services.case_decide_closure(actor=self.request.user, case=self.case, approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])


class ReopenView(CaseActionView):
    capability = "cases.approve_closure"
    form_class = f.ReopenForm
    title = gettext_lazy("重新开启个案")
    statuses = (CaseStatus.CLOSED,)

    def act(self, form):
        services.case_reopen(actor=self.request.user, case=self.case, reason=form.cleaned_data["reason"])


class InterventionDocumentView(KitTemplateView):
    """An intervention's document, served only here (audited)."""

    capability = "cases.view_case"
    deny_with_404 = True
    scope_note = "the case is fetched through selectors.cases_visible (404 outside the region or the case team)"

    def get(self, request, *args, **kwargs):
        case = get_object_or_404(cases_visible(request.user), pk=kwargs["pk"])
        intervention = get_object_or_404(case.interventions, pk=kwargs["intervention"])
        if not intervention.document:
            raise Http404
        audit_log(actor=request.user, action="view", obj=intervention, region_code=case.region_id, summary=msg("查看干预文书"))
        return FileResponse(intervention.document.open("rb"), as_attachment=True, filename=intervention.document.name.rsplit("/", 1)[-1])


# ----------------------------------------------------------------------------------------- procuratorate


class ReviewTable(Table):
    number = tables.Column(verbose_name=gettext_lazy("个案编号"), linkify=("case_detail", {"pk": tables.A("pk")}),
                           order_by=("accepted_at", "id"))  # GA + year + id
    accepted_at = tables.DateColumn(verbose_name=gettext_lazy("受理时间"), format="Y-m-d")
    situation = tables.Column(verbose_name=gettext_lazy("情形"), accessor="report__situation", attrs={"td": {"class": "small"}})
    region = tables.Column(verbose_name=gettext_lazy("区域"), accessor="region__name")
    status = tables.Column(verbose_name=gettext_lazy("状态"))
    n_reviews = tables.TemplateColumn(
        '{% load i18n %}{% if record.n_reviews %}<span class="badge text-bg-success">{% translate \'已审查\' %}</span>'
        '{% else %}<a class="btn btn-sm btn-warning" href="{% url \'case_review\' record.pk %}">{% translate \'审查\' %}</a>{% endif %}',
        verbose_name=gettext_lazy("审查"), order_by=("n_reviews",))

    class Meta(Table.Meta):
        model = Case
        fields = ("number", "accepted_at", "situation", "region", "status", "n_reviews")
        empty_text = gettext_lazy("没有个案。")

    def render_situation(self, record):
        text = record.report.get_situation_display()
        return text if len(text) <= 24 else text[:23] + "…"

    def value_situation(self, record):
        return record.report.get_situation_display()

    def value_n_reviews(self, record):
        return _("已审查") if record.n_reviews else _("待审查")


class ReviewQueueView(KitListView):
    """每案必查: every case of the reviewer's region, pending review first."""

    model = Case
    capability = "cases.review"
    rows_selector = staticmethod(selectors.review_rows)
    table_class = ReviewTable
    template_name = "cases/review_queue.html"
    paginate_by = 300  # oldest first, as many on one page as before the kit (the reviewer works from the top)
    title = gettext_lazy("每案必查")
    export_name = "case-reviews"

    def get_queryset(self):
        qs = super().get_queryset()
        which = self.request.GET.get("show", "pending")
        if which == "pending":
            qs = qs.filter(n_reviews=0)
        elif which == "reviewed":
            qs = qs.filter(n_reviews__gt=0)
        return qs.order_by("accepted_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"show": self.request.GET.get("show", "pending")}


class ReviewView(CaseActionView):
    capability = "cases.review"
    form_class = f.ReviewForm
    title = gettext_lazy("检察审查（每案必查）")
    target_selector = staticmethod(selectors.case_for_review)
    success_message = gettext_lazy("已标记为已审查。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reviews"] = self.case.reviews.select_related("reviewer")
        ctx["flags"] = self.case.traceback_flags.all()
        return ctx

    def act(self, form):
        services.case_review(actor=self.request.user, case=self.case, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("review_queue")


# ----------------------------------------------------------------------------------------- figures, notices


class FiguresView(KitTemplateView):
    capability = "cases.view_figures"
    template_name = "cases/figures.html"
    scope_note = "figures_for(user) counts only reports and cases visible_to the user (cases.view_figures)"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["fig"] = figures_for(self.request.user)
        return ctx
