"""Workforce API: /api/v1/directors/ (the ledger, ID numbers masked by the children's rule) and /api/v1/training/
(courses with their attendance in the caller's region). Read-only; writes go through the pages' services."""

from __future__ import annotations

from rest_framework import serializers

from tonghu.api.base import ScopedReadOnlyViewSet
from tonghu.audit.services import audit_log
from tonghu.core.filtersets import BaseFilterSet
from tonghu.registry import masking

from .models import Course, Person
from tonghu.core.texts import msg


class PersonSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    serving = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "kind", "name", "sex", "id_number", "phone", "region", "region_name", "user", "employment",
                  "other_duties", "appointed_on", "left_on", "leave_reason", "serving", "version"]

    def get_id_number(self, obj) -> str:
        return masking.show_id_number(self.context["request"].user, obj.id_number)


class PersonFilter(BaseFilterSet):
    class Meta:
        model = Person
        fields = ["kind", "region", "employment"]


class DirectorViewSet(ScopedReadOnlyViewSet):
    """Child directors and supervisors of the caller's region (R-J2); ``?kind=director|supervisor``, ``region``."""

    model = Person
    capability = "workforce.view"
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return super().get_queryset().select_related("region").order_by("region_id", "name", "id")

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_log(actor=request.user, action="view", obj=self.get_object(), summary=msg("接口查看台账人员"))
        return response


class CourseSerializer(serializers.ModelSerializer):
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = ["id", "region", "level", "title", "topic", "date", "hours", "organiser", "demonstration", "attendance"]

    def get_attendance(self, obj) -> list[dict]:
        user = self.context["request"].user
        rows = obj.attendances.filter(person__in=Person.objects.visible_to(user, "workforce.view")).select_related("person")
        return [{"person": a.person_id, "name": a.person.name, "certificate_no": a.certificate_no} for a in rows]


class CourseFilter(BaseFilterSet):
    class Meta:
        model = Course
        fields = ["level", "demonstration", "region"]


class TrainingViewSet(ScopedReadOnlyViewSet):
    """Training courses organised in the caller's region (R-J4), with attendance of the caller's people."""

    model = Course
    capability = "workforce.view"
    serializer_class = CourseSerializer
    filterset_class = CourseFilter

    def get_queryset(self):
        from .selectors import courses_visible

        return courses_visible(self.request.user, self.capability).order_by("-date", "-id")


def register(router) -> None:
    router.register("directors", DirectorViewSet, basename="director")
    router.register("training", TrainingViewSet, basename="training")
