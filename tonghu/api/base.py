"""Base viewsets: the queryset always comes from ``visible_to`` (out of scope -> 404), and an object URL whose id
cannot be an id of the model answers 404 before any custom ``get_object`` sees it."""

from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

# The range of a 64-bit signed integer column (SQLite INTEGER, PostgreSQL bigint).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def valid_lookup(model, value) -> bool:
    """Whether ``value`` (from a URL) can be the primary key of ``model``: ``abc`` cannot be an integer id, and
    ``99999999999999999999`` does not fit the column (SQLite raises OverflowError on it)."""
    field = model._meta.pk
    try:
        python = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(field, (models.IntegerField, models.AutoField)) and not INT64_MIN <= python <= INT64_MAX:
        return False
    return True


class LookupGuardMixin:
    """Every API viewset: refuse an impossible object id with 404 (issue 10 §8: ``/api/v1/children/abc/`` was a 500
    because the custom ``get_object`` passed it straight to the database). ``model`` or the queryset's model
    decides what a valid id is."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup in self.kwargs:
            model = getattr(self, "model", None) or self.get_queryset().model
            if not valid_lookup(model, self.kwargs[lookup]):
                raise NotFound


class ScopedViewSetMixin(LookupGuardMixin):
    capability: str = ""
    model = None
    kit_scoped = True  # the view check (tonghu.core.checks): rows come from visible_to

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.capability)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
