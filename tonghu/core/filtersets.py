"""The base of every FilterSet (pages, API, exports share them): a number filter on an integer column refuses a
number the column cannot hold, with a message, instead of sending it to the database (issue 10 §8: a huge
``?household=`` was a 500 on SQLite, "Python int too large to convert to SQLite INTEGER")."""

from __future__ import annotations

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _integer_column(model, field_name: str) -> bool:
    path = field_name.split("__")
    try:
        for part in path[:-1]:
            model = model._meta.get_field(part).related_model
        field = model._meta.get_field(path[-1])
    except (FieldDoesNotExist, AttributeError):
        return False
    if field.is_relation and field.target_field is not None:
        field = field.target_field
    return isinstance(field, (models.IntegerField, models.AutoField))


class BaseFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for f in self.filters.values():
            if isinstance(f, django_filters.NumberFilter) and model is not None and _integer_column(model, f.field_name):
                f.extra.update(min_value=INT64_MIN, max_value=INT64_MAX, decimal_places=0, error_messages={
                    "min_value": _("“%(label)s”应为有效的编号（整数）。") % {"label": f.label or f.field_name},
                    "max_value": _("“%(label)s”应为有效的编号（整数）。") % {"label": f.label or f.field_name},
                    "max_decimal_places": _("“%(label)s”应为有效的编号（整数）。") % {"label": f.label or f.field_name},
                    "invalid": _("“%(label)s”应为有效的编号（整数）。") % {"label": f.label or f.field_name},
                })
