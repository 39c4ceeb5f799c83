"""Login policy (issue 2 §5): password rules, lockout, idle expiry, password change, role-level binding."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from tonghu.accounts.roles import Role


@pytest.mark.django_db
def test_lockout_after_repeated_failures(world, make_user, client):
    make_user(Role.CHILD_DIRECTOR, "451027001200", username="director")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "director", "password": "nope-nope-1"})
    response = client.post(reverse("login"), {"username": "director", "password": PASSWORD})
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_successful_login_lands_on_home_with_role_navigation(world, make_user, client):
    make_user(Role.CHILD_DIRECTOR, "451027001200", username="director")
    response = client.post(reverse("login"), {"username": "director", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "儿童档案" in page and "用户管理" not in page and "审计记录" not in page


def test_session_expires_after_idle_time_and_is_renewed_on_each_request():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_idle_session_is_rejected(world, make_user, client, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = make_user(Role.COUNTY_OFFICER, "451027000000")
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("child_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("password,message", [
    ("short1A", "至少"),
    ("onlyletterslong", "字母和数字"),
    ("1234567890123", "只包含数字"),
    ("password123", "太常见"),
])
def test_password_policy(world, make_user, password, message):
    from django.contrib.auth.password_validation import validate_password
    from django.utils import translation

    user = make_user(Role.COUNTY_OFFICER, "451027000000")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    assert any(message in m for m in excinfo.value.messages), excinfo.value.messages


@pytest.mark.django_db
def test_password_change(world, make_user, client):
    user = make_user(Role.COUNTY_OFFICER, "451027000000")
    client.force_login(user)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Brand-new-2026", "new_password2": "Brand-new-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-2026")


@pytest.mark.django_db
def test_role_must_match_region_level(world):
    from tonghu.accounts.models import User

    user = User(username="x", role=Role.CHILD_DIRECTOR, region=world["451027000000"])
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "村级" in str(excinfo.value)


@pytest.mark.django_db
def test_sysadmin_cannot_place_users_outside_own_region(world, users, client):
    client.force_login(users[Role.SYSADMIN])
    response = client.post(reverse("user_create"), {
        "username": "intruder", "full_name": "外县", "role": Role.COUNTY_OFFICER, "region": "533401000000",
        "is_active": "on", "password": "Village-2026-ok",
    })
    assert response.status_code == 200
    # the region list offers only the sysadmin's own subtree, so another county is not a valid choice
    assert response.context["form"].errors["region"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    from tonghu.accounts.models import User

    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.django_db
def test_sysadmin_does_not_read_children_files(world, users, client):
    client.force_login(users[Role.SYSADMIN])
    assert client.get(reverse("child_list")).status_code == 403
