"""Forms of the visits app. Validation that is a rule (dates, back-dating) lives in the services; the forms
only parse, and show the services' messages on the right field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonghu.cases.models import Situation

from .models import ContactMethod, ProblemCategory, ProblemStatus, Rating, Severity, TaskKind

PROBLEM_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _text(label, rows=2):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


def harm_situations():
    """The statutory situations of a mandatory report (the cases app owns them)."""
    return list(Situation.choices)


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=TaskKind.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    method = forms.ChoiceField(label=_("方式"), choices=ContactMethod.choices, initial=ContactMethod.PHONE, widget=forms.RadioSelect, required=False)
    contacted_person = forms.CharField(label=_("联系对象"), required=False, max_length=100,
                                       widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如：儿童本人、祖母")}))
    people_met = forms.CharField(label=_("见到的人"), required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    living_conditions = _text(_("生活状况"))
    guardianship = _text(_("监护情况"))
    caregiver_performance = forms.ChoiceField(label=_("照护人履责情况"), required=False, choices=[("", "—")] + Rating.choices,
                                              widget=forms.Select(attrs={"class": "form-select"}))
    schooling = _text(_("就学情况"))
    health = _text(_("健康状况"))
    psychology = _text(_("心理和行为"))
    near_water = forms.NullBooleanField(label=_("居住地临水（河塘、水库等）"), required=False,
                                        widget=forms.Select(attrs={"class": "form-select"}, choices=[("unknown", "—"), ("true", _("是")), ("false", _("否"))]))
    home_hazards = _text(_("家中安全隐患"))
    measures = _text(_("采取的措施"))
    notes = _text(_("备注"))
    harm_found = forms.BooleanField(label=_("发现侵害或危险情形（立即强制报告）"), required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    harm_situation = forms.ChoiceField(label=_("报告情形"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    harm_description = _text(_("侵害或危险情形说明"))
    immediate_danger = forms.BooleanField(label=_("儿童正面临紧急危险"), required=False,
                                          widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    photos = MultipleFileField(label=_("照片（可选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["harm_situation"].choices = harm_situations()
        for i in range(PROBLEM_ROWS):
            self.fields[f"problem_{i}_category"] = forms.ChoiceField(label=_("问题类别"), required=False, choices=[("", "—")] + ProblemCategory.choices,
                                                                     widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"problem_{i}_description"] = forms.CharField(label=_("问题描述"), required=False, max_length=1000,
                                                                      widget=forms.TextInput(attrs={"class": "form-control"}))
            self.fields[f"problem_{i}_severity"] = forms.ChoiceField(label=_("严重程度"), required=False, choices=Severity.choices,
                                                                     initial=Severity.LOW, widget=forms.Select(attrs={"class": "form-select"}))

    def problem_rows(self):
        return [(self[f"problem_{i}_category"], self[f"problem_{i}_description"], self[f"problem_{i}_severity"]) for i in range(PROBLEM_ROWS)]

    def clean(self):
        data = super().clean()
        problems = []
        for i in range(PROBLEM_ROWS):
            cat, desc = data.get(f"problem_{i}_category"), (data.get(f"problem_{i}_description") or "").strip()
            if desc and not cat:
                self.add_error(f"problem_{i}_category", _("问题类别：请选择。"))
            elif cat and not desc:
                self.add_error(f"problem_{i}_description", _("问题描述：请填写。"))
            elif cat and desc:
                problems.append({"category": cat, "description": desc, "severity": data.get(f"problem_{i}_severity") or Severity.LOW})
        data["problems"] = problems
        return data


class ProblemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[(ProblemStatus.IN_PROGRESS, ProblemStatus.IN_PROGRESS.label), (ProblemStatus.RESOLVED, ProblemStatus.RESOLVED.label)],
                               widget=forms.Select(attrs={"class": "form-select"}))
    resolution = _text(_("处理情况"), rows=3)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    scope = forms.ChoiceField(label=_("范围"), widget=forms.Select(attrs={"class": "form-select"}))
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(r.code, r.name) for r in regions]
