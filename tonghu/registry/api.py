"""Registry API: /api/v1/children/ (same scoping and audit as the pages)."""

from rest_framework import serializers

from tonghu.api.base import ScopedReadOnlyViewSet

from .models import Child
from .selectors import child_open


class ChildSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Child
        fields = ["id", "name", "sex", "birth_date", "village", "village_name", "status"]


class ChildViewSet(ScopedReadOnlyViewSet):
    """Children's files in the caller's region. Retrieving one is audited like opening the page."""

    model = Child
    capability = "registry.view_children"
    serializer_class = ChildSerializer
    filterset_fields = ["village", "status", "sex"]

    def get_queryset(self):
        return super().get_queryset().select_related("village")

    def get_object(self):
        return child_open(fetched_by=self.request.user, pk=self.kwargs["pk"])


def register(router) -> None:
    router.register("children", ChildViewSet, basename="child")
