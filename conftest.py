"""Shared fixtures: a small two-county world and one user per role (tonghu.core.tests use it heavily)."""

from __future__ import annotations

import itertools

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
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do
