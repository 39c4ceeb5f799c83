"""The access policy: who may do what, declared as data, enforced in one place.

Policy (written out with the full table in docs/permissions.md, generated from this module):

* **Deny by default.** A user may do something only if their role is granted the capability for it, AND the
  object lies inside the user's region (prefix of the region code). A user without a region sees nothing.
* **One role and one region per user.** The role says *what* (capabilities); the region says *where*.
* **Out of scope is 404.** Views fetch objects only through ``Model.objects.visible_to(user, capability)``
  (``tonghu.core.scoping``); an object outside it does not exist as far as the caller can tell.

Every app declares, in its own ``access.py`` (autodiscovered at start-up):

* ``grant(capability, roles, description)``: the capability and the roles holding it;
* ``nav(...)``: the navigation entries, each behind a capability;
* ``endpoint(...)``: every URL it serves, with the capability it needs and how to make an in-scope object; the
  permission-matrix test (``tonghu/core/tests/test_permission_matrix.py``) walks the URL conf and fails for any
  URL not declared here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role

_GRANTS: dict[str, set[str]] = {}
_DESCRIPTIONS: dict[str, Any] = {}
_NAV: list["NavItem"] = []
_ENDPOINTS: dict[str, "Endpoint"] = {}


def grant(capability: str, roles: Iterable[str], description: str | Promise) -> None:
    """Declare a capability and the roles that hold it (declared once, by the app that owns it)."""
    if capability in _GRANTS:
        raise ValueError(f"capability {capability!r} declared twice")
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles {unknown} for {capability}")
    _GRANTS[capability] = roles
    _DESCRIPTIONS[capability] = description


def has_capability(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if capability not in _GRANTS:
        raise KeyError(f"undeclared capability {capability!r}")
    return user.role in _GRANTS[capability]


def capabilities() -> dict[str, tuple[set[str], Any]]:
    return {c: (_GRANTS[c], _DESCRIPTIONS[c]) for c in sorted(_GRANTS)}


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    capability: str
    group: Any = ""
    order: int = 100
    icon: str = ""
    roles: frozenset | None = None
    show: Callable[[Any], bool] | None = None

    def shown_to(self, user) -> bool:
        if not has_capability(user, self.capability):
            return False
        if self.roles is not None and user.role not in self.roles:
            return False
        return self.show is None or bool(self.show(user))


def nav(label, url_name: str, capability: str, *, group="", order: int = 100, icon: str = "",
        roles: Iterable[str] | None = None, show: Callable[[Any], bool] | None = None) -> None:
    """A menu entry behind ``capability``. The menu shows what a role *uses*, which can be less than what it may
    open: ``roles`` narrows the entry to some of the capability's roles, ``show(user)`` to users for whom the
    page has something (e.g. a reporter on no case team has no 个案). Access itself is unchanged."""
    if roles is not None:
        roles = frozenset(roles)
        unknown = roles - set(Role.values)
        if unknown:
            raise ValueError(f"unknown roles {unknown} for menu entry {url_name}")
    _NAV.append(NavItem(label, url_name, capability, group, order, icon, roles, show))


def nav_for(user) -> list[NavItem]:
    return sorted((n for n in _NAV if n.shown_to(user)), key=lambda n: (n.order, str(n.label)))


# Menu groups: entries with a group are shown together in one drop-down (a lone entry stays a plain link).
NAV_GROUPS = {
    "files": _("儿童档案"),
    "visits": _("走访"),
    "workforce": _("队伍建设"),
    "cases": _("报告与个案"),
    "assistance": _("保障"),
    "system": _("系统"),
}


def nav_menu(user, items: list[NavItem] | None = None) -> list[tuple[object, list[NavItem]]]:
    """The navigation as (label, items) in order of each group's first entry; ungrouped entries stand alone.
    ``items``: the user's entries when already computed (``show`` predicates may query the database)."""
    menu: list[tuple[object, list[NavItem]]] = []
    index: dict[str, int] = {}
    for item in nav_for(user) if items is None else items:
        if not item.group:
            menu.append((item.label, [item]))
        elif item.group in index:
            menu[index[item.group]][1].append(item)
        else:
            index[item.group] = len(menu)
            menu.append((NAV_GROUPS.get(item.group, item.group), [item]))
    return menu


@dataclass(frozen=True)
class Endpoint:
    """One URL (page or API) and its access rule, for the permission matrix.

    ``capability``: what the caller needs (``None`` only for pages anyone logged in may open, such as the home
    page or password change). ``make_object(region, world)``: creates an object located in ``region`` and
    returns the URL kwargs to reach it; ``None`` for URLs without an object (lists, forms). For list URLs,
    ``list_marker(obj_kwargs)`` may return a text that must appear in the response for in-scope objects and
    must not appear for out-of-scope ones. ``methods``: what the matrix exercises (GET by default).
    """

    url_name: str
    capability: str | None
    make_object: Callable[..., dict] | None = None
    list_marker: Callable[..., str] | None = None
    methods: tuple[str, ...] = ("GET",)
    post_data: Callable[..., dict] | None = None
    extra: dict = field(default_factory=dict)


def endpoint(url_name: str, capability: str | None, **kwargs) -> None:
    if url_name in _ENDPOINTS:
        raise ValueError(f"endpoint {url_name} declared twice")
    _ENDPOINTS[url_name] = Endpoint(url_name, capability, **kwargs)


def endpoints() -> dict[str, Endpoint]:
    return dict(_ENDPOINTS)


# URL names every visitor may reach without logging in (login form, language switch, static assets).
PUBLIC_URL_NAMES = {"login", "set_language", "javascript-catalog", "healthz", "api-token", "favicon"}

SUBTREE = _("本辖区")
