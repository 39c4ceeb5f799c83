"""The permission matrix: every URL and API endpoint × every role × an in-scope and an out-of-scope object.

Source of truth: each app's ``access.py`` (tonghu.core.capabilities). This test
1. walks the whole URL conf and fails if any named URL is not declared (a new page cannot skip the matrix);
2. for each declared endpoint and each role: a role without the capability is refused (403, or 404 for object
   URLs); a role with it gets the in-scope object (2xx/3xx) and a 404 for the same kind of object created in
   the other county; list endpoints show in-scope markers and never out-of-scope ones.
Removing ``visible_to`` from any view makes the out-of-scope request succeed, and this test fail. (R-N1)
"""

from __future__ import annotations

import itertools

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.core.capabilities import PUBLIC_URL_NAMES, endpoints, has_capability


def _named_patterns(resolver=None, ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _named_patterns(p, inner_ns)
        elif isinstance(p, URLPattern) and p.name:
            yield ns + p.name


IGNORED_SUFFIX_VARIANTS = ("-format",)  # DRF's format-suffix duplicates are the same views


def test_every_url_is_declared():
    declared = set(endpoints())
    missing = sorted({name for name in _named_patterns()} - declared - PUBLIC_URL_NAMES)
    assert not missing, f"URLs without an access declaration in an access.py: {missing}"


class Ctx:
    _serial = itertools.count(1)

    def __init__(self, user, region, in_scope, stranger):
        self.user, self.region, self.in_scope, self.stranger = user, region, in_scope, stranger
        self._memory = {}

    def serial(self):
        return next(self._serial)

    def remember(self, key, value):
        self._memory[key] = value

    def recalled(self, key):
        return self._memory[key]


def _request(client, method, url, data=None):
    if method == "GET":
        return client.get(url)
    if method == "PATCH":
        return client.patch(url, data or {}, content_type="application/json")
    return client.post(url, data or {})


ROLES = list(Role.values)


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, users, world, client, make_user):
    failures = run_matrix(users[role], world, client, make_user(Role.COUNTY_OFFICER, "533401000000"))
    assert not failures, f"role {role}:\n" + "\n".join(failures)


def test_matrix_catches_removed_scoping(users, world, client, make_user, monkeypatch):
    """Guard for the guard: with region scoping switched off, the matrix must report leaks."""
    from tonghu.core import scoping

    monkeypatch.setattr(scoping, "prefix_range", lambda prefix: ("000000000000", "999999999999"))
    failures = run_matrix(users[Role.COUNTY_OFFICER], world, client, make_user(Role.COUNTY_OFFICER, "533401000000"))
    leaked = {f.split()[0].rstrip(":") for f in failures}
    assert {"child_detail", "child-detail", "region_detail", "child_list"} <= leaked, failures


def run_matrix(user, world, client, stranger) -> list[str]:
    client.force_login(user)
    failures = []
    for name, ep in sorted(endpoints().items()):
        if name in PUBLIC_URL_NAMES or name in {"logout", "api-token", "account_signout_all"}:  # these end the session
            continue
        if ep.extra.get("signed"):  # answers signed calls of partner systems only, never a session: tested by its app
            continue
        for in_scope in (True, False):
            region = world[IN_SCOPE_VILLAGE if in_scope else OUT_OF_SCOPE_VILLAGE]
            ctx = Ctx(user, region, in_scope, stranger)
            kwargs = ep.make_object(ctx) if ep.make_object else {}
            if ep.make_object is None and not in_scope:
                continue  # nothing to scope: the capability check is all there is
            url = reverse(name, kwargs=kwargs)
            for method in ep.methods:
                response = _request(client, method, url, ep.post_data(ctx) if ep.post_data else None)
                code = response.status_code
                allowed = ep.capability is None or has_capability(user, ep.capability)
                object_url = bool(kwargs)
                if not allowed:
                    expected = {404} if object_url else {403}
                    if code not in expected:
                        failures.append(f"{name} {method} ({'in' if in_scope else 'out'}): role without capability got {code}, expected {expected}")
                    continue
                if in_scope or not object_url:
                    if code >= 400:
                        failures.append(f"{name} {method} (in scope): got {code}")
                    elif ep.list_marker and response.get("Content-Type", "").startswith(("text/html", "application/json")):
                        marker = ep.list_marker(ctx, kwargs)
                        if marker:
                            present = marker in response.content.decode()
                            if present != in_scope:
                                failures.append(f"{name}: marker {marker!r} {'missing for in-scope' if in_scope else 'LEAKED for out-of-scope'} object")
                else:
                    if code != 404:
                        failures.append(f"{name} {method} (out of scope): got {code}, expected 404")
    return failures


def test_user_without_region_sees_nothing(world, make_user, client):
    from tonghu.registry.models import Child

    child = Child.objects.create(name="无区域测试", sex="M", birth_date="2016-01-01", village=world[IN_SCOPE_VILLAGE])
    user = make_user(Role.COUNTY_OFFICER, None)
    client.force_login(user)
    assert client.get(reverse("child_detail", kwargs={"pk": child.pk})).status_code == 404
    listing = client.get(reverse("child_list"))
    assert "无区域测试" not in listing.content.decode()
    assert client.get(reverse("child-list")).json()["count"] == 0


def test_director_cannot_see_sibling_village(world, users, client):
    from tonghu.registry.models import Child

    child = Child.objects.create(name="邻村儿童", sex="M", birth_date="2016-01-01", village=world["451027001201"])
    client.force_login(users[Role.CHILD_DIRECTOR])
    assert client.get(reverse("child_detail", kwargs={"pk": child.pk})).status_code == 404
    client.force_login(users[Role.SUPERVISOR])
    assert client.get(reverse("child_detail", kwargs={"pk": child.pk})).status_code == 200


def test_anonymous_is_sent_to_login_everywhere(world, client):
    for name, ep in endpoints().items():
        if name in PUBLIC_URL_NAMES or ep.make_object is not None or name in {"logout", "api-token", "api-root", "schema", "swagger-ui"}:
            continue
        url = reverse(name)
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), (name, response.status_code)
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, response.status_code)
