"""Creating once per client token (tonghu.core.idempotency; issue 10 item 17): the mechanism itself."""

from __future__ import annotations

import uuid

import pytest

from tonghu.accounts.roles import Role
from tonghu.core import idempotency
from tonghu.core.models import IdempotencyKey, Region


@pytest.mark.django_db
def test_once_creates_once_per_user_and_token(users):
    officer, manager = users[Role.COUNTY_OFFICER], users[Role.COUNTY_MANAGER]
    token = uuid.uuid4()
    made = []

    def create():
        made.append(1)
        return Region.objects.create(code=f"45102700{len(made):04d}", name=f"测试{len(made)}", level="village")

    first, created = idempotency.once(officer, token, create)
    again, created_again = idempotency.once(officer, token, create)
    assert created and not created_again and again == first and len(made) == 1
    other, created_other = idempotency.once(manager, token, create)  # a token is per user
    assert created_other and other != first
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_create_leaves_the_token_free(users):
    from django.core.exceptions import ValidationError

    user = users[Role.COUNTY_OFFICER]
    token = uuid.uuid4()

    def fail():
        raise ValidationError("不行")

    with pytest.raises(ValidationError):
        idempotency.once(user, token, fail)
    assert not IdempotencyKey.objects.exists()
    obj, created = idempotency.once(user, token, lambda: Region.objects.create(code="451027009999", name="测试", level="village"))
    assert created and obj.pk == "451027009999"


def test_a_token_must_be_a_uuid():
    assert idempotency.parse(None) is None and idempotency.parse(" ") is None
    assert idempotency.parse("3f1c2a52-8f7e-4b8c-9d7a-0c1f0e6a1b2c") == uuid.UUID("3f1c2a52-8f7e-4b8c-9d7a-0c1f0e6a1b2c")
    with pytest.raises(idempotency.BadToken):
        idempotency.parse("12345")
