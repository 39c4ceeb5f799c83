"""The capability mechanism itself (docs/permissions.md rules 1, 2, 6; issue 20 item 1): a capability is held by
roles, never by a user who is inactive or not logged in; a declaration mistake is an error at start-up, not a silent
grant; the menu shows exactly what the role may open."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tonghu.accounts.roles import Role
from tonghu.core import capabilities as caps


@pytest.fixture
def clean_registry(monkeypatch):
    """Declarations made by a test vanish afterwards."""
    monkeypatch.setattr(caps, "_GRANTS", dict(caps._GRANTS))
    monkeypatch.setattr(caps, "_DESCRIPTIONS", dict(caps._DESCRIPTIONS))
    monkeypatch.setattr(caps, "_NAV", [])
    monkeypatch.setattr(caps, "_ENDPOINTS", dict(caps._ENDPOINTS))


@pytest.mark.django_db
def test_a_capability_follows_the_role_and_nothing_else(world, make_user):
    officer = make_user(Role.COUNTY_OFFICER, "451027000000")
    director = make_user(Role.CHILD_DIRECTOR, "451027001200")
    sysadmin = make_user(Role.SYSADMIN, "451027000000")
    assert caps.has_capability(officer, "registry.view_sensitive") is True
    assert caps.has_capability(director, "registry.view_sensitive") is False
    assert caps.has_capability(director, "registry.view_id_numbers") is True
    assert caps.has_capability(sysadmin, "registry.view_children") is False  # rule 6
    assert caps.has_capability(sysadmin, "accounts.manage_users") is True


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_holds_no_capability(world, make_user):
    inactive = make_user(Role.COUNTY_OFFICER, "451027000000", is_active=False)
    assert caps.has_capability(inactive, "registry.view_children") is False
    assert caps.has_capability(AnonymousUser(), "registry.view_children") is False
    assert caps.has_capability(None, "registry.view_children") is False


@pytest.mark.django_db
def test_asking_for_an_undeclared_capability_is_an_error(world, make_user):
    officer = make_user(Role.COUNTY_OFFICER, "451027000000")
    with pytest.raises(KeyError, match="registry.view_al"):
        caps.has_capability(officer, "registry.view_al")


def test_a_capability_cannot_be_declared_twice_or_for_an_unknown_role(clean_registry):
    caps.grant("test.one", [Role.AUDITOR], "测试")
    assert caps.capabilities()["test.one"] == ({Role.AUDITOR}, "测试")
    with pytest.raises(ValueError, match="declared twice"):
        caps.grant("test.one", [Role.AUDITOR], "测试")
    with pytest.raises(ValueError, match="unknown roles.*janitor"):
        caps.grant("test.two", [Role.AUDITOR, "janitor"], "测试")
    assert "test.two" not in caps.capabilities()


def test_capabilities_are_listed_in_name_order():
    names = list(caps.capabilities())
    assert names == sorted(names) and "registry.view_children" in names


def test_an_endpoint_cannot_be_declared_twice(clean_registry):
    caps.endpoint("test_page", "registry.view_children")
    assert caps.endpoints()["test_page"].capability == "registry.view_children"
    assert caps.endpoints()["test_page"].methods == ("GET",)
    with pytest.raises(ValueError, match="test_page declared twice"):
        caps.endpoint("test_page", None)


@pytest.mark.django_db
def test_the_menu_shows_what_the_role_may_open_grouped_and_ordered(world, make_user, clean_registry):
    caps.grant("test.see", [Role.AUDITOR], "测试")
    caps.grant("test.hidden", [Role.SYSADMIN], "测试")
    caps.nav("乙", "b", "test.see", group="files", order=20)
    caps.nav("甲", "a", "test.see", group="files", order=10)
    caps.nav("单独", "c", "test.see", order=15)
    caps.nav("看不见", "d", "test.hidden", group="files", order=5)
    caps.nav("自定组", "e", "test.see", group="custom", order=30)
    auditor = make_user(Role.AUDITOR, "451027000000")
    assert [n.url_name for n in caps.nav_for(auditor)] == ["a", "c", "b", "e"]
    menu = [(str(label), [i.url_name for i in items]) for label, items in caps.nav_menu(auditor)]
    assert menu == [("儿童档案", ["a", "b"]), ("单独", ["c"]), ("custom", ["e"])]
    assert caps.nav_for(AnonymousUser()) == []


@pytest.mark.django_db
def test_menu_entries_of_equal_order_go_by_label_and_keep_their_icon(world, make_user, clean_registry):
    caps.grant("test.see", [Role.AUDITOR], "测试")
    caps.nav("b", "second", "test.see")
    caps.nav("a", "first", "test.see", icon="bi-journal")
    caps.nav("c", "early", "test.see", order=99)
    items = caps.nav_for(make_user(Role.AUDITOR, "451027000000"))
    assert [(n.url_name, n.order, n.icon) for n in items] == [("early", 99, ""), ("first", 100, "bi-journal"), ("second", 100, "")]


def test_an_endpoint_keeps_its_name_and_options(clean_registry):
    caps.endpoint("test_form", "registry.edit_children", methods=("GET", "POST"))
    declared = caps.endpoints()["test_form"]
    assert (declared.url_name, declared.capability, declared.methods) == ("test_form", "registry.edit_children", ("GET", "POST"))
