"""Visits and contacts are recorded once per client token (issue 10 item 17): a lost response or a resent draft
(draft.js keeps the hidden client_token with the draft) does not record a second visit."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tonghu.accounts.roles import Role
from tonghu.visits.models import Visit

pytestmark = pytest.mark.django_db


def _contact(token):
    return {"kind": "contact", "date": timezone.localdate().isoformat(), "method": "phone", "contacted_person": "祖母",
            "client_token": token}


def test_the_visit_page_records_once_per_token(make_child, users, client):
    child = make_child()
    client.force_login(users[Role.CHILD_DIRECTOR])
    url = reverse("visit_create", kwargs={"child": child.pk})
    page = client.get(url).content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f-]{36})"', page).group(1)
    first = client.post(url, _contact(token))
    again = client.post(url, _contact(token))  # the response of the first was lost; the draft is sent again
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert Visit.objects.filter(child=child).count() == 1
    client.post(url, _contact(str(uuid.uuid4())))  # a new page, a new token: a second contact is a second record
    assert Visit.objects.filter(child=child).count() == 2


def test_a_page_shown_again_with_errors_keeps_its_token(make_child, users, client):
    child = make_child()
    client.force_login(users[Role.CHILD_DIRECTOR])
    url = reverse("visit_create", kwargs={"child": child.pk})
    token = str(uuid.uuid4())
    page = client.post(url, _contact(token) | {"contacted_person": ""}).content.decode()
    assert f'name="client_token" value="{token}"' in page and not Visit.objects.exists()


def test_the_visits_api_records_once_per_idempotency_key(make_child, users, client):
    child = make_child()
    client.force_login(users[Role.CHILD_DIRECTOR])
    body = {"child": child.pk, "kind": "contact", "date": timezone.localdate().isoformat(), "method": "video", "contacted_person": "父亲"}
    key = str(uuid.uuid4())
    first = client.post("/api/v1/visits/", body, content_type="application/json", headers={"Idempotency-Key": key})
    again = client.post("/api/v1/visits/", body, content_type="application/json", headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201, again.content
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Visit.objects.filter(child=child).count() == 1
    bad = client.post("/api/v1/visits/", body, content_type="application/json", headers={"Idempotency-Key": "12345"})
    assert bad.status_code == 400 and "须为 UUID" in bad.json()["client_token"][0]
    assert Visit.objects.filter(child=child).count() == 1
