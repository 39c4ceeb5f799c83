"""Registry fixtures: valid ID numbers (generated, never real people)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE, SIBLING_VILLAGE  # noqa: F401  (re-exported for the registry tests)
from tonghu.core.reference.idnumber import make_id_number, sequence_code

_seq = itertools.count(0)


def id_for(birth: dt.date, sex: str, region6: str = "451027") -> str:
    return make_id_number(region6, birth, sex, sequence_code(sex, next(_seq) % 400))


@pytest.fixture
def officer(users):
    from tonghu.accounts.roles import Role

    return users[Role.COUNTY_OFFICER]


@pytest.fixture
def director(users):
    from tonghu.accounts.roles import Role

    return users[Role.CHILD_DIRECTOR]
