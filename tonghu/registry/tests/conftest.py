"""Registry fixtures: a child factory and valid ID numbers (generated, never real people)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE, SIBLING_VILLAGE  # noqa: F401
from tonghu.core.reference.idnumber import make_id_number, sequence_code

_seq = itertools.count(0)


def id_for(birth: dt.date, sex: str, region6: str = "451027") -> str:
    return make_id_number(region6, birth, sex, sequence_code(sex, next(_seq) % 400))


@pytest.fixture
def make_child(world):
    from tonghu.registry.services import child_create

    def make(name="张伟", *, village=IN_SCOPE_VILLAGE, actor="test", confirm=True, **fields):
        data = {"name": name, "sex": fields.pop("sex", "M"), "birth_date": fields.pop("birth_date", dt.date(2015, 3, 8)),
                "village": world[village]}
        data.update(fields)
        return child_create(actor=actor, data=data, confirm_similar=confirm)

    return make


@pytest.fixture
def officer(users):
    from tonghu.accounts.roles import Role

    return users[Role.COUNTY_OFFICER]


@pytest.fixture
def director(users):
    from tonghu.accounts.roles import Role

    return users[Role.CHILD_DIRECTOR]
