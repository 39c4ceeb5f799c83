"""Visits API: /api/v1/tasks/ (the caller's tasks, filterable) and /api/v1/visits/ (list, create), with the same
scoping and audit as the pages."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError

from tonghu.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from tonghu.audit.services import audit_log
from tonghu.core.idempotency import IdempotentAPIMixin
from tonghu.core.filtersets import BaseFilterSet
from tonghu.registry.models import Child

from . import services
from .models import ProblemCategory, Schedule, Severity, Visit
from tonghu.core.texts import msg, render


class TaskSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(source="child.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    overdue_days = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()

    class Meta:
        model = Schedule
        fields = ["id", "child", "child_name", "village", "village_name", "kind", "interval_label", "escalated", "reason",
                  "last_done_on", "opens_on", "due_on", "state", "overdue_days"]

    def get_overdue_days(self, obj) -> int:
        return max(0, (timezone.localdate() - obj.due_on).days)

    def get_reason(self, obj) -> str:
        """Why visits are escalated, in the caller's language (stored language-neutral)."""
        return render(obj.reason)


class TaskFilter(BaseFilterSet):
    due = django_filters.ChoiceFilter(choices=[("overdue", "overdue"), ("week", "week")], method="filter_due",
                                      label="overdue: past due; week: overdue or due within 7 days")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Schedule
        fields = ["kind", "state", "escalated", "village", "child"]

    def filter_due(self, qs, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return qs.filter(due_on__lt=today)
        return qs.filter(due_on__lte=today + dt.timedelta(days=7))


class TaskViewSet(ScopedReadOnlyViewSet):
    """The caller's tasks (a director's village, a supervisor's township…), overdue first. Read from the stored
    schedule; filter with ``?due=overdue|week``, ``kind``, ``state``, ``escalated``, ``village``, ``child``."""

    model = Schedule
    capability = "visits.view"
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return super().get_queryset().select_related("child", "village").order_by("due_on", "kind", "child_id")


class ProblemInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    description = serializers.CharField(max_length=1000)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.LOW)


class VisitSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    problems = ProblemInSerializer(many=True, required=False, write_only=True)
    problems_found = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "child", "kind", "method", "contacted_person", "date", "late_entry", "recorded_at", "recorded_by",
                  "people_met", "living_conditions", "guardianship", "caregiver_performance", "schooling", "health",
                  "psychology", "near_water", "home_hazards", "measures", "notes", "harm_found", "harm_situation",
                  "harm_description", "immediate_danger", "report_status",
                  "problems", "problems_found"]
        read_only_fields = ["late_entry", "recorded_at", "recorded_by", "report_status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "child" in self.fields:
            self.fields["child"].queryset = Child.objects.visible_to(request.user, "visits.record")

    def get_problems_found(self, obj) -> list[dict]:
        return [{"id": p.id, "category": p.category, "description": p.description, "severity": p.severity, "status": p.status,
                 "due_on": p.due_on} for p in obj.problems.all()]


class VisitViewSet(IdempotentAPIMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits in the caller's region (list, retrieve) and recording one (create, through the same service as the
    page: back-dating limit, late-entry flag, problems, schedule update, audit)."""

    model = Visit
    capability = "visits.view"
    write_capability = "visits.record"
    serializer_class = VisitSerializer
    filterset_fields = ["child", "kind", "late_entry", "harm_found"]

    def get_queryset(self):
        return super().get_queryset().select_related("child").prefetch_related("problems").order_by("-date", "-id")

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_log(actor=request.user, action="view", object_type="visits.visit", object_id=str(kwargs["pk"]),
                  summary=msg("API 查看走访记录"))
        return response

    def perform_create(self, serializer):
        d = serializer.validated_data
        try:
            visit = services.visit_record(
                actor=self.request.user, child=d["child"], kind=d["kind"], date=d["date"], method=d.get("method", ""),
                contacted_person=d.get("contacted_person", ""), details={k: d.get(k) for k in services.VISIT_TEXT_FIELDS},
                near_water=d.get("near_water"), problems=d.get("problems") or [], harm_found=d.get("harm_found", False),
                harm_situation=d.get("harm_situation", ""), harm_description=d.get("harm_description", ""),
                immediate_danger=d.get("immediate_danger", False))
        except DjangoPermissionDenied:
            raise NotFound from None
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc
        serializer.instance = visit


def register(router) -> None:
    router.register("tasks", TaskViewSet, basename="task")
    router.register("visits", VisitViewSet, basename="visit")
