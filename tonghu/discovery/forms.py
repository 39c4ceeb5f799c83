from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tonghu.core.models import Region
from tonghu.core.scoping import prefix_range

from .models import Source


def _counties(user):
    prefix = getattr(getattr(user, "region", None), "prefix", None)
    if prefix is None:
        return Region.objects.none()
    return Region.objects.filter(level="county", code__range=prefix_range(prefix)).order_by("code")


def _villages(county_code: str):
    return Region.objects.filter(level="village", code__range=prefix_range(county_code[:6])).order_by("code")


class UploadForm(forms.Form):
    source = forms.ChoiceField(label=_("数据来源"), choices=Source.choices)
    period = forms.CharField(label=_("数据期间"), max_length=50, help_text=_("如：2026年春季学期、2026年3月"))
    county = forms.ModelChoiceField(label=_("所属县（市、区）"), queryset=Region.objects.none())
    file = forms.FileField(label=_("名单文件"), help_text=_("xlsx 或 csv（UTF-8 或 GBK），表头见各部门模板（docs/discovery.md）"))
    retention_until = forms.DateField(label=_("原始数据保存至"), required=False,
                                      help_text=_("留空为默认期限；到期后原始数据自动清除，只保留线索的证据摘要"))
    valid_only = forms.BooleanField(label=_("仅导入无误的行"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _counties(user)


class ConfirmForm(forms.Form):
    village = forms.ModelChoiceField(label=_("所在村（社区）"), queryset=Region.objects.none(), required=False,
                                     help_text=_("名单未写明村（社区）时必选"))
    confirm_similar = forms.BooleanField(label=_("已核实与同名同出生日期的档案不是同一名儿童"), required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _villages(candidate.dataset.county_id) if candidate else Region.objects.none()
        if candidate is not None:
            self.initial.setdefault("version", candidate.version)
        if candidate is None or candidate.kind != "new_child":
            del self.fields["village"]
            del self.fields["confirm_similar"]


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("排除理由"), widget=forms.Textarea(attrs={"rows": 2}))
    as_new = forms.BooleanField(label=_("不是该档案中的儿童：作为未登记儿童继续核查"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidate is not None:
            self.initial.setdefault("version", candidate.version)
        if candidate is None or candidate.kind != "possible":
            del self.fields["as_new"]


class SendForm(forms.Form):
    village = forms.ModelChoiceField(label=_("交哪个村（社区）的儿童主任核实"), queryset=Region.objects.none(), required=False)
    note = forms.CharField(label=_("核实要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidate is not None:
            self.fields["village"].queryset = _villages(candidate.dataset.county_id)
            self.initial.setdefault("version", candidate.version)
            if candidate.region.level == "village":
                self.initial.setdefault("village", candidate.region)


class VerifyForm(forms.Form):
    found = forms.TypedChoiceField(label=_("核实结果"), choices=[("1", _("属实")), ("0", _("不属实"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidate is not None:
            self.initial.setdefault("version", candidate.version)
