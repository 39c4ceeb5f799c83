"""The API's filter backend: FilterSets generated from ``filterset_fields`` get the same base as the declared ones."""

from django_filters.rest_framework import DjangoFilterBackend

from tonghu.core.filtersets import BaseFilterSet


class FilterBackend(DjangoFilterBackend):
    filterset_base = BaseFilterSet
