"""API /api/v1/reports/ and /api/v1/cases/ (R-F2, R-N1): scoping and validation errors in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.cases.models import Report

from .helpers import file_report, open_case


@pytest.mark.django_db
def test_reporter_files_and_follows_own_reports_by_api(client, cast, world):
    client.force_login(cast["teacher"])
    response = client.post(reverse("report-list"), {"situation": "organised_begging", "immediate_danger": False,
                                                   "what_happened": "集市上有成年人带儿童乞讨。", "region": IN_SCOPE_VILLAGE,
                                                   "child_age": 7}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["number"].startswith("BG")
    assert set(body) == {"id", "number", "submitted_at", "situation", "situation_label", "immediate_danger", "status", "status_label", "accepted_at", "feedback", "feedback_at"}
    # Someone else's report is not listed and answers 404.
    other = file_report(cast["police"], world[IN_SCOPE_VILLAGE])
    listed = [r["id"] for r in client.get(reverse("report-list")).json()["results"]]
    assert listed == [body["id"]]
    assert client.get(reverse("report-detail", kwargs={"pk": other.pk})).status_code == 404
    # After acceptance the reporter sees the status change.
    open_case(cast["officer"], Report.objects.get(pk=body["id"]))
    assert client.get(reverse("report-detail", kwargs={"pk": body["id"]})).json()["status"] == "accepted"


@pytest.mark.django_db
def test_api_validation_errors_are_chinese_and_name_the_field(client, cast, world):
    client.force_login(cast["teacher"])
    r = client.post(reverse("report-list"), {"situation": "bogus", "immediate_danger": True, "what_happened": "x", "region": "533401001200"}, content_type="application/json")
    assert r.status_code == 400
    errors = r.json()
    assert "不是有效的报告情形" in errors["situation"][0]
    assert "不在您的辖区内" in errors["region"][0]
    r = client.post(reverse("report-list"), {"situation": "abandonment", "immediate_danger": True, "what_happened": "无人照料", "region": IN_SCOPE_VILLAGE}, content_type="application/json")
    assert r.status_code == 400 and "请描述儿童" in r.json()["child_description"][0]
    r = client.post(reverse("report-list"), {"situation": "abandonment", "what_happened": "无人照料", "child_age": 30}, content_type="application/json")
    assert r.status_code == 400 and "0至17岁" in r.json()["child_age"][0] and r.json()["immediate_danger"]
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_cases_api_is_scoped_to_team_staff_and_reviewer(client, cast, world):
    case = open_case(cast["officer"], file_report(cast["teacher"], world[IN_SCOPE_VILLAGE]))
    for who, count in (("officer", 1), ("manager", 1), ("procurator", 1), ("teacher", 0), ("police", 0), ("director", 0)):
        client.force_login(cast[who])
        assert client.get(reverse("case-list")).json()["count"] == count, who
    client.force_login(cast["city"])
    assert client.get(reverse("case-list")).status_code == 403
    assert client.get(reverse("case-detail", kwargs={"pk": case.pk})).status_code == 404
