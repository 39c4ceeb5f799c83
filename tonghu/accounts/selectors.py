"""Who is responsible for a place: the one way to find a village's child director, a township's supervisor, the county
officers, the reporters of a department (issue 11 item 2). Nothing else slices region codes to find people.

A user placed at a region has every region under it in scope (``tonghu.core.scoping``), so the people responsible
for a region are the active users placed at it or at one of the regions above it; ``roles`` narrows them to the
role asked for. Roles are bound to levels (``tonghu.core.roles.ROLE_LEVELS``): a supervisor sits at a township, so
``responsible_users(village, Role.SUPERVISOR)`` is that village's township supervisor and never the neighbouring
township's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tonghu.core.regions import LEVEL_DIGITS, level_of
from tonghu.core.scoping import prefix_range

from .models import User


def covering_codes(region_code: str) -> list[str]:
    """The region and every region above it, as 12-digit codes from the province down: the places where a user must
    sit to have ``region_code`` in scope (``533401001001`` → 530000…, 533400…, 533401…, 533401001000, itself)."""
    return sorted({covering_region(region_code, level) for level in LEVEL_DIGITS})


def covering_region(region_code: str, level: str) -> str:
    """The code of the region at ``level`` that contains ``region_code``: a village's township
    (``covering_region("533401001001", "township") == "533401001000"``), its county (``…"county"`` → 533401000000)."""
    return region_code[: LEVEL_DIGITS[level]].ljust(12, "0")


def _role_list(roles: str | Iterable[str]) -> list[str]:
    return [roles] if isinstance(roles, str) else list(roles)


def responsible_users(region_code: str, roles: str | Iterable[str], *, departments: Iterable[str] | None = None) -> QuerySet[User]:
    """Active users in ``roles`` (one role or several) whose scope covers ``region_code`` — placed at it or above it —
    optionally only of ``departments``; ordered by id."""
    qs = User.objects.filter(is_active=True, region_id__in=covering_codes(region_code), role__in=_role_list(roles))
    if departments is not None:
        qs = qs.filter(department__in=list(departments))
    return qs.order_by("id")


def users_within(region, roles: str | Iterable[str]) -> QuerySet[User]:
    """Active users in ``roles`` placed at ``region`` (a Region, or a code whose level its zero padding tells) or
    anywhere under it (the directors of a township's villages); ordered by id."""
    prefix = region.prefix if hasattr(region, "prefix") else region[: LEVEL_DIGITS[level_of(region)]]
    return User.objects.filter(is_active=True, region__code__range=prefix_range(prefix), role__in=_role_list(roles)).order_by("id")
