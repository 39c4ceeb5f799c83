"""Shared fixtures: a small two-county world and one user per role (tonghu.core.tests use it heavily)."""

from __future__ import annotations

import itertools
import os
import shutil

import pytest

from tonghu.accounts.roles import Department, Role

PASSWORD = "Correct-horse-2026"

WORLD_REGIONS = [
    # code, name, level, kind, urban_rural
    ("450000000000", "广西壮族自治区", "province", "", ""),
    ("451000000000", "百色市", "city", "", ""),
    ("451027000000", "凌云县", "county", "", ""),
    ("451027001000", "泗城镇", "township", "", "121"),
    ("451027001001", "城东社区", "village", "community", "121"),
    ("451027001200", "青山村", "village", "village", "220"),
    ("451027001201", "白石村", "village", "village", "220"),
    ("451027002000", "下甲镇", "township", "", "121"),
    ("451027002200", "河口村", "village", "village", "220"),
    ("530000000000", "云南省", "province", "", ""),
    ("533400000000", "迪庆藏族自治州", "city", "", ""),
    ("533401000000", "香格里拉市", "county", "", ""),
    ("533401001000", "建塘镇", "township", "", "121"),
    ("533401001200", "尼西村", "village", "village", "220"),
]

# Where each role's user sits in county A (the in-scope object is always in village 451027001200).
ROLE_HOME = {
    Role.CHILD_DIRECTOR: "451027001200",
    Role.SUPERVISOR: "451027001000",
    Role.COUNTY_OFFICER: "451027000000",
    Role.COUNTY_MANAGER: "451027000000",
    Role.CITY_STAFF: "451000000000",
    Role.PROVINCE_STAFF: "450000000000",
    Role.REPORTER: "451027000000",
    Role.PROCURATOR: "451027000000",
    Role.AUDITOR: "451027000000",
    Role.SYSADMIN: "451027000000",
}
IN_SCOPE_VILLAGE = "451027001200"
SIBLING_VILLAGE = "451027001201"
OUT_OF_SCOPE_VILLAGE = "533401001200"


@pytest.fixture
def world(db):
    from tonghu.core.models import Region

    for code, name, level, kind, urban_rural in WORLD_REGIONS:
        from tonghu.core.regions import parent_code

        Region(code=code, name=name, level=level, kind=kind, urban_rural=urban_rural, parent_id=parent_code(code)).save()
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Tests create many users; PBKDF2 would make the suite slow without testing anything."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _password_only_login(settings):
    """Tests are about what a role may do, not how it logs in: two-factor login (on by default in production) is
    switched off here and on by tonghu/accounts/tests/test_two_factor.py."""
    settings.TONGHU_2FA_REQUIRED = False


_serial = itertools.count(1)


@pytest.fixture
def make_user(db):
    from tonghu.accounts.models import User

    def make(role: str, region_code: str | None, username: str | None = None, **extra) -> User:
        username = username or f"{role}-{next(_serial)}"
        if role == Role.REPORTER:
            extra.setdefault("department", Department.EDUCATION)
        return User.objects.create_user(username=username, password=PASSWORD, role=role, region_id=region_code, full_name=username, **extra)

    return make


@pytest.fixture
def users(world, make_user):
    """One user per role, placed as ROLE_HOME says."""
    return {role: make_user(role, code, username=f"u-{role}") for role, code in ROLE_HOME.items()}


@pytest.fixture
def make_child(world):
    """The one way tests make a child's file: through ``registry.services.child_create`` (validation, audit entry,
    status history, classification), as a user would. ``make_child("名字", village=…, sex=…, birth_date=…, **fields)``;
    the village is a code (default: the in-scope village) or a ``Region``. ``opened=date``: the file is dated as opened
    that day (``created_at``; visit schedules count from it) — the one thing no service can do, so it is set after."""
    import datetime as dt

    from django.utils import timezone

    from tonghu.core.models import Region
    from tonghu.registry.models import Child
    from tonghu.registry.services import child_create

    def make(name: str = "张伟", *, village: str | Region = IN_SCOPE_VILLAGE, actor="test", confirm: bool = True,
             opened: dt.date | None = None, **fields):
        data = {"name": name, "sex": fields.pop("sex", "M"), "birth_date": fields.pop("birth_date", dt.date(2015, 3, 8)),
                "village": village if isinstance(village, Region) else Region.objects.get(code=village)}
        data.update(fields)
        child = child_create(actor=actor, data=data, confirm_similar=confirm)
        if opened is not None:
            Child.objects.filter(pk=child.pk).update(created_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(9))))
            child.refresh_from_db()
        return child

    return make


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


# Browser tests (Playwright driving Debian's Chromium, never a downloaded browser).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser_marks() -> list:
    """``pytestmark`` for a browser test module: skipped without Chromium, an error when TONGHU_REQUIRE_BROWSER is set."""
    marks = [pytest.mark.browser]
    if not CHROMIUM:
        if os.environ.get("TONGHU_REQUIRE_BROWSER"):
            raise RuntimeError("TONGHU_REQUIRE_BROWSER is set but Chromium is not installed")
        marks.append(pytest.mark.skip(reason="Debian's chromium is not installed"))
    return marks


@pytest.fixture
def open_page(monkeypatch):
    """Open a Chromium page: ``open_page(viewport=..., locale=...)`` (arguments of ``browser.new_context``).

    Playwright's sync API runs an asyncio loop in the test's thread, so while it is open Django keeps the test's
    database connections per context (asgiref.Local) instead of per thread: a query made in the test body during
    the browser session opens a connection that nothing would close once Playwright stops, and PostgreSQL then
    refuses to drop the test database ("is being accessed by other users", issue 10 item 15). Close every
    connection of that context before leaving Playwright.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the test body queries the ORM while the loop runs
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        contexts = []

        def open_(**context_options):
            context = browser.new_context(**context_options)
            contexts.append(context)
            return context.new_page()

        try:
            yield open_
        finally:
            for context in contexts:
                context.close()
            browser.close()
            connections.close_all()


@pytest.fixture
def page_queries():
    """``page_queries(client, url)``: the number of SQL queries one GET of ``url`` makes (the page must answer 200).
    List pages pin it for a few rows and for more rows, so that a query per row (N+1) fails the test."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(ctx.captured_queries)

    return count
