"""API tokens expire, idle out and are revoked; a user sees their sessions and tokens and can sign out everywhere
(issue 10 §9)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from conftest import PASSWORD
from tonghu.accounts.models import ApiToken
from tonghu.accounts.roles import Role

# the page of tiles itself: every role above the village lands on its dashboard (tonghu.core.landing)
HOME = "/?tiles=1"


def _token(client, user):
    response = client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _me(token):
    return Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}").status_code


@pytest.mark.django_db
def test_a_token_expires_after_the_configured_hours(world, users, settings):
    settings.TONGHU_TOKEN_HOURS = 8
    body = _token(Client(), users[Role.CHILD_DIRECTOR])
    expires = parse_datetime(body["expires_at"]) if isinstance(body["expires_at"], str) else body["expires_at"]
    assert abs((expires - timezone.now()) - timedelta(hours=8)) < timedelta(minutes=1)
    assert _me(body["token"]) == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(body["token"]) == 401


@pytest.mark.django_db
def test_a_token_idles_out_like_a_session(world, users, settings):
    body = _token(Client(), users[Role.CHILD_DIRECTOR])
    assert _me(body["token"]) == 200
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
    response = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert response.status_code == 401 and "已过期" in response.json()["detail"]


@pytest.mark.django_db
def test_only_a_digest_of_the_token_is_stored(world, users):
    body = _token(Client(), users[Role.CHILD_DIRECTOR])
    row = ApiToken.objects.get()
    assert body["token"] not in (row.key_hash, row.prefix) and row.prefix == body["token"][:8]


@pytest.mark.django_db
def test_a_password_change_revokes_tokens_and_other_sessions_but_keeps_this_one(world, users):
    user = users[Role.COUNTY_OFFICER]
    token = _token(Client(), user)["token"]
    laptop, phone = Client(), Client()
    assert laptop.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    assert phone.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    response = laptop.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Brand-new-2026", "new_password2": "Brand-new-2026"})
    assert response.status_code == 302
    assert _me(token) == 401
    assert phone.get(HOME).status_code == 302  # sent to the login page
    assert laptop.get(HOME).status_code == 200
    assert len(laptop.get(reverse("account")).context["sessions"]) == 1


@pytest.mark.django_db
def test_deactivation_revokes_tokens_and_sessions(world, users, client):
    user = users[Role.CHILD_DIRECTOR]
    token = _token(Client(), user)["token"]
    browser = Client()
    browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    user.is_active = False
    user.save()
    assert _me(token) == 401
    assert browser.get(HOME).status_code == 302
    assert ApiToken.objects.get().revoked_reason == "账号停用"


@pytest.mark.django_db
def test_account_page_lists_sessions_and_tokens_and_signs_out_everywhere(world, users):
    user = users[Role.CHILD_DIRECTOR]
    token = _token(Client(), user)
    laptop, phone = Client(), Client()
    laptop.post(reverse("login"), {"username": user.username, "password": PASSWORD}, HTTP_USER_AGENT="Laptop-Browser")
    phone.post(reverse("login"), {"username": user.username, "password": PASSWORD}, HTTP_USER_AGENT="Phone-Browser")
    page = laptop.get(reverse("account"))
    html = page.content.decode()
    assert "Laptop-Browser" in html and "Phone-Browser" in html and "本设备" in html
    assert token["token"][:8] in html and token["token"] not in html
    assert "在所有设备上退出" in html
    # GET does nothing; the POST needs the CSRF token like every form
    assert laptop.get(reverse("account_signout_all")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert strict.post(reverse("account_signout_all")).status_code == 403
    response = laptop.post(reverse("account_signout_all"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert laptop.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302
    assert _me(token["token"]) == 401
