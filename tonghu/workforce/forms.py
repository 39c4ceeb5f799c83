"""Forms of the workforce pages. Validation lives in services.py, so the pages and the API apply the same rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.models import Region
from tonghu.core.versioning import VersionedFormMixin
from tonghu.registry.forms import BootstrapMixin

from . import selectors, services
from .models import BackgroundCheck, Course, Person, PersonKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _regions(user, levels):
    if not getattr(user, "region_id", None):
        return Region.objects.none()
    return Region.objects.visible_to(user, "core.view_regions").filter(level__in=levels, active=True).order_by("code")


class PersonForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = services.PERSON_FIELDS
        widgets = {"appointed_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user, ["village", "township", "county"])
        self.fields["region"].label_from_instance = lambda r: r.path_display()
        from tonghu.accounts.models import User

        accounts = User.objects.visible_to(user, "workforce.view").filter(role__in=[Role.CHILD_DIRECTOR, Role.SUPERVISOR], is_active=True) if user and user.region_id else User.objects.none()
        self.fields["user"].queryset = accounts.order_by("username")
        self.fields["user"].required = False
        self.fields["user"].label_from_instance = lambda u: f"{u.username}（{u.full_name}）"
        for name in ("region", "user"):
            self.fields[name].widget.attrs["lang"] = "zh"  # names of places and people (the English crawl)
        self.fields["id_number"].required = False
        self.fields["id_number"].help_text = _("18 位公民身份号码（GB 11643），加密保存")
        self._style()
        self._version_field()


class LeaveForm(BootstrapMixin, forms.Form):
    left_on = forms.DateField(label=_("离任日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("离任原因"), max_length=200)

    def __init__(self, *args, user=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class HandoverForm(BootstrapMixin, forms.Form):
    successor = forms.ModelChoiceField(label=_("接任儿童主任"), queryset=Person.objects.none(),
                                       help_text=_("须先在台账中登记，并开通本村（社区）儿童主任账号"))
    on = forms.DateField(label=_("交接日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("交接原因"), max_length=200)
    deactivate_account = forms.BooleanField(label=_("同时停用原儿童主任的系统账号"), required=False, initial=True)

    def __init__(self, *args, user=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        if target is not None:
            qs = selectors.serving(Person.objects.visible_to(user, selectors.MANAGE).filter(kind=PersonKind.DIRECTOR, region_id=target.region_id))
            self.fields["successor"].queryset = qs.exclude(pk=target.pk).order_by("name")
        self.fields["successor"].widget.attrs["lang"] = "zh"
        self._style()


class CourseForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = [f for f in services.COURSE_FIELDS if f != "level"]
        widgets = {"date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user, ["province", "city", "county", "township"])
        self.fields["region"].label_from_instance = lambda r: r.path_display()
        self.fields["region"].widget.attrs["lang"] = "zh"
        self._style()
        self._version_field()


class AttendanceForm(BootstrapMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(label=_("参训人员"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple)
    certificates = forms.CharField(label=_("结业证书编号"), required=False, widget=forms.Textarea,
                                   help_text=_("每行一人：姓名 证书编号（可留空）"))

    def __init__(self, *args, user=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Person.objects.visible_to(user, "workforce.training").filter(kind__in=[PersonKind.DIRECTOR, PersonKind.SUPERVISOR])
        if target is not None:
            qs = qs.filter(appointed_on__lte=target.date).filter(Q(left_on__isnull=True) | Q(left_on__gt=target.date)).exclude(attendances__course=target)
        self.fields["people"].queryset = qs.select_related("region").order_by("region_id", "name")
        self.fields["people"].label_from_instance = lambda p: format_html('<span lang="zh">{} · {}</span> · {}', p.name, p.region.name, p.get_kind_display())
        self._style()

    def clean(self):
        data = super().clean()
        by_name = {p.name: p.pk for p in data.get("people") or []}
        certs: dict[int, str] = {}
        for n, line in enumerate((data.get("certificates") or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or parts[0] not in by_name:
                self.add_error("certificates", _("第 %(n)d 行“%(line)s”：应为已勾选人员的“姓名 证书编号”") % {"n": n, "line": line.strip()})
                continue
            certs[by_name[parts[0]]] = parts[1]
        data["certificate_map"] = certs
        return data


class CheckForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = BackgroundCheck
        fields = services.CHECK_FIELDS
        widgets = {"checked_on": DATE, "next_due": DATE}

    def __init__(self, *args, user=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
