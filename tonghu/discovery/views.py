"""Pages of discovery (the view kit): data sets, the findings queue, one finding and its decisions, the
director's verification tasks, figures per source."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tonghu.core.filtersets import BaseFilterSet
from tonghu.core.viewkit import KitListView, KitObjectView, KitTemplateView, ServiceFormView, Table, tables

from . import forms, selectors, services
from .linkage import LEVELS, TITLES
from .models import Candidate, CandidateKind, CandidateStatus, Dataset, Source


# ------------------------------------------------------------------------------------------------ data sets

DETAIL_LABELS = {
    "school": _("学校"), "grade": _("年级"), "boarding": _("寄宿"), "enrolment": _("在校状态"), "dropout_since": _("辍学日期"),
    "head_name": _("户主姓名"), "relation": _("与户主关系"), "measure": _("类别"), "start": _("开始日期"), "end": _("解除日期"),
    "place": _("执行场所"), "judgment": _("判决类别"), "judgment_date": _("判决日期"), "case_no": _("案号"), "event": _("类别"),
    "illness": _("疾病名称"), "diagnosed": _("确诊日期"), "disability_type": _("残疾类别"), "disability_grade": _("残疾等级"),
    "certificate_no": _("残疾人证号"), "scheme": _("救助类别"), "since": _("享受起始日期"), "situation": _("家庭情况"),
}


class DatasetTable(Table):
    source = tables.Column(verbose_name=_("数据来源"), linkify=True)
    period = tables.Column(verbose_name=_("数据期间"), attrs={"td": {"lang": "zh"}})
    county = tables.Column(verbose_name=_("所属县（市、区）"), accessor="county__name", attrs={"td": {"lang": "zh"}})
    uploaded_at = tables.DateTimeColumn(verbose_name=_("上传时间"), format="Y-m-d H:i")
    rows = tables.Column(verbose_name=_("行数"))
    status = tables.Column(verbose_name=_("状态"))
    retention_until = tables.DateColumn(verbose_name=_("原始数据保存至"), format="Y-m-d")

    class Meta(Table.Meta):
        model = Dataset
        fields = ("source", "period", "county", "uploaded_at", "rows", "status", "retention_until")


class DatasetListView(KitListView):
    model = Dataset
    capability = selectors.MANAGE
    table_class = DatasetTable
    title = _("部门数据比对")
    template_name = "discovery/dataset_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("county")


class UploadView(ServiceFormView):
    capability = selectors.MANAGE
    form_class = forms.UploadForm
    create_once = True
    title = _("上传部门名单")
    success_message = _("已上传，正在后台导入并比对。")
    template_name = "discovery/upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form, target):
        d = form.cleaned_data
        return services.dataset_upload(actor=self.request.user, source=d["source"], period=d["period"], county=d["county"], upload=d["file"],
                                       retention_until=d.get("retention_until"), valid_only=d.get("valid_only", False))


def model_weights(model: dict) -> list[dict]:
    """The trained model's match weight of each comparison level (log2 m/u), labelled for the reader."""
    import math

    zh = (get_language() or "zh-hans").startswith("zh")
    out = []
    for comp in model.get("comparisons", []):
        name = comp.get("output_column_name")
        if name not in LEVELS:
            continue
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        rows = []
        for (key, label_zh, label_en, _m), lv in zip(LEVELS[name], levels):
            m, u = lv.get("m_probability"), lv.get("u_probability")
            weight = round(math.log2(m / u), 1) if m and u else None
            rows.append({"label": label_zh if zh else label_en, "m": m, "u": u, "weight": weight, "key": key})
        out.append({"title": TITLES[name][0 if zh else 1], "levels": rows})
    return out


class DatasetDetailView(KitObjectView):
    model = Dataset
    capability = selectors.MANAGE
    template_name = "discovery/dataset_detail.html"

    def get_title(self):
        return self.object.get_source_display()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ds = self.object
        ctx["weights"] = model_weights(ds.model)
        ctx["counts"] = {s.label: ds.candidates.filter(status=s).count() for s in CandidateStatus}
        ctx["job"] = ds.link_job or ds.import_job
        ctx["import_job"] = ds.import_job
        return ctx


# ------------------------------------------------------------------------------------------------ findings


class CandidateFilter(BaseFilterSet):
    import django_filters as df

    status = df.ChoiceFilter(label=_("状态"), choices=CandidateStatus.choices)
    kind = df.ChoiceFilter(label=_("类别"), choices=CandidateKind.choices)
    source = df.ChoiceFilter(label=_("数据来源"), field_name="dataset__source", choices=Source.choices)

    class Meta:
        model = Candidate
        fields = ["status", "kind", "source"]


class CandidateTable(Table):
    kind = tables.Column(verbose_name=_("类别"), linkify=True)
    name = tables.Column(verbose_name=_("姓名"), accessor="evidence__name", orderable=False, attrs={"td": {"lang": "zh"}})
    birth = tables.Column(verbose_name=_("出生日期"), accessor="evidence__birth_date", orderable=False)
    region = tables.Column(verbose_name=_("所在地"), accessor="region__name", attrs={"td": {"lang": "zh"}})
    child = tables.Column(verbose_name=_("档案"), accessor="child__name", default="—", attrs={"td": {"lang": "zh"}})
    probability = tables.Column(verbose_name=_("匹配概率"))
    source = tables.Column(verbose_name=_("数据来源"), accessor="dataset__source")
    period = tables.Column(verbose_name=_("数据期间"), accessor="dataset__period", attrs={"td": {"lang": "zh"}})
    status = tables.Column(verbose_name=_("状态"))

    class Meta(Table.Meta):
        model = Candidate
        fields = ("kind", "name", "birth", "region", "child", "probability", "source", "period", "status")

    def render_probability(self, value):
        return f"{value:.1%}"


