"""Pages of the workforce app: the ledger of child directors and supervisors (R-J2), coverage (R-J1), training
(R-J4), handovers and background checks (R-F7). Every page is a view-kit page."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.core.capabilities import has_capability
from tonghu.core.filtersets import BaseFilterSet
from tonghu.core.models import Region
from tonghu.core.viewkit import KitListView, KitObjectView, KitTemplateView, ServiceFormView, Table, tables
from tonghu.registry import masking

from . import forms, selectors, services
from .models import Course, Employment, Person, PersonKind

VIEW, MANAGE, TRAINING, CHECKS = "workforce.view", "workforce.manage", "workforce.training", "workforce.checks"


def _region_in_scope(user, code: str | None) -> Region:
    """The region a figures page is about: ``code`` if the user may see it (404 otherwise), else the user's own."""
    if not user.region_id:
        raise Http404
    try:
        return Region.objects.visible_to(user, "core.view_regions").get(code=code or user.region_id)
    except Region.DoesNotExist:
        raise Http404 from None


# ------------------------------------------------------------------------------------------------ the ledger


class PersonFilter(BaseFilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("姓名"), method="filter_name")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("人员类别"), choices=PersonKind.choices)
    employment = django_filters.ChoiceFilter(label=gettext_lazy("专职或兼职"), choices=Employment.choices)
    serving = django_filters.ChoiceFilter(label=gettext_lazy("在任情况"), method="filter_serving",
                                          choices=[("yes", gettext_lazy("在任")), ("no", gettext_lazy("已离任"))])
    region = django_filters.CharFilter(label=gettext_lazy("区划代码"), method="filter_region")

    class Meta:
        model = Person
        fields = ["q", "kind", "employment", "serving", "region"]

    def filter_name(self, qs, name, value):
        return qs.filter(name__contains=value.strip())

    def filter_serving(self, qs, name, value):
        current = selectors.serving(qs)
        return current if value == "yes" else qs.exclude(pk__in=current.values("pk"))

    def filter_region(self, qs, name, value):
        from tonghu.core.scoping import prefix_range

        code = value.strip()
        if not code.isdigit() or len(code) != 12:
            return qs.none()
        region = Region.objects.filter(code=code).first()
        return qs.filter(region__code__range=prefix_range(region.prefix)) if region else qs.none()


class PersonTable(Table):
    name = tables.Column(verbose_name=gettext_lazy("姓名"), linkify=True, attrs={"td": {"lang": "zh"}})
    kind = tables.Column(verbose_name=gettext_lazy("人员类别"))
    region = tables.Column(verbose_name=gettext_lazy("服务区域"), accessor="region__name", order_by=("region_id",), attrs={"td": {"lang": "zh"}})
    township = tables.Column(verbose_name=gettext_lazy("乡镇（街道）"), accessor="region__parent__name", orderable=False, attrs={"td": {"lang": "zh"}})
    id_number = tables.Column(verbose_name=gettext_lazy("公民身份号码"), orderable=False)
    phone = tables.Column(verbose_name=gettext_lazy("联系电话"), orderable=False)
    employment = tables.Column(verbose_name=gettext_lazy("专职或兼职"))
    other_duties = tables.Column(verbose_name=gettext_lazy("兼任其他职务"), orderable=False, attrs={"td": {"lang": "zh"}})
    appointed_on = tables.DateColumn(verbose_name=gettext_lazy("任职日期"), format="Y-m-d")
    left_on = tables.DateColumn(verbose_name=gettext_lazy("离任日期"), format="Y-m-d")

    class Meta(Table.Meta):
        model = Person
        fields = ("name", "kind", "region", "township", "id_number", "phone", "employment", "other_duties", "appointed_on", "left_on")
        sequence = fields

    def render_id_number(self, value, record):
        return masking.show_id_number(self.request.user, value) if getattr(self, "request", None) else "-"

    def value_id_number(self, value, record):
        return self.render_id_number(value, record)

    def render_township(self, value, record):
        return value if record.region.level == "village" else ""


class PersonListView(KitListView):
    """The real-name ledger (信息台账, R-J2) of the user's region, exportable."""

    model = Person
    capability = VIEW
    filterset_class = PersonFilter
    table_class = PersonTable
    title = gettext_lazy("儿童主任和儿童督导员台账")
    export_name = "workforce_people"
    template_name = "workforce/person_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "region__parent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"can_manage": has_capability(self.request.user, MANAGE)}


class PersonDetailView(KitObjectView):
    model = Person
    capability = VIEW
    selector = staticmethod(selectors.person_open)
    template_name = "workforce/person_detail.html"

    def get_title(self):
        return self.object.name

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, p = self.request.user, self.object
        ctx.update({
            "person": p,
            "id_number": masking.show_id_number(user, p.id_number),
            "trainings": selectors.person_training(p),
            "handovers": selectors.handovers(user=user, person=p),
            "can_manage": has_capability(user, MANAGE),
            "can_check": has_capability(user, CHECKS),
            "checks": selectors.checks_of(user=user, person=p) if has_capability(user, CHECKS) else None,
        })
        return ctx


