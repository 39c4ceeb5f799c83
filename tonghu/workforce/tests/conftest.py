import datetime as dt

import pytest

from conftest import IN_SCOPE_VILLAGE


@pytest.fixture
def make_person(world, users):
    """A ledger person through the service (audited, validated)."""
    from tonghu.accounts.roles import Role
    from tonghu.workforce.services import person_create

    def make(name="李主任", *, village=IN_SCOPE_VILLAGE, kind="director", appointed_on=dt.date(2023, 1, 1), **fields):
        data = {"kind": kind, "name": name, "region": world[village], "appointed_on": appointed_on}
        data.update(fields)
        return person_create(actor=users[Role.COUNTY_MANAGER], data=data)

    return make