class CandidateListView(KitListView):
    model = Candidate
    capability = selectors.MANAGE
    table_class = CandidateTable
    filterset_class = CandidateFilter
    title = _("发现线索")
    export_name = "discovery-findings"

    def get_queryset(self):
        return super().get_queryset().select_related("dataset", "child", "region")


class TaskTable(CandidateTable):
    kind = tables.Column(verbose_name=_("类别"), linkify=lambda record: reverse("discovery_task", args=[record.pk]))

    class Meta(CandidateTable.Meta):
        exclude = ("probability",)


class TaskListView(KitListView):
    model = Candidate
    capability = selectors.VERIFY
    table_class = TaskTable
    title = _("待入户核实的线索")

    def get_queryset(self):
        return super().get_queryset().filter(status=CandidateStatus.SENT).select_related("dataset", "child", "region")


def _reasons(c: Candidate) -> list[dict]:
    zh = (get_language() or "zh-hans").startswith("zh")
    i = 0 if zh else 1
    return [{"title": r["title"][i], "label": r["label"][i], "weight": r["weight"], "null": r.get("level") == "null"} for r in c.reasons]


class CandidateDetailView(KitObjectView):
    model = Candidate
    capability = selectors.MANAGE
    template_name = "discovery/candidate_detail.html"

    def get_queryset(self):
        return selectors.candidates_for(self.request.user)

    def get_title(self):
        return f"{self.object.get_kind_display()} · {self.object.evidence.get('name', '')}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reasons"] = _reasons(self.object)
        ctx["details"] = [(DETAIL_LABELS.get(k, k), v) for k, v in self.object.evidence.get("details", {}).items()]
        ctx["open"] = self.object.status in (CandidateStatus.OPEN, CandidateStatus.SENT)
        ctx["manage"] = True
        return ctx


class TaskDetailView(CandidateDetailView):
    capability = selectors.VERIFY

    def get_queryset(self):
        return selectors.verification_tasks(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["manage"] = False
        return ctx


def _manage_target(*, user, pk):
    from django.http import Http404

    c = selectors.candidates_for(user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


def _task_target(*, user, pk):
    from django.http import Http404

    c = selectors.verification_tasks(user).filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


class _CandidateForm(ServiceFormView):
    capability = selectors.MANAGE
    target_selector = staticmethod(_manage_target)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidate": self.target}

    def get_success_url(self, result=None):
        return reverse("discovery_candidates")


class ConfirmView(_CandidateForm):
    form_class = forms.ConfirmForm
    title = _("确认线索")
    success_message = _("已确认，档案已按部门数据更新。")

    def perform(self, form, target):
        d = form.cleaned_data
        return services.candidate_confirm(actor=self.request.user, candidate=target, expected_version=d["version"],
                                          data={"village": d.get("village"), "note": d.get("note", "")}, confirm_similar=d.get("confirm_similar", False))

    def get_success_url(self, result=None):
        if result is not None and result.child_id and result.kind == CandidateKind.NEW_CHILD:
            return reverse("child_detail", args=[result.child_id])
        return super().get_success_url(result)


class DismissView(_CandidateForm):
    form_class = forms.DismissForm
    title = _("排除线索")
    success_message = _("已排除。")

    def perform(self, form, target):
        d = form.cleaned_data
        return services.candidate_dismiss(actor=self.request.user, candidate=target, reason=d["reason"], as_new=d.get("as_new", False),
                                          expected_version=d["version"])


class SendView(_CandidateForm):
    form_class = forms.SendForm
    title = _("交儿童主任入户核实")
    success_message = _("已交儿童主任核实。")

    def perform(self, form, target):
        d = form.cleaned_data
        return services.candidate_send(actor=self.request.user, candidate=target, note=d.get("note", ""), village=d.get("village"),
                                       expected_version=d["version"])


class VerifyView(_CandidateForm):
    capability = selectors.VERIFY
    target_selector = staticmethod(_task_target)
    form_class = forms.VerifyForm
    title = _("回复核实情况")
    success_message = _("已回复县级民政部门。")

    def perform(self, form, target):
        d = form.cleaned_data
        return services.candidate_verified(actor=self.request.user, candidate=target, found=d["found"], note=d["note"], expected_version=d["version"])

    def get_success_url(self, result=None):
        return reverse("discovery_tasks")


class FiguresView(KitTemplateView):
    capability = selectors.MANAGE
    template_name = "discovery/figures.html"
    title = _("部门数据比对统计")
    scope_note = "selectors.figures counts Candidate.objects.visible_to(user, 'discovery.manage'): the findings of the user's region"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        labels = dict(Source.choices)
        ctx["rows"] = [{**r, "label": labels.get(r["dataset__source"], r["dataset__source"])} for r in selectors.figures(self.request.user)]
        return ctx