class PersonCreateView(ServiceFormView):
    template_name = "workforce/form.html"
    capability = MANAGE
    form_class = forms.PersonForm
    create_once = True
    title = gettext_lazy("登记儿童主任（督导员）")
    success_message = gettext_lazy("已登记。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        return {"appointed_on": timezone.localdate(), "region": self.request.GET.get("region")}

    def perform(self, form, target):
        return services.person_create(actor=self.request.user, data=form.cleaned_data)


class PersonEditView(ServiceFormView):
    template_name = "workforce/form.html"
    capability = MANAGE
    form_class = forms.PersonForm
    target_selector = staticmethod(selectors.person_for_edit)

    def get_title(self):
        return _("修改台账信息")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form, target):
        return services.person_update(actor=self.request.user, person=target, data=form.cleaned_data,
                                      expected_version=form.cleaned_data.get("version"))


class PersonLeaveView(ServiceFormView):
    template_name = "workforce/form.html"
    capability = MANAGE
    form_class = forms.LeaveForm
    target_selector = staticmethod(selectors.person_for_edit)
    success_message = gettext_lazy("已登记离任。")

    def get_title(self):
        return _("登记离任")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "target": self.target}

    def perform(self, form, target):
        return services.person_leave(actor=self.request.user, person=target, on=form.cleaned_data["left_on"],
                                     reason=form.cleaned_data["reason"])


class HandoverView(ServiceFormView):
    """Replace a director: files, problems and cases move to the successor the same day (R-J2)."""

    capability = MANAGE
    form_class = forms.HandoverForm
    target_selector = staticmethod(selectors.person_for_edit)
    template_name = "workforce/handover_form.html"

    def get_title(self):
        return _("儿童主任交接")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "target": self.target}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["files"] = services._directed_children(self.target).filter(status="active").count()
        return ctx

    def perform(self, form, target):
        d = form.cleaned_data
        return services.director_handover(actor=self.request.user, predecessor=target, successor=d["successor"], on=d["on"],
                                          reason=d["reason"], deactivate_account=d.get("deactivate_account", False))

    def get_success_message(self, result):
        return _("交接完成：%(n)d 份儿童档案、%(p)d 个未办结问题、%(c)d 个个案已移交给%(name)s。") % {
            "n": result.children_moved, "p": result.problems_moved, "c": result.cases_moved, "name": result.successor.name}

    def get_success_url(self, result=None):
        return result.successor.get_absolute_url()


def _person_for_check(*, user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Person.objects.visible_to(user, CHECKS), pk=pk)


class CheckCreateView(ServiceFormView):
    """Record a background check (入职查询, R-F7); county managers only."""

    template_name = "workforce/form.html"
    capability = CHECKS
    form_class = forms.CheckForm
    target_selector = staticmethod(_person_for_check)
    create_once = True
    success_message = gettext_lazy("已登记入职查询。")

    def get_title(self):
        return _("登记入职查询")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "target": self.target}

    def perform(self, form, target):
        return services.check_record(actor=self.request.user, person=target, data=form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("workforce_person", kwargs={"pk": (result.person_id if result is not None else self.target.pk)})


# ------------------------------------------------------------------------------------------------ coverage


class CoverageView(KitTemplateView):
    """R-J1: villages without a director, villages over the threshold without a second, vacancies per sub-region,
    with drill-down (county → townships → villages)."""

    capability = VIEW
    scope_note = "the region is fetched with Region.objects.visible_to (404 outside); figures cover its subtree only"
    template_name = "workforce/coverage.html"
    title = gettext_lazy("儿童主任配备情况")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = _region_in_scope(self.request.user, self.kwargs.get("code") or self.request.GET.get("region"))
        rows = selectors.village_coverage(region)
        show = self.request.GET.get("show", "")
        villages = [v for v in rows if (show == "vacant" and v.vacant) or (show == "second" and v.needs_second) or show == "all"
                    or (not show and (v.vacant or v.needs_second or region.level in ("township", "village")))]
        ctx.update({
            "region": region, "ancestors": [a for a in region.ancestors() if a.code.startswith(self.request.user.region.prefix)],
            "units": selectors.coverage_by_unit(region, rows=rows) if region.level != "village" else [],
            "villages": villages, "show": show,
            "total_villages": len(rows), "vacant": sum(1 for v in rows if v.vacant), "needs_second": sum(1 for v in rows if v.needs_second),
            "directors": sum(v.director_count for v in rows), "threshold": rows[0].threshold if rows else None,
        })
        return ctx


class CoverageRegionView(CoverageView):
    """The same page for one region of the user's (drill-down): 404 without the capability, as object pages are."""

    deny_with_404 = True


# ------------------------------------------------------------------------------------------------ training


class CourseFilter(BaseFilterSet):
    level = django_filters.ChoiceFilter(label=gettext_lazy("培训层级"), choices=Course._meta.get_field("level").choices)
    demonstration = django_filters.BooleanFilter(label=gettext_lazy("示范培训"))
    year = django_filters.NumberFilter(label=gettext_lazy("年度"), field_name="date__year")

    class Meta:
        model = Course
        fields = ["level", "demonstration", "year"]


class CourseTable(Table):
    title = tables.Column(verbose_name=gettext_lazy("培训名称"), linkify=True, attrs={"td": {"lang": "zh"}})
    level = tables.Column(verbose_name=gettext_lazy("培训层级"))
    date = tables.DateColumn(verbose_name=gettext_lazy("培训日期"), format="Y-m-d")
    hours = tables.Column(verbose_name=gettext_lazy("学时"))
    organiser = tables.Column(verbose_name=gettext_lazy("组织单位"), attrs={"td": {"lang": "zh"}})
    demonstration = tables.BooleanColumn(verbose_name=gettext_lazy("示范培训"))
    topic = tables.Column(verbose_name=gettext_lazy("培训内容"), orderable=False, attrs={"td": {"lang": "zh"}})

    class Meta(Table.Meta):
        model = Course
        fields = ("title", "level", "date", "hours", "organiser", "demonstration", "topic")
        sequence = fields


class CourseListView(KitListView):
    """Training courses of the user's region, and the courses its people attended elsewhere (R-J4)."""

    model = Course
    capability = VIEW
    filterset_class = CourseFilter
    table_class = CourseTable
    title = gettext_lazy("培训记录")
    export_name = "workforce_courses"
    template_name = "workforce/course_list.html"

    def get_queryset(self):
        qs = selectors.courses_visible(self.request.user, self.capability).select_related("region")
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            return self.filterset.qs
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"can_record": has_capability(self.request.user, TRAINING)}


