"""Two-factor login for the privileged roles (issue 10 §10): enrol at the first login with a QR code drawn
locally, a code at every login, recovery codes that work once; the API token needs the code too."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from tonghu.accounts.roles import Role

# the page of tiles itself: every role above the village lands on its dashboard (tonghu.core.landing)
HOME = "/?tiles=1"

PRIVILEGED = [Role.SYSADMIN, Role.COUNTY_MANAGER, Role.AUDITOR, Role.PROVINCE_STAFF]


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.TONGHU_2FA_REQUIRED = True
    settings.TONGHU_DEMO_MODE = False


def _code(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():0{device.digits}d}"


def _unthrottle(user):
    """django-otp delays the next try after a wrong code (1 s, then doubling): tests do not wait."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _login(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _enrol(client, user) -> list[str]:
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page and not re.search(r"""src=["']https?://""", page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": _code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and all(c in response.content.decode() for c in codes)
    return codes


@pytest.mark.django_db
@pytest.mark.parametrize("role", PRIVILEGED)
def test_a_privileged_role_enrols_at_first_login_and_reaches_nothing_before(world, users, role):
    user = users[role]
    client = _login(user)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("account")).status_code == 302
    api = client.get(reverse("api-me"))
    assert api.status_code == 403 and "两步验证" in api.json()["detail"]
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    assert "次数过多" in client.post(reverse("two_factor_setup"), {"code": "000000"}).content.decode()  # throttled
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    _enrol(client, user)
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("api-me")).status_code == 200


@pytest.mark.django_db
def test_every_later_login_asks_for_a_code_and_a_recovery_code_works_once(world, users):
    user = users[Role.COUNTY_MANAGER]
    codes = _enrol(_login(user), user)
    client = _login(user)
    response = client.get(reverse("child_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert "已用过" in client.post(reverse("two_factor_verify"), {"code": "12345678"}).content.decode()
    _unthrottle(user)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0], "next": reverse("child_list")})["Location"] == reverse("child_list")
    assert client.get(reverse("child_list")).status_code == 200
    again = _login(user)
    assert "已用过" in again.post(reverse("two_factor_verify"), {"code": codes[0]}).content.decode()
    _unthrottle(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1
    device.save()
    assert again.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
    assert again.get(HOME).status_code == 200


@pytest.mark.django_db
def test_a_password_alone_cannot_enrol_a_new_device_over_an_existing_one(world, users):
    user = users[Role.SYSADMIN]
    _enrol(_login(user), user)
    thief = _login(user)
    assert thief.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")
    assert thief.post(reverse("two_factor_setup"), {"code": "123456"})["Location"] == reverse("two_factor_verify")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CHILD_DIRECTOR, Role.COUNTY_OFFICER, Role.REPORTER])
def test_other_roles_log_in_with_the_password(world, users, role):
    response = _login(users[role]).get(reverse("home"), follow=True)  # a director lands on today's tasks
    assert response.status_code == 200
    assert all("two-factor" not in url and "login" not in url for url, _status in response.redirect_chain)


@pytest.mark.django_db
def test_demo_mode_lets_the_demo_accounts_in_with_the_password(world, users, settings):
    settings.TONGHU_DEMO_MODE = True
    assert _login(users[Role.SYSADMIN]).get(HOME).status_code == 200


@pytest.mark.django_db
def test_an_api_token_for_a_privileged_role_needs_the_code(world, users):
    user = users[Role.AUDITOR]
    credentials = {"username": user.username, "password": PASSWORD}
    response = Client().post(reverse("api-token"), credentials)
    assert response.status_code == 400 and "先在网页上登录并设置两步验证" in response.json()["otp"][0]
    _enrol(_login(user), user)
    assert Client().post(reverse("api-token"), {**credentials, "otp": "000000"}).status_code == 400
    _unthrottle(user)
    device = TOTPDevice.objects.get(user=user)
    device.last_t = -1
    device.save()
    response = Client().post(reverse("api-token"), {**credentials, "otp": _code(device)})
    assert response.status_code == 200 and response.json()["token"]
    assert Client().post(reverse("api-token"), {"username": users[Role.CHILD_DIRECTOR].username, "password": PASSWORD}).status_code == 200
