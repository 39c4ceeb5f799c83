"""Forms of the file (mobile first: one column on a phone, grouped in sections). Validation rules live in
services.py (``validate_child_fields`` and friends) so the page, the API and the import apply the same ones."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.models import Region

from tonghu.core.forms import add_service_errors
from tonghu.core.versioning import VersionedFormMixin  # noqa: F401 (used by the edit forms below)

from . import masking, services
from .models import (
    Assistance,
    AttachmentKind,
    CareArrangement,
    Child,
    ChildStatus,
    DepartureRegistration,
    Guardian,
    GuardianRestriction,
    GuardianshipProblem,
    Household,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    def _style(self):
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.DateInput):
                w.input_type = "date"
                w.format = "%Y-%m-%d"
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs.setdefault("class", "form-select")
            elif isinstance(w, forms.Textarea):
                w.attrs.setdefault("class", "form-control")
                w.attrs.setdefault("rows", 2)
            else:
                w.attrs.setdefault("class", "form-control")


def _date_widgets(model, names):
    from django.db import models as m

    return {n: DATE for n in names if isinstance(model._meta.get_field(n), m.DateField)}


SENSITIVE_CHILD = ["hiv_infected", "hiv_evidence", "abuse_history"]

CHILD_SECTIONS = [
    (_("基本信息"), ["name", "former_names", "sex", "ethnicity", "birth_date", "birth_day_unknown", "id_number",
                  "hukou_type", "hukou_region_code", "hukou_address", "village", "address"]),
    (_("就学"), ["schooling_status", "school", "grade", "dropout_since", "boarding"]),
    (_("健康与心理"), ["health_status", "illness_name", "illness_evidence", "disability_type", "disability_grade",
                   "disability_evidence", "health_note", "psych_behaviour", "psych_problem"]),
    (_("敏感信息"), SENSITIVE_CHILD),
    (_("家庭与监护"), ["single_parent", "guardianship_note", "birth_parents_unfound", "birth_parents_unfound_date",
                   "birth_parents_unfound_evidence", "other_difficulty", "other_difficulty_evidence", "ledger_category"]),
    (_("儿童主任与结对"), ["director", "director_name", "director_phone", "pairing_name", "pairing_phone", "pairing_unit"]),
    (_("关爱帮扶与其他"), ["care_support", "other_notes", "filed_by_name", "filed_on"]),
]


class ChildForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    confirm_similar = forms.BooleanField(label=_("这是另一名儿童，继续建档"), required=False)

    class Meta:
        model = Child
        fields = services.CHILD_FIELDS
        widgets = _date_widgets(Child, services.CHILD_FIELDS) | {
            "psych_behaviour": forms.Textarea, "abuse_history": forms.Textarea, "care_support": forms.Textarea, "other_notes": forms.Textarea,
            "boarding": forms.NullBooleanSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        creating = self.instance.pk is None
        villages = Region.objects.visible_to(user, "core.view_regions").filter(level="village")
        self.fields["village"].queryset = villages
        from tonghu.accounts.models import User

        self.fields["director"].queryset = User.objects.visible_to(user, "registry.view_children").filter(role=Role.CHILD_DIRECTOR, is_active=True) if user.region_id else User.objects.none()
        self.fields["director"].required = False
        if not masking.can_view_sensitive(user):
            for name in SENSITIVE_CHILD:
                self.fields.pop(name, None)
        if not creating and not masking.can_view_id_numbers(user):
            self.fields.pop("id_number", None)
        self._version_field()
        if not creating:
            self.fields.pop("confirm_similar")
        else:
            self.fields["confirm_similar"].help_text = _("仅当系统提示已有姓名和出生日期相同的档案、且您已核实不是同一名儿童时勾选。")
        if user.region is not None and user.region.level == "village" and creating:
            self.fields["village"].initial = user.region.code
        self.fields["id_number"].help_text = _("18 位公民身份号码；没有可不填。系统会核对出生日期和性别。") if "id_number" in self.fields else ""
        self._style()

    def sections(self):
        out = []
        for title, names in CHILD_SECTIONS:
            present = [self[n] for n in names if n in self.fields]
            if present:
                out.append((title, present))
        return out

    def clean(self):
        data = super().clean()
        check = {k: v for k, v in data.items() if k in services.CHILD_FIELDS}
        if self.instance.pk:
            merged = services.snapshot(self.instance, services.CHILD_FIELDS)
            merged["village"] = self.instance.village
            merged.update(check)
            check = merged
        errors = services.validate_child_fields(check)
        add_service_errors(self, {k: v for k, v in errors.items() if k in self.fields or k == "__all__"})
        if "id_number" in data and "id_number" not in errors:
            data["id_number"] = check.get("id_number")
        return data

    def _post_clean(self):
        # model validation (unique id_number) is the service's job: it answers with the duplicate guard's message
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in services.CHILD_FIELDS}


class HouseholdForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = services.HOUSEHOLD_FIELDS
        widgets = {"social_support": forms.Textarea, "note": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._version_field()
        self._style()

    def _post_clean(self):
        pass


GUARDIAN_SECTIONS = [
    (_("基本情况"), ["role", "relation", "is_legal_guardian", "lives_with_child", "name", "id_number", "phone", "birth_year",
                 "health", "health_note", "occupation", "capacity"]),
    (_("外出务工"), ["working_away", "away_since", "away_until", "away_destination_code", "away_destination", "away_short_trips_home", "away_evidence"]),
    (_("死亡、失踪、失联"), ["deceased", "deceased_date", "deceased_by_court", "deceased_evidence", "missing_declared", "missing_date",
                       "missing_evidence", "out_of_contact", "out_of_contact_since", "police_report_date", "out_of_contact_evidence"]),
    (_("监护资格与出境"), ["guardianship_revoked", "revoked_date", "revoked_evidence", "deported", "deported_date", "deported_evidence"]),
    (_("重残、重病"), ["disability_type", "disability_grade", "disability_evidence", "serious_illness", "serious_illness_name",
                   "serious_illness_date", "serious_illness_evidence"]),
    (_("敏感信息"), ["criminal_record"]),
    (_("备注"), ["note"]),
]


class GuardianForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Guardian
        fields = services.GUARDIAN_FIELDS
        widgets = _date_widgets(Guardian, services.GUARDIAN_FIELDS) | {"criminal_record": forms.Textarea, "note": forms.Textarea,
                                                                        "lives_with_child": forms.NullBooleanSelect}

    def __init__(self, *args, user, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if not masking.can_view_sensitive(user):
            self.fields.pop("criminal_record")
        if self.instance.pk and not masking.can_view_id_numbers(user):
            self.fields.pop("id_number")
        self._version_field()
        self._style()

    def sections(self):
        return [(t, [self[n] for n in names if n in self.fields]) for t, names in GUARDIAN_SECTIONS if any(n in self.fields for n in names)]

    def clean(self):
        data = super().clean()
        check = {k: v for k, v in data.items() if k in services.GUARDIAN_FIELDS}
        if self.instance.pk:
            check = services.snapshot(self.instance, services.GUARDIAN_FIELDS) | check | {"_pk": self.instance.pk}
        errors = services.validate_guardian_fields(check, child=self.child)
        add_service_errors(self, errors)
        return data

    def _post_clean(self):
        pass

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k in services.GUARDIAN_FIELDS}


class RestrictionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = GuardianRestriction
        fields = services.RESTRICTION_FIELDS
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProblemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = GuardianshipProblem
        fields = services.PROBLEM_FIELDS
        widgets = {"since": DATE, "resolved_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not masking.can_view_sensitive(user):
            self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] not in masking.SENSITIVE_PROBLEM_KINDS]
        self._style()


class CareForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CareArrangement
        fields = services.CARE_FIELDS
        widgets = {"agreement_date": DATE, "start": DATE, "note": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._version_field()
        self._style()

    def _post_clean(self):
        pass


class CareEditForm(CareForm):
    class Meta(CareForm.Meta):
        fields = services.CARE_FIELDS + ["end", "end_reason"]
        widgets = CareForm.Meta.widgets | {"end": DATE}


class DepartureForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DepartureRegistration
        fields = services.DEPARTURE_FIELDS
        widgets = _date_widgets(DepartureRegistration, services.DEPARTURE_FIELDS) | {"note": forms.Textarea}

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = child.guardians.all()
        self.fields["care"].queryset = child.care_arrangements.filter(end__isnull=True)
        self.fields["registered_on"].required = False
        self._style()

    def _post_clean(self):
        pass


class AssistanceForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Assistance
        fields = services.ASSISTANCE_FIELDS
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not masking.can_view_sensitive(user):
            self.fields["scheme"].choices = [c for c in self.fields["scheme"].choices if c[0] not in masking.SENSITIVE_SCHEMES]
        self._version_field()
        self._style()

    def _post_clean(self):
        pass


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("PDF、图片或 Word/Excel 文件，不超过 10 MB"))
    kind = forms.ChoiceField(label=_("材料类别"), choices=AttachmentKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    fact = forms.ChoiceField(label=_("证明事项"), required=False)
    guardian = forms.ModelChoiceField(label=_("监护人"), queryset=Guardian.objects.none(), required=False)
    care = forms.ModelChoiceField(label=_("委托照护"), queryset=CareArrangement.objects.none(), required=False)
    sensitive = forms.BooleanField(label=_("敏感材料（仅有权限的人员可见）"), required=False)

    FACT_LABELS = [
        ("", _("（不针对具体事项）")),
        ("child.disability", _("儿童残疾")), ("child.illness", _("儿童重病、慢性病")), ("child.hiv", _("儿童艾滋病病毒感染")),
        ("child.birth_parents_unfound", _("查找不到生父母")), ("child.other_difficulty", _("其他困境")),
        ("guardian.working_away", _("监护人外出务工")), ("guardian.deceased", _("监护人死亡")), ("guardian.missing", _("监护人宣告失踪")),
        ("guardian.out_of_contact", _("监护人失联")), ("guardian.revoked", _("监护人被撤销监护资格")), ("guardian.deported", _("监护人被遣送出境")),
        ("guardian.disability", _("监护人重残")), ("guardian.serious_illness", _("监护人重病")), ("care.agreement", _("委托照护协议")),
    ]

    def __init__(self, *args, child, user, **kwargs):
        super().__init__(*args, **kwargs)
        labels = self.FACT_LABELS if masking.can_view_sensitive(user) else [f for f in self.FACT_LABELS if f[0] not in services.SENSITIVE_FACTS]
        self.fields["fact"].choices = labels
        self.fields["guardian"].queryset = child.guardians.all()
        self.fields["care"].queryset = child.care_arrangements.all()
        self._style()


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=ChildStatus.choices)
    date = forms.DateField(label=_("日期"), widget=DATE, required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False, help_text=_("迁出：迁往何处；死亡、结档：原因；重新启用：原因"))

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in ChildStatus.choices if c[0] != child.status]
        self._style()


class TransferForm(BootstrapMixin, forms.Form):
    to_village = forms.CharField(label=_("迁入村（社区）区划代码"), max_length=12, help_text=_("12 位统计用区划代码，可在“行政区划”中查询"))
    date = forms.DateField(label=_("交接日期"), widget=DATE, required=False)
    received_by = forms.CharField(label=_("接收人"), max_length=50, required=False)
    handover_note = forms.CharField(label=_("交接说明"), widget=forms.Textarea, help_text=_("交接了哪些材料、由谁接收、接收地民政部门联系方式"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_to_village(self):
        code = self.cleaned_data["to_village"].strip()
        region = Region.objects.filter(code=code, level="village").first()
        if region is None:
            raise forms.ValidationError(_("没有区划代码为“%(code)s”的村（社区）") % {"code": code})
        return region


class JoinHouseholdForm(BootstrapMixin, forms.Form):
    sibling = forms.IntegerField(label=_("兄弟姐妹的档案编号"), help_text=_("在兄弟姐妹的档案页标题下方可以看到档案编号"))

    def __init__(self, *args, user, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.child = user, child
        self._style()

    def clean_sibling(self):
        pk = self.cleaned_data["sibling"]
        sibling = Child.objects.visible_to(self.user, "registry.edit_children").filter(pk=pk).exclude(pk=self.child.pk).select_related("household").first()
        if sibling is None or sibling.household_id is None:
            raise forms.ValidationError(_("在您的辖区内没有编号为 %(pk)s 的其他儿童档案") % {"pk": pk})
        return sibling


class LeaveHouseholdForm(BootstrapMixin, forms.Form):
    """分户: the new household's head and contact (the child's address by default)."""

    head_name = forms.CharField(label=_("新家庭户主（或主要照护人）姓名"), max_length=50, required=False)
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    note = forms.CharField(label=_("分户原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("如：同父异母的兄弟姐妹原登记为一户；儿童已随其他亲属生活。原家庭和其他儿童不受影响。"))

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].initial = child.address
        self._style()


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200, help_text=_("如：上传错了文件。文件仍保留备查，但不再显示。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
