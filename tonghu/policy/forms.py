"""Forms of the policy app: a new profile version (one setting), a decision on an 应保尽保 gap."""

from __future__ import annotations

import datetime as dt
import json

import yaml
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .labels import setting_label
from .models import Decision


def value_text(value) -> str:
    """A setting's value as JSON (which is also valid YAML, so the edit form reads it back unchanged)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v))


def plain_value(value) -> str:
    """A setting's value in plain words for reading (yes/no, a list joined, dates localized), not JSON."""
    from django.utils import formats
    from django.utils.translation import gettext

    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, (list, tuple)):
        return gettext("、").join(plain_value(v) for v in value)
    if isinstance(value, dict):
        return gettext("；").join(f"{k}{gettext('：')}{plain_value(v)}" for k, v in value.items())
    return str(value)


class ProfileVersionForm(forms.Form):
    setting = forms.ChoiceField(label=_("要修改的设置"))
    value = forms.CharField(label=_("新的值"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control font-monospace"}),
                            help_text=_("按 JSON 或 YAML 写法填写：数字 3、是否 true/false、列表 [\"a\", \"b\"]、条目 {\"键\": 值}；日期写成 \"2025-01-01\"。"))
    source = forms.CharField(label=_("依据（文件、条款）"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text=_("例如：桂民发〔2025〕3号 第二条。每个值都要注明出处。"))
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
                                     help_text=_("新规则自该日起适用；此前的认定不受影响。"))
    reason = forms.CharField(label=_("修改说明"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args, resolved=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolved = resolved
        self.current = {}
        choices = []
        if resolved is not None:
            for path, s in resolved.walk():
                choices.append((path, f"{setting_label(path, s.value)} — {path}"))
                self.current[path] = s
        self.fields["setting"].choices = [("", "---------")] + choices
        self.fields["setting"].widget.attrs["class"] = "form-select"
        self.fields["effective_from"].initial = timezone.localdate() + dt.timedelta(days=1)

    def clean_value(self):
        text = self.cleaned_data["value"]
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _("第%(l)s行第%(c)s列") % {"l": mark.line + 1, "c": mark.column + 1} if mark else ""
            raise forms.ValidationError(_("无法识别的写法%(where)s，请按 JSON 或 YAML 格式填写") % {"where": where}) from None


class GapDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                           help_text=_("“经核实不符合条件”须写明原因；其他情况可填写办理情况、待补的材料。"))


class ProfileCreateForm(forms.Form):
    region = forms.ChoiceField(label=_("适用区划"), help_text=_("该区划及其下级区划改用本方案；建立时沿用目前适用的全部规则，再逐项新建版本修改。"))
    name_zh = forms.CharField(label=_("方案名称"), required=False, max_length=100, help_text=_("留空则用区划名称"))
    source = forms.CharField(label=_("依据（文件、条款）"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [("", "---------")] + [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["region"].widget.attrs["class"] = "form-select"
        self.fields["name_zh"].widget.attrs["class"] = "form-control"
        self.fields["effective_from"].initial = timezone.localdate()

    def clean_region(self):
        return self.regions[self.cleaned_data["region"]]
