"""Mandatory reports are filed once per client token (issue 10 item 17): a reporter whose connection drops and who
presses 提交 again must not open two reports (and alert every department twice)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.cases.models import Report

pytestmark = pytest.mark.django_db


def test_report_page_files_once_per_token(client, cast):
    client.force_login(cast["teacher"])
    assert 'name="client_token"' in client.get(reverse("report_create")).content.decode()
    data = {"situation": "abandonment", "immediate_danger": "0", "what_happened": "无人照料", "region": IN_SCOPE_VILLAGE,
            "child_name": "某某", "client_token": str(uuid.uuid4())}
    first = client.post(reverse("report_create"), data)
    again = client.post(reverse("report_create"), data)
    report = Report.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("report_detail", kwargs={"pk": report.pk})


def test_report_api_files_once_per_idempotency_key(client, cast):
    client.force_login(cast["teacher"])
    body = {"situation": "organised_begging", "immediate_danger": False, "what_happened": "集市上有成年人带儿童乞讨。",
            "region": IN_SCOPE_VILLAGE, "child_age": 7}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post(reverse("report-list"), body, content_type="application/json", headers=key)
    again = client.post(reverse("report-list"), body, content_type="application/json", headers=key)
    assert first.status_code == again.status_code == 201 and again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true" and Report.objects.count() == 1
