"""The partner interface (issue 17 item 2, R-F3: the 12345 line passes reports): a simulated hotline files a report
through the signed API, retries it without creating a second, reads its status and receives the outcome webhook;
wrong signatures, replays, stale or expired keys, missing scopes and floods are refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import IN_SCOPE_VILLAGE, OUT_OF_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.cases.models import Report
from tonghu.exchange import services
from tonghu.exchange.models import PartnerCall, WebhookDelivery

CALL = {"ticket": "12345-20261129-0007", "situation": "", "what_happened": "邻居来电：孩子连续两天独自在家，没有饭吃。",
        "immediate_danger": False, "region": IN_SCOPE_VILLAGE, "child_name": "小明", "child_age": 8,
        "caller_name": "邻居", "callback_number": "13800000009", "call_record": "来电记录：18:05 来电，反映……"}


@pytest.fixture
def hotline(world, users):
    from tonghu.cases.models import Situation

    CALL["situation"] = Situation.values[0]
    partner, credential, secret = services.partner_create(
        actor=users[Role.COUNTY_MANAGER], name="凌云县12345热线", kind="hotline", region=world["451027000000"],
        scopes=["reports.create", "reports.read"], webhook_url="https://hotline.example/hook", rate_per_minute=5)
    return partner, credential, secret


class Hotline:
    """A test client playing the hotline system: it signs each call as docs/exchange.md says."""

    def __init__(self, client, partner, credential, secret):
        self.client, self.partner, self.credential, self.secret = client, partner, credential, secret

    def call(self, method, path, payload=None, *, now=None, secret=None, headers=None):
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        signed = services.signed_headers(client_id=self.partner.client_id, key_id=self.credential.key_id, secret=secret or self.secret,
                                         method=method, path=path, body=body, now=now)
        signed.update(headers or {})
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        if method == "POST":
            return self.client.post(path, data=body, content_type="application/json", **extra)
        return self.client.get(path, **extra)


@pytest.fixture
def line(client, hotline):
    return Hotline(client, *hotline)


def test_the_hotline_files_a_report_once_however_often_it_retries(line):
    path = reverse("partner_reports")
    first = line.call("POST", path, CALL)
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    again = line.call("POST", path, CALL)  # the hotline's retry after a timeout
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.json()["number"] == number
    report = Report.objects.get()
    assert report.channel == "hotline" and report.call_record.startswith("来电记录") and report.source_ref.endswith(CALL["ticket"])
    status = line.call("GET", reverse("partner_report", kwargs={"ticket": CALL["ticket"]}))
    assert status.status_code == 200 and status.json()["status"] == "submitted"
    assert "what_happened" not in status.json() and "child_name" not in status.json()  # never case details
    assert AuditEntry.objects.filter(action="create", object_type__icontains="report").exists()


def test_a_report_outside_the_partners_area_is_refused_with_the_field(line, world):
    response = line.call("POST", reverse("partner_reports"), CALL | {"ticket": "X-1", "region": OUT_OF_SCOPE_VILLAGE})
    assert response.status_code == 400 and "region" in response.json()["fields"]
    missing = line.call("POST", reverse("partner_reports"), CALL | {"ticket": "X-2", "call_record": ""})
    assert missing.status_code == 400 and "call_record" in missing.json()["fields"]
    no_ticket = line.call("POST", reverse("partner_reports"), CALL | {"ticket": ""})
    assert no_ticket.status_code == 400 and "ticket" in no_ticket.json()["fields"]
    assert not Report.objects.exists()


def test_wrong_signature_replay_stale_time_and_expired_key_are_refused(line, hotline):
    path = reverse("partner_reports")
    wrong = line.call("POST", path, CALL, secret="not-the-secret")
    assert wrong.status_code == 401 and "签名不正确" in wrong.json()["error"]
    stale = line.call("POST", path, CALL, now=timezone.now() - dt.timedelta(minutes=10))
    assert stale.status_code == 401 and "5 分钟" in stale.json()["error"]
    # a captured request sent again verbatim (same nonce and signature)
    body = json.dumps(CALL, ensure_ascii=False).encode()
    signed = services.signed_headers(client_id=line.partner.client_id, key_id=line.credential.key_id, secret=line.secret,
                                     method="POST", path=path, body=body)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    assert line.client.post(path, data=body, content_type="application/json", **extra).status_code == 201
    replay = line.client.post(path, data=body, content_type="application/json", **extra)
    assert replay.status_code == 401 and "重复的请求" in replay.json()["error"]
    line.credential.expires_at = timezone.now() - dt.timedelta(seconds=1)
    line.credential.save()
    expired = line.call("POST", path, CALL | {"ticket": "later"})
    assert expired.status_code == 401 and "过期" in expired.json()["error"]
    unsigned = line.client.post(path, data=body, content_type="application/json")
    assert unsigned.status_code == 401 and "X-Tonghu-Signature" in unsigned.json()["error"]
    assert Report.objects.count() == 1
    assert PartnerCall.objects.filter(status=401).count() >= 3  # refused calls are logged


def test_scope_and_rate_limit(client, world, users, line):
    from tonghu.exchange.services import partner_create

    partner, credential, secret = partner_create(actor=users[Role.COUNTY_MANAGER], name="只读系统", kind="school",
                                                 region=world["451027000000"], scopes=["reports.read"])
    reader = Hotline(client, partner, credential, secret)
    refused = reader.call("POST", reverse("partner_reports"), CALL)
    assert refused.status_code == 403 and "提交强制报告" in refused.json()["error"]
    codes = [line.call("GET", reverse("partner_report", kwargs={"ticket": "none"})).status_code for _ in range(6)]
    assert codes[:5] == [404] * 5 and codes[5] == 429  # 5 a minute for this partner


def test_rotation_keeps_the_old_key_for_a_week_then_not(line, users):
    new, new_secret = services.credential_rotate(actor=users[Role.COUNTY_MANAGER], partner=line.partner)
    path = reverse("partner_report", kwargs={"ticket": "none"})
    assert line.call("GET", path).status_code == 404  # the old key still signs (the answer: no such ticket)
    assert line.call("GET", path, now=timezone.now()).status_code == 404
    line.credential.refresh_from_db()
    assert line.credential.expires_at <= timezone.now() + dt.timedelta(days=7, seconds=5)
    assert Hotline(line.client, line.partner, new, new_secret).call("GET", path).status_code == 404


def test_the_outcome_goes_back_by_a_signed_webhook_with_retries_and_a_replay(line, users, django_capture_on_commit_callbacks):
    from tonghu.cases.services import report_accept

    assert line.call("POST", reverse("partner_reports"), CALL).status_code == 201
    report = Report.objects.get()
    report_accept(actor=users[Role.COUNTY_OFFICER], report=report)
    assert services.changes_scan() == 1 and services.changes_scan() == 0
    sent = []

    def partner_down(url, body, headers):
        sent.append((url, json.loads(body), headers))
        return 503

    now = timezone.now()
    assert services.deliveries_send(now=now, post=partner_down) == {"delivered": 0, "retry": 1, "failed": 0}
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "report.accepted" and delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    url, payload, headers = sent[0]
    assert payload["data"]["status"] == "accepted" and payload["data"]["ticket"] == CALL["ticket"]
    assert "what_happened" not in payload["data"]
    expected = services.sign(line.secret, "POST", "/hook", headers["X-Tonghu-Timestamp"], headers["X-Tonghu-Nonce"],
                             json.dumps({"event": payload["event"], "data": payload["data"]}, ensure_ascii=False).encode())
    assert headers["X-Tonghu-Signature"] == expected  # the partner can verify it came from tonghu
    # nothing is sent before its time; then it gives up after the last pause
    assert services.deliveries_send(now=now, post=partner_down)["retry"] == 0
    t = now
    for _ in range(5):
        t += dt.timedelta(hours=13)
        services.deliveries_send(now=t, post=partner_down)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 6 and delivery.last_status_code == 503
    # the officer replays it from the delivery log once the partner is back
    line.client.force_login(users[Role.COUNTY_MANAGER])
    page = line.client.get(reverse("exchange_partner", kwargs={"pk": line.partner.pk})).content.decode()
    assert "多次失败" in page and 'data-testid="replay"' in page
    line.client.post(reverse("exchange_delivery_replay", kwargs={"pk": delivery.pk}))
    assert services.deliveries_send(post=lambda u, b, h: 204)["delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_an_officer_registers_a_partner_and_sees_the_secret_once(client, users, world):
    client.force_login(users[Role.COUNTY_MANAGER])
    page = client.post(reverse("exchange_partner_create"), {
        "name": "百色市12345", "kind": "hotline", "region": "451027", "scopes": ["reports.create"], "rate_per_minute": 60})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="secret"' in text and "只显示这一次" in text
    outside = client.post(reverse("exchange_partner_create"), {
        "name": "外县", "kind": "hotline", "region": "533401", "scopes": ["reports.create"], "rate_per_minute": 60})
    assert "不在您的辖区内" in outside.content.decode()
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("exchange_partners")).status_code == 403
