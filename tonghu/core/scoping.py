"""Region scoping: the one place that decides which rows a user may see.

Every model holding children's data (or anything tied to a place) uses ``ScopedQuerySet`` and names the
path to its region code in ``region_field``. ``Model.objects.visible_to(user, capability)`` returns nothing
unless the user's role holds the capability and the user has a region; otherwise it keeps the rows whose
region code starts with the user's significant prefix, written as the range
``prefix000… <= code <= prefix999…`` so that an ordinary B-tree index serves it on SQLite and PostgreSQL alike
(``LIKE 'prefix%'`` would need special operator classes). Views and API viewsets never query these models
without it (enforced by the generic views in ``tonghu.core.views`` and the API base in ``tonghu.api``).
"""

from __future__ import annotations

from django.db import models

from .capabilities import has_capability


def prefix_range(prefix: str) -> tuple[str, str]:
    """All 12-digit codes starting with ``prefix``: ('451027000000', '451027999999')."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def user_prefix(user) -> str | None:
    region = getattr(user, "region", None)
    if region is None:
        return None
    return region.prefix


class ScopedQuerySet(models.QuerySet):
    # the prefix ``visible_to`` restricted this queryset to (carried through clones), so that ``in_region`` does not
    # write the same range a second time: the planner would take the two for independent conditions and expect a
    # handful of rows where the county has thousands (issue 10, item 18)
    _scope_prefix: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_prefix = self._scope_prefix
        return clone

    def __or__(self, other):
        combined = super().__or__(other)
        if getattr(other, "_scope_prefix", None) != self._scope_prefix:
            combined._scope_prefix = None  # rows of the other side need not lie in this scope
        return combined

    def __xor__(self, other):
        combined = super().__xor__(other)
        if getattr(other, "_scope_prefix", None) != self._scope_prefix:
            combined._scope_prefix = None
        return combined

    def visible_to(self, user, capability: str):
        prefix = user_prefix(user) if getattr(user, "is_authenticated", False) else None
        if prefix is None or not has_capability(user, capability):
            return self.none()
        qs = self.filter(**{f"{self.model.region_field}__range": prefix_range(prefix)})
        qs._scope_prefix = prefix
        return qs

    def in_region(self, prefix: str):
        """The rows within the region of code prefix ``prefix`` (``region.prefix``). When the queryset is already
        scoped to that region or to one inside it, the scope's range is the answer and nothing is added."""
        if self._scope_prefix is not None and self._scope_prefix.startswith(prefix):
            return self
        return self.filter(**{f"{self.model.region_field}__range": prefix_range(prefix)})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def in_scope(user, region_code: str | None) -> bool:
    prefix = user_prefix(user)
    return bool(prefix is not None and region_code and region_code.startswith(prefix))
