"""The startup check of the view kit (issue 11 item 2): every routed view is scoped, or says why it is not.

A view passes when its class is a kit view (``kit_scoped``: ``KitListView``, ``KitObjectView``,
``ServiceFormView``, ``KitTemplateView`` with a ``scope_note``, the older ``ScopedListView``/``ScopedDetailView``,
the API's scoped viewsets) or carries ``unscoped_reason`` (``@unscoped("…")``). ``manage.py check`` — run by
``runserver``, ``tonghu serve`` and the test suite — reports any other as error ``tonghu.E010`` naming it.
"""

from __future__ import annotations

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver

# Views written before the kit and not converted yet (issue 11 item 2): none left. Add nothing here.
PENDING: set[str] = set()


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def view_of(callback):
    """The class (or function) behind a URL's callback, and its dotted name."""
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return target, f"{target.__module__}.{target.__qualname__}"


def verdict(callback) -> str | None:
    """None when the view is scoped or exempt with a reason; otherwise what is wrong."""
    target, name = view_of(callback)
    if getattr(callback, "unscoped_reason", "") or getattr(target, "unscoped_reason", ""):
        return None
    if str(getattr(target, "scope_note", "") or "").strip():
        return None  # the view says how it limits itself to the user's region (KitTemplateView, selector-based views)
    if getattr(target, "kit_scoped", False):
        if hasattr(target, "scope_note") and not str(getattr(target, "scope_note", "")).strip():
            return "a KitTemplateView must say in scope_note how it limits itself to the user's region"
        return None
    if name in PENDING:
        return None
    return "neither a view of the kit (tonghu.core.viewkit) nor marked @unscoped(reason)"


@checks.register(checks.Tags.security)
def check_views_scoped(app_configs=None, **kwargs):
    errors = []
    seen = set()
    for route, pattern in _patterns(get_resolver()):
        target, name = view_of(pattern.callback)
        if name in seen or not (name.startswith("tonghu.") or getattr(target, "kit_scoped", False)):
            continue
        seen.add(name)
        problem = verdict(pattern.callback)
        if problem:
            errors.append(checks.Error(f"{name} (/{route}): {problem}", id="tonghu.E010",
                                       hint="Subclass KitListView / KitObjectView / ServiceFormView / KitTemplateView, "
                                            "or decorate with tonghu.core.viewkit.unscoped('why').", obj=name))
    return errors


def pending_left() -> list[str]:
    return sorted(PENDING)
