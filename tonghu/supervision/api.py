"""Figures API: /api/v1/figures/ (the caller's area and the units below) and /api/v1/figures/<code>/ (one area),
each indicator with its value and definition — the same definitions as the dashboards and exports (R-L1)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from tonghu.api.base import ScopedReadOnlyViewSet
from tonghu.core import indicators
from tonghu.core.models import Region

from . import selectors


class IndicatorValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="a count, or a rate in % (null when nothing is due)")
    unit = serializers.CharField(help_text="count or pct")
    definition = serializers.CharField()
    formula = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    seeds = serializers.ListField(child=serializers.CharField())


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)
    live = serializers.BooleanField(read_only=True, help_text="counted now (false: the daily provisional snapshot)")
    computed_at = serializers.DateTimeField(read_only=True)
    indicators = IndicatorValueSerializer(many=True, read_only=True)

    def to_representation(self, region):
        own, _units, info = selectors.current_counts(region, today=self.context.get("today") or timezone.localdate())
        return {
            "code": region.code, "name": region.name, "level": region.level, "live": info["live"],
            "computed_at": info["computed_at"].isoformat(),
            "indicators": [{"key": i.key, "label": str(i.label), "value": i.value(own), "unit": i.unit,
                            "definition": str(i.definition), "formula": str(i.formula), "sources": list(i.sources),
                            "seeds": list(i.seeds)} for i in indicators.catalogue()],
        }


class FigureViewSet(ScopedReadOnlyViewSet):
    """An area's current figures; the list is the caller's own area and the units one level below it."""

    model = Region
    capability = "supervision.view"
    serializer_class = FigureSerializer
    lookup_field = "code"

    def get_queryset(self):
        from tonghu.core.capabilities import has_capability

        if not has_capability(self.request.user, self.capability):
            return Region.objects.none()
        qs = Region.objects.visible_to(self.request.user, "core.view_regions")
        if self.action == "list":
            own = self.request.user.region_id
            return qs.filter(code=own) | qs.filter(parent_id=own)
        return qs


def register(router):
    router.register("figures", FigureViewSet, basename="figure")
