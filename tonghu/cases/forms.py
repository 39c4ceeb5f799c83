from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonghu.accounts.models import User
from tonghu.accounts.selectors import responsible_users
from tonghu.core.roles import Department, Role
from tonghu.core.capabilities import has_capability
from tonghu.core.models import Region

from .models import InterventionKind, PlacementKind, ReferralTarget, RiskLevel, Situation
from .rules import rules_for_region

YES_NO = [("", _("请选择")), ("1", _("是，儿童正面临紧急危险")), ("0", _("否"))]


class BootstrapMixin:
    def _style(self):
        default_required = str(forms.Field.default_error_messages["required"])
        for field in self.fields.values():
            if str(field.error_messages.get("required")) == default_required:
                choice = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField))
                field.error_messages["required"] = (_("请选择“%(label)s”。") if choice else _("请填写“%(label)s”。")) % {"label": field.label}
            w = field.widget
            if isinstance(w, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                w.attrs.setdefault("class", "form-check-input" if isinstance(w, forms.CheckboxInput) else "")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _region_choices(user):
    return Region.objects.visible_to(user, "core.view_regions").filter(level__in=["township", "village"]).select_related("parent").order_by("code")


def _region_label(region) -> str:
    return f"{region.parent.name} · {region.name}" if region.level == "village" and region.parent_id else region.name


class ReportForm(BootstrapMixin, forms.Form):
    """The mandatory report (R-F2). Reporters never browse the registry: they give an ID number or describe."""

    situation = forms.ChoiceField(label=_("报告情形"), choices=[("", _("请选择"))] + Situation.choices)
    immediate_danger = forms.TypedChoiceField(label=_("儿童是否正面临紧急危险"), choices=YES_NO, coerce=lambda v: v == "1")
    child_file = forms.IntegerField(label=_("儿童档案编号"), required=False, min_value=1,
                                    help_text=_("从儿童档案页点“强制报告”会自动填写。"))
    child_id_number = forms.CharField(label=_("儿童身份证号（如知道）"), max_length=18, required=False)
    child_name = forms.CharField(label=_("儿童姓名（如知道）"), max_length=50, required=False)
    child_age = forms.IntegerField(label=_("大致年龄"), required=False, min_value=0, max_value=17,
                                   error_messages={"min_value": _("大致年龄应在0至17岁之间。"), "max_value": _("大致年龄应在0至17岁之间。"), "invalid": _("大致年龄请填写数字。")})
    child_sex = forms.ChoiceField(label=_("性别"), choices=[("", _("不清楚")), ("M", _("男")), ("F", _("女"))], required=False)
    region = forms.ModelChoiceField(label=_("儿童所在或事发的村（社区）、乡镇"), queryset=Region.objects.none(), required=False,
                                    error_messages={"invalid_choice": _("所选区域不在您的辖区内。")})
    child_description = forms.CharField(label=_("儿童情况描述"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                        help_text=_("不知道姓名时，请描述体貌、就读学校、家庭住址等可辨认的情况。"))
    what_happened = forms.CharField(label=_("发生了什么"), widget=forms.Textarea(attrs={"rows": 4}),
                                    error_messages={"required": _("请填写发生了什么。")})
    occurred_at = forms.DateTimeField(label=_("发生时间（大致）"), required=False, widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                                      error_messages={"invalid": _("发生时间格式不正确。")})
    occurred_place = forms.CharField(label=_("发生地点"), max_length=200, required=False)
    reporter_unit = forms.CharField(label=_("报告单位"), max_length=100, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False,
                                     help_text=_("报告人身份仅个案办理人员可见。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = _region_choices(user)
        self.fields["region"].label_from_instance = _region_label
        self.fields["region"].empty_label = _("请选择")
        self.fields["situation"].error_messages["required"] = _("请选择报告情形。")
        self.fields["immediate_danger"].error_messages["required"] = _("请选择儿童是否正面临紧急危险。")
        if not has_capability(user, "registry.view_children"):
            del self.fields["child_file"]  # reporters do not browse the registry
            self.fields["region"].required = True  # always asked, so the form never reveals whether an ID matched
            self.fields["region"].error_messages["required"] = _("请选择儿童所在或事发的村（社区）、乡镇。")
        if "reporter_unit" in self.fields and not self.is_bound:
            self.fields["reporter_unit"].initial = user.unit
            self.fields["reporter_phone"].initial = user.phone
        self._style()

    def clean(self):
        data = super().clean()
        child = None
        pk = data.get("child_file")
        if pk:
            from tonghu.registry.models import Child

            child = Child.objects.visible_to(self.user, "registry.view_children").filter(pk=pk).first()
            if child is None:
                self.add_error("child_file", _("儿童档案编号不存在或不在您的辖区内。"))
        data["child"] = child
        if child is None and not data.get("region") and "region" not in self.errors:
            self.add_error("region", _("请选择儿童所在或事发的村（社区）、乡镇。"))
        if child is None and not any(data.get(k) for k in ("child_name", "child_description", "child_id_number")) and data.get("child_age") is None:
            self.add_error("child_description", _("请描述儿童：姓名（如知道）、大致年龄或其他可辨认的情况。"))
        occurred = data.get("occurred_at")
        if occurred and occurred > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("occurred_at", _("发生时间不能晚于现在。"))
        idn = (data.get("child_id_number") or "").strip().upper()
        if idn:
            from tonghu.core.reference.idnumber import is_valid_id_number

            if not is_valid_id_number(idn):
                self.add_error("child_id_number", _("身份证号格式或校验位不正确。"))
        data["child_id_number"] = idn
        return data


class HotlineForm(ReportForm):
    """The 12345 / minor-protection line operator's form (R-F3): caller, callback number, what was said."""

    caller_name = forms.CharField(label=_("来电人（可匿名）"), max_length=50, required=False)
    callback_number = forms.CharField(label=_("回拨号码"), max_length=30, error_messages={"required": _("请填写回拨号码（来电人拒绝留号的填“拒绝提供”）。")})
    call_record = forms.CharField(label=_("来电内容"), widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": _("请记录来电内容。")})

    field_order = ["caller_name", "callback_number", "call_record", "situation", "immediate_danger"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reporter_unit"]
        del self.fields["reporter_phone"]
        self.order_fields(self.field_order)


class AcceptForm(BootstrapMixin, forms.Form):
    members = forms.ModelMultipleChoiceField(label=_("同时加入个案团队"), queryset=User.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("如公安民警、村（社区）儿童主任。县级民政经办人、负责人自动在团队中。"))
    note = forms.CharField(label=_("受理说明"), max_length=200, required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        depts = list(report.deadlines.filter(kind="accept").values_list("department", flat=True))
        routed = responsible_users(report.region_id, Role.REPORTER, departments=depts)
        directors = responsible_users(report.region_id, [Role.CHILD_DIRECTOR, Role.SUPERVISOR])
        self.fields["members"].queryset = (routed | directors).distinct().order_by("role", "username")
        self._style()


class DeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("不予受理的理由（内部）"), widget=forms.Textarea(attrs={"rows": 2}))
    feedback = forms.CharField(label=_("告知报告人的说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AssessmentForm(BootstrapMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DateInput())
    override_level = forms.ChoiceField(label=_("调整等级（一般不调整）"), choices=[("", _("按评分得出"))] + RiskLevel.choices, required=False)
    override_reason = forms.CharField(label=_("调整等级的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("评估说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        rules = rules_for_region(case.region_id)
        self.indicators = rules.indicators
        choices = [(str(i), str(i)) for i in range(rules.max_score + 1)]
        for ind in reversed(self.indicators):
            field = forms.TypedChoiceField(label=f"{ind['group']}：{ind['zh']}", choices=choices, coerce=int,
                                           widget=forms.RadioSelect, help_text=_("0 无问题 … %(max)d 严重") % {"max": rules.max_score},
                                           error_messages={"required": _("请为“%(name)s”评分。") % {"name": ind["zh"]}})
            self.fields = {f"score_{ind['code']}": field, **self.fields}
        self.fields["assessed_on"].initial = timezone.localdate()
        self.source = rules.risk.get("source", "")
        self._style()

    def scores(self):
        return {ind["code"]: self.cleaned_data.get(f"score_{ind['code']}") for ind in self.indicators}


class ConferenceForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("会商日期"), widget=DateInput())
    participants = forms.CharField(label=_("参会单位和人员"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("会商纪要"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("会商决定"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self._style()


class InterventionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("干预措施"), choices=[("", _("请选择"))] + InterventionKind.choices)
    department = forms.ChoiceField(label=_("责任部门"), choices=[("", _("请选择"))] + Department.choices)
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ended_on = forms.DateField(label=_("完成日期"), widget=DateInput(), required=False)
    document_number = forms.CharField(label=_("文书名称及文号"), max_length=150, required=False)
    document = forms.FileField(label=_("文书扫描件（PDF 或图片）"), required=False)
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        self._style()

    def clean_document(self):
        f = self.cleaned_data.get("document")
        if f and not f.name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png")):
            raise forms.ValidationError(_("文书扫描件只接受 PDF、JPG、PNG 文件。"))
        if f and f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文书扫描件不能超过 20 MB。"))
        return f


class PlacementForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("临时监护方式"), choices=[("", _("请选择"))] + PlacementKind.choices)
    placed_with = forms.CharField(label=_("安置去向（亲属姓名或机构名称）"), max_length=150)
    started_on = forms.DateField(label=_("安置日期"), widget=DateInput())
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput(), required=False)
    notes = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        self._style()


class ReferralForm(BootstrapMixin, forms.Form):
    target_kind = forms.ChoiceField(label=_("转介对象类别"), choices=[("", _("请选择"))] + ReferralTarget.choices)
    target_name = forms.CharField(label=_("转介对象"), max_length=150)
    referred_on = forms.DateField(label=_("转介日期"), widget=DateInput())
    reason = forms.CharField(label=_("转介事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].initial = timezone.localdate()
        self._style()


class ReferralUpdateForm(BootstrapMixin, forms.Form):
    accepted = forms.NullBooleanField(label=_("对方是否接收"), required=False,
                                      widget=forms.Select(choices=[("unknown", _("尚未答复")), ("true", _("已接收")), ("false", _("未接收"))]))
    accepted_on = forms.DateField(label=_("接收日期"), widget=DateInput(), required=False)
    result = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    result_on = forms.DateField(label=_("结果日期"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class FollowUpForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=DateInput())
    notes = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        self._style()


class MemberForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("人员"), queryset=User.objects.none(), error_messages={"invalid_choice": _("该用户不能加入本个案团队。")})
    note = forms.CharField(label=_("分工"), max_length=100, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = responsible_users(
            case.region_id, [Role.REPORTER, Role.CHILD_DIRECTOR, Role.SUPERVISOR]
        ).exclude(pk__in=case.memberships.values("user")).order_by("role", "username")
        self._style()


class LinkChildForm(BootstrapMixin, forms.Form):
    child_file = forms.IntegerField(label=_("已有儿童档案编号"), required=False, min_value=1)
    new_name = forms.CharField(label=_("新建档案：姓名"), max_length=50, required=False)
    new_sex = forms.ChoiceField(label=_("性别"), choices=[("", "—"), ("M", _("男")), ("F", _("女"))], required=False)
    new_birth_date = forms.DateField(label=_("出生日期"), widget=DateInput(), required=False)
    new_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    new_village = forms.ModelChoiceField(label=_("所在村（社区）"), queryset=Region.objects.none(), required=False)
    confirm_similar = forms.BooleanField(label=_("已核实：与同名同出生日期的档案不是同一名儿童"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["new_village"].queryset = Region.objects.visible_to(user, "core.view_regions").filter(level="village")
        self._style()

    def clean(self):
        data = super().clean()
        data["child"] = None
        if data.get("child_file"):
            from tonghu.registry.models import Child

            data["child"] = Child.objects.visible_to(self.user, "registry.view_children").filter(pk=data["child_file"]).first()
            if data["child"] is None:
                self.add_error("child_file", _("儿童档案编号不存在或不在您的辖区内。"))
        elif not data.get("new_name"):
            self.add_error("child_file", _("请填写已有儿童档案编号，或填写新建档案的信息。"))
        return data


class CloseRequestForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("结案小结（内部）"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome_for_reporter = forms.CharField(
        label=_("告知报告人的处理结果"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("用通俗的话说明结果，例如“儿童已得到妥善照料，相关部门已依法处理”。不要写评估等级、安置去向、会商内容等敏感细节。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CloseDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审批意见"), choices=[("approve", _("同意结案")), ("return", _("退回继续处置"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("重新开启的理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReviewForm(BootstrapMixin, forms.Form):
    compliant = forms.TypedChoiceField(label=_("受理、处置是否合规"), choices=[("1", _("合规")), ("0", _("发现问题"))], coerce=lambda v: v == "1", widget=forms.RadioSelect)
    findings = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 3}))
    flag_unit = forms.CharField(label=_("倒查：应报未报的单位（如有）"), max_length=150, required=False)
    flag_department = forms.ChoiceField(label=_("单位类别"), choices=[("", "—")] + Department.choices, required=False)
    flag_reason = forms.CharField(label=_("倒查情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("flag_unit") or data.get("flag_reason") or data.get("flag_department"):
            if not data.get("flag_unit"):
                self.add_error("flag_unit", _("请填写应报未报的单位。"))
            if not data.get("flag_department"):
                self.add_error("flag_department", _("请选择单位类别。"))
            if not data.get("flag_reason"):
                self.add_error("flag_reason", _("请填写倒查情况。"))
        return data
