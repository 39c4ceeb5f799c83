"""The import layers of tonghu, in one place (issue 11; checked by ``tonghu/core/tests/test_layers.py``).

An app may import its own tier and the tiers below it, never a tier above — neither at module level nor inside a
function. What a lower app needs from a higher one comes through a mechanism the lower app owns: the facts-changed
event (``tonghu.core.events``), the file page's sections and print providers (``tonghu.registry.sections``), the
capability declarations (``access.py``, autodiscovered by core), the registry list's category filter
(``tonghu.registry.filters.register_category_filter``), the job handlers (``tonghu.core.jobs``).

Apps inside one tier may import each other in one direction only (no cycles; visits uses cases' intake, cases does
not import visits). Apps not yet written (discovery, services, workforce, exchange, supervision, sync) have their
place already; a new app must be added here before its first import is accepted.
"""

from __future__ import annotations

# Lowest first.
TIERS: list[tuple[str, ...]] = [
    ("core", "formats"),  # regions, scoping, capabilities, roles, jobs, events, idempotency, crypto; format modules
    ("accounts", "audit"),  # users and sessions; the audit trail (on the user model)
    ("registry",),  # the children's files (一人一档), the ledger
    ("policy",),  # profiles, classification, entitlement gaps
    ("visits", "cases", "discovery", "services", "workforce", "exchange"),  # the domain apps
    ("supervision",),  # figures and oversight across the domain apps
    ("api", "sync"),  # the REST API and offline sync over everything
]

# A module of this name inside any app is that app's plug-in into a higher tier and sits there: ``registry/api.py``
# holds the registry's viewsets on ``tonghu.api.base`` and is imported only by ``tonghu.api.urls``.
PLUGIN_MODULES: dict[str, str] = {"api": "api"}

# Project modules above every app (they wire the apps together): settings, urls, wsgi, the ``tonghu`` command.
PROJECT_MODULES = ("tonghu", "tonghu.settings", "tonghu.urls", "tonghu.wsgi", "tonghu.cli", "tonghu.layers")

TIER_OF_APP: dict[str, int] = {app: level for level, apps in enumerate(TIERS) for app in apps}
TOP = len(TIERS)


def app_of(module: str) -> str | None:
    """``tonghu.registry.services.children`` → ``registry``; None outside the tonghu apps."""
    parts = module.split(".")
    if parts[0] != "tonghu" or len(parts) < 2:
        return None
    return parts[1]


def tier_of(module: str) -> int | None:
    """The tier of a dotted module name (``TOP`` for the project modules, None outside tonghu or for an app that is
    not placed yet)."""
    if module in PROJECT_MODULES:
        return TOP
    app = app_of(module)
    if app is None:
        return None
    parts = module.split(".")
    if len(parts) >= 3 and parts[2] in PLUGIN_MODULES and app in TIER_OF_APP:
        return TIER_OF_APP[PLUGIN_MODULES[parts[2]]]
    return TIER_OF_APP.get(app)


def tier_name(level: int) -> str:
    return "project" if level == TOP else "/".join(TIERS[level])
