"""Sections of the one-child file page (一人一档) contributed by other apps.

The registry renders its own sections (basic information, family, care, assistance, attachments, history) and then
every registered section, in order. Another app (visits, cases, policy, …) adds its part without touching the
registry's templates:

    from tonghu.registry.sections import file_section

    @file_section(order=50, title=_("走访记录"), template="visits/_file_section.html", capability="visits.view")
    def visits_section(request, child):
        return {"visits": child.visits.order_by("-date")[:20]}

The function returns the template's context (``child`` and ``request`` are added). A section whose capability the
user lacks is not shown. The printable file and the API may use ``sections_for(request, child)`` the same way.

The printable file (``registry.printing``) takes data it does not own the same way: an app registers a provider under
a key, ``@file_provider("quarter_visits")`` (visits: ``(child, year) -> four quarters``), and the registry asks
``provider_for(key)``; nothing registered means nothing printed there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tonghu.core.capabilities import has_capability


@dataclass(frozen=True)
class FileSection:
    order: int
    title: object
    template: str
    capability: str | None
    context: Callable
    key: str


_SECTIONS: list[FileSection] = []


def file_section(*, order: int, title, template: str, capability: str | None = None, key: str | None = None):
    def register(func):
        section_key = key or f"{func.__module__}.{func.__name__}"
        if any(s.key == section_key for s in _SECTIONS):
            return func
        _SECTIONS.append(FileSection(order, title, template, capability, func, section_key))
        _SECTIONS.sort(key=lambda s: (s.order, s.key))
        return func

    return register


def sections_for(request, child) -> list[tuple[FileSection, dict]]:
    shown = []
    for section in _SECTIONS:
        if section.capability and not has_capability(request.user, section.capability):
            continue
        context = dict(section.context(request, child) or {})
        context.setdefault("child", child)
        context.setdefault("request", request)
        shown.append((section, context))
    return shown


_PROVIDERS: dict[str, Callable] = {}


def file_provider(key: str):
    """Register the decorated function as the provider of ``key`` for the printable file (the registry never imports
    the apps above it; they plug in here, at start-up, from their ``sections`` module)."""

    def register(func):
        _PROVIDERS[key] = func
        return func

    return register


def provider_for(key: str) -> Callable | None:
    return _PROVIDERS.get(key)