class CourseDetailView(KitObjectView):
    model = Course
    capability = VIEW
    selector = staticmethod(selectors.course_open)
    template_name = "workforce/course_detail.html"

    def get_title(self):
        return self.object.title

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        people = Person.objects.visible_to(user, VIEW)
        ctx["attendances"] = self.object.attendances.filter(person__in=people).select_related("person", "person__region")
        ctx["can_record"] = has_capability(user, TRAINING)
        ctx["can_edit"] = has_capability(user, TRAINING) and Course.objects.visible_to(user, TRAINING).filter(pk=self.object.pk).exists()
        return ctx


class CourseCreateView(ServiceFormView):
    template_name = "workforce/form.html"
    capability = TRAINING
    form_class = forms.CourseForm
    create_once = True
    title = gettext_lazy("登记培训")
    success_message = gettext_lazy("已登记培训，请登记参训人员。")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        return {"region": self.request.user.region_id, "date": timezone.localdate()}

    def perform(self, form, target):
        return services.course_create(actor=self.request.user, data=form.cleaned_data)


def _course_for_edit(*, user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Course.objects.visible_to(user, TRAINING), pk=pk)


class CourseEditView(ServiceFormView):
    template_name = "workforce/form.html"
    capability = TRAINING
    form_class = forms.CourseForm
    target_selector = staticmethod(_course_for_edit)

    def get_title(self):
        return _("修改培训")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form, target):
        return services.course_update(actor=self.request.user, course=target, data=form.cleaned_data,
                                      expected_version=form.cleaned_data.get("version"))


def _course_for_attendance(*, user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(selectors.courses_visible(user, TRAINING), pk=pk)


class AttendanceView(ServiceFormView):
    """Record who attended a course (the people of the user's region) and their certificate numbers."""

    template_name = "workforce/form.html"
    capability = TRAINING
    form_class = forms.AttendanceForm
    target_selector = staticmethod(_course_for_attendance)
    success_message = gettext_lazy("已登记参训人员。")

    def get_title(self):
        return _("登记参训人员")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "target": self.target}

    def perform(self, form, target):
        services.attendance_record(actor=self.request.user, course=target, people=form.cleaned_data["people"],
                                   certificates=form.cleaned_data.get("certificate_map"))
        return target


class TrainingView(KitTemplateView):
    """R-J4: yearly training coverage per sub-region, who is untrained this year, demonstration trainings."""

    capability = VIEW
    scope_note = "the region is fetched with Region.objects.visible_to (404 outside); figures cover its subtree only"
    template_name = "workforce/training.html"
    title = gettext_lazy("培训覆盖情况")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = _region_in_scope(self.request.user, self.request.GET.get("region"))
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year") or today.year)
            dt.date(year, 1, 1)
        except (TypeError, ValueError, OverflowError):
            year = today.year
        year = min(max(year, 2000), today.year)
        untrained = selectors.untrained(region, year)
        ctx.update({
            "region": region, "year": year, "years": list(range(today.year, today.year - 5, -1)),
            "coverage": selectors.training_coverage(region, year),
            "units": selectors.training_by_unit(region, year) if region.level != "village" else [],
            "untrained": untrained[:300], "untrained_count": untrained.count(),
            "demonstrations": selectors.demonstration_counts(region, year),
            "rule": selectors.rules.setting_for(region.code, "training_every_year"),
        })
        return ctx

