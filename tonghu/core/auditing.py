"""The audit trail as core sees it: one function, ``audit(**kwargs)``, that the audit app plugs in at start
(``tonghu.audit.apps``). Core's own writes (the region import, the view kit's exports) are audited through it
without core importing the app above it (the layers: docs/architecture.md). The arguments are those of
``tonghu.audit.services.audit_log``."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_sink: Callable | None = None


def plug(func: Callable) -> None:
    global _sink
    _sink = func


def audit(**kwargs):
    if _sink is None:
        raise ImproperlyConfigured("the audit app is not installed: nothing may be written without its audit entry")
    return _sink(**kwargs)
