"""Where each role lands after logging in: apps register ``(roles, url_name, capability)`` here and core's
``HomeView`` consults it, so that core never imports the apps above it (layers). A role without a registered
landing (or without the capability) keeps the home page of tiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .capabilities import has_capability


@dataclass(frozen=True)
class Landing:
    url_name: str
    capability: str | None


_LANDINGS: dict[str, Landing] = {}


def register(roles: Iterable[str], url_name: str, *, capability: str | None = None) -> None:
    for role in roles:
        _LANDINGS[str(role)] = Landing(url_name, capability)


def landing_for(user) -> str | None:
    """The URL name the user lands on, or None for the home page."""
    entry = _LANDINGS.get(str(getattr(user, "role", "")))
    if entry is None:
        return None
    if entry.capability is not None and not has_capability(user, entry.capability):
        return None
    return entry.url_name
