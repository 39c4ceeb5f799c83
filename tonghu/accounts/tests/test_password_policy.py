"""Password policy gaps (issue 10 §13): too few distinct characters, the published demo password, demo accounts
flagged and reported at a production start."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD
from tonghu.accounts.roles import Role
from tonghu.core.demo_loader import DEMO_PASSWORD


def _messages(password, user=None):
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return exc.messages
    return []


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["aaaaaaaaaa1", "ab12ab12ab12", "1a1a1a1a1a1a1a"])
def test_passwords_with_fewer_than_six_distinct_characters_are_refused(password):
    assert any("至少 6 个不同的字符" in m for m in _messages(password)), _messages(password)


@pytest.mark.django_db
def test_six_distinct_characters_are_enough():
    assert _messages("abc123abc123") == []


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "])
def test_demo_password_is_refused_outside_demo_mode(settings, typed):
    settings.TONGHU_DEMO_MODE = False
    assert any("公开的演示密码" in m for m in _messages(typed))


@pytest.mark.django_db
def test_demo_password_is_accepted_in_demo_mode(settings):
    settings.TONGHU_DEMO_MODE = True
    assert _messages(DEMO_PASSWORD) == []


@pytest.mark.django_db
def test_password_change_page_refuses_the_demo_password(world, make_user, client, settings):
    settings.TONGHU_DEMO_MODE = False
    user = make_user(Role.CHILD_DIRECTOR, "451027001200")
    client.force_login(user)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD})
    assert response.status_code == 200 and "公开的演示密码" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_demo_accounts_are_flagged_and_a_production_start_warns(db):
    from tonghu.accounts.models import User
    from tonghu.core.management.commands.serve import demo_account_warnings

    ctx = _load_demo_users(User.objects.create_user)
    assert User.objects.filter(is_demo=True).count() == User.objects.count() - 1 > 10
    assert not User.objects.get(username="real-officer").is_demo
    lines = demo_account_warnings()
    count = User.objects.filter(is_demo=True).count()
    assert len(lines) == 2 and f"{count} 个演示账号" in lines[0] and "admin" in lines[0], lines
    assert ctx.accounts  # the demo still prints its accounts
    User.objects.filter(is_demo=True).update(is_active=False)
    assert demo_account_warnings() == []


def _load_demo_users(create_user):
    """Run the demo's region and account steps only (the whole demo county is not needed here), plus one real
    account made the ordinary way."""
    import random

    from tonghu.accounts import demo
    from tonghu.core.demo.regions import demo_county_code
    from tonghu.core.demo_loader import DemoContext

    ctx = DemoContext(rng=random.Random(1), out=io.StringIO())
    demo.regions(ctx)
    create_user(username="real-officer", password=PASSWORD, role=Role.COUNTY_OFFICER, region_id=demo_county_code())
    from tonghu.core.management.commands.serve import demo_account_warnings

    assert demo_account_warnings() == []
    demo.users(ctx)
    return ctx
