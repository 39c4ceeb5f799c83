"""Children and the rows of a file are created once per client token (issue 10 item 17): page forms (the hidden
client_token) and the API (Idempotency-Key header)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from conftest import IN_SCOPE_VILLAGE
from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian

from .conftest import id_for

pytestmark = pytest.mark.django_db


def test_new_child_page_creates_one_file_per_token(login, officer, world):
    client = login(officer)
    page = client.get("/children/new/").content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f-]{36})"', page).group(1)
    data = {"name": "陆佳宝", "sex": "M", "birth_date": "2013-09-02", "village": IN_SCOPE_VILLAGE,
            "id_number": id_for(dt.date(2013, 9, 2), "M"), "hukou_type": "rural", "client_token": token}
    first = client.post("/children/new/", data)
    again = client.post("/children/new/", data)  # without the token this second save is refused as a duplicate
    child = Child.objects.get()
    assert first.status_code == again.status_code == 302 and again["Location"] == f"/children/{child.pk}/"


def test_file_row_forms_save_once_per_token(login, officer, make_child):
    child = make_child("蒙小雨", sex="F")
    client = login(officer)
    page = client.get(f"/children/{child.pk}/guardians/new/").content.decode()
    assert 'name="client_token"' in page
    token = str(uuid.uuid4())
    data = {"role": "mother", "name": "蒙母", "is_legal_guardian": "on", "lives_with_child": "unknown", "client_token": token}
    assert client.post(f"/children/{child.pk}/guardians/new/", data).status_code == 302
    again = client.post(f"/children/{child.pk}/guardians/new/", data)
    assert again.status_code == 302 and again["Location"].startswith(f"/children/{child.pk}/")
    assert Guardian.objects.filter(child=child).count() == 1


def test_api_creates_once_per_idempotency_key(login, officer, world):
    client = login(officer)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "农家乐", "sex": "M", "birth_date": "2014-02-02", "village": IN_SCOPE_VILLAGE, "hukou_type": "rural"}
    first = client.post("/api/v1/children/", body, content_type="application/json", headers=key)
    again = client.post("/api/v1/children/", body, content_type="application/json", headers=key)
    assert first.status_code == again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and Child.objects.count() == 1
    pk = first.json()["id"]
    rows = [("guardians", {"role": "mother", "name": "农母"}, Guardian),
            ("care", {"caregiver_kind": "grandparents", "caregiver_name": "农奶奶"}, CareArrangement),
            ("assistance", {"scheme": "dibao", "amount_month": 300, "start": "2023-01-01"}, Assistance)]
    for path, data, model in rows:
        token = {"Idempotency-Key": str(uuid.uuid4())}
        responses = [client.post(f"/api/v1/children/{pk}/{path}/", data, content_type="application/json", headers=token) for _ in range(2)]
        assert [r.status_code for r in responses] == [201, 201], responses[1].content
        assert responses[0].json()["id"] == responses[1].json()["id"]
        assert model.objects.filter(child_id=pk).count() == 1, path
