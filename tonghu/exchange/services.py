"""The partner interface (issue 17 item 2): signed calls, idempotent reports by the partner's ticket, status webhooks.

A call is signed with HMAC-SHA256 over ``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256(body)`` under the partner's key
(headers ``X-Tonghu-Client``, ``X-Tonghu-Key``, ``X-Tonghu-Timestamp``, ``X-Tonghu-Nonce``, ``X-Tonghu-Signature``).
It is refused when the signature is wrong, the key unknown, revoked or expired, the time more than five minutes off,
the nonce used before (a replayed request), the partner over its rate or without the scope. docs/exchange.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.request
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.cases.models import Channel, Report
from tonghu.cases.services import report_file
from tonghu.core.models import Region
from tonghu.core.roles import Role
from tonghu.core.texts import msg

from .models import DeliveryStatus, InboundTicket, PartnerCall, PartnerCredential, PartnerSystem, Scope, WebhookDelivery

CLOCK_SKEW = dt.timedelta(minutes=5)
KEY_DAYS = 365
BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=12)]
HEADERS = ("X-Tonghu-Client", "X-Tonghu-Key", "X-Tonghu-Timestamp", "X-Tonghu-Nonce", "X-Tonghu-Signature")


class PartnerRefused(Exception):
    """A call refused before anything was done: ``status`` (401, 403, 429) and the reason in words."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ------------------------------------------------------------------------------------------------ signing


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body or b"").hexdigest()]).encode()


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def signed_headers(*, client_id: str, key_id: str, secret: str, method: str, path: str, body: bytes, now=None) -> dict:
    """The headers of a signed call (what a partner's client sends, and what tonghu's webhooks carry)."""
    timestamp = str(int((now or timezone.now()).timestamp()))
    nonce = secrets.token_hex(16)
    return {"X-Tonghu-Client": client_id, "X-Tonghu-Key": key_id, "X-Tonghu-Timestamp": timestamp, "X-Tonghu-Nonce": nonce,
            "X-Tonghu-Signature": sign(secret, method, path, timestamp, nonce, body)}


def authenticate(*, method: str, path: str, headers, body: bytes, scope: str, now=None) -> PartnerSystem:
    """The partner a signed call comes from, or :class:`PartnerRefused` (the call is logged either way once the
    partner is known)."""
    now = now or timezone.now()
    values = {h: (headers.get(h) or "").strip() for h in HEADERS}
    missing = [h for h, v in values.items() if not v]
    if missing:
        raise PartnerRefused(401, _("缺少签名请求头：%(h)s。") % {"h": _("、").join(missing)})
    partner = PartnerSystem.objects.filter(client_id=values["X-Tonghu-Client"]).select_related("account").first()
    if partner is None or not partner.active:
        raise PartnerRefused(401, _("客户端编号不存在或已停用。"))
    credential = partner.credentials.filter(key_id=values["X-Tonghu-Key"]).first()

    def refuse(status, message):
        _log_call(partner, values["X-Tonghu-Nonce"], method, path, status)
        raise PartnerRefused(status, message)

    if credential is None or credential.revoked_at is not None:
        refuse(401, _("密钥编号不存在或已吊销。"))
    if credential.expires_at <= now:
        refuse(401, _("密钥已于 %(t)s 过期，请使用新密钥。") % {"t": timezone.localtime(credential.expires_at).strftime("%Y-%m-%d %H:%M")})
    try:
        stamp = dt.datetime.fromtimestamp(int(values["X-Tonghu-Timestamp"]), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        refuse(401, _("时间戳无效，应为 Unix 秒数。"))
    if abs(stamp - now) > CLOCK_SKEW:
        refuse(401, _("时间戳与服务器时间相差超过 5 分钟，请校准时钟。"))
    expected = sign(credential.secret, method, path, values["X-Tonghu-Timestamp"], values["X-Tonghu-Nonce"], body)
    if not hmac.compare_digest(expected, values["X-Tonghu-Signature"].lower()):
        refuse(401, _("签名不正确。"))
    recent = PartnerCall.objects.filter(partner=partner, at__gte=now - dt.timedelta(minutes=1)).count()
    if recent >= partner.rate_per_minute:
        refuse(429, _("调用过于频繁：每分钟最多 %(n)d 次。") % {"n": partner.rate_per_minute})
    if scope not in (partner.scopes or []):
        refuse(403, _("该系统没有“%(s)s”的权限。") % {"s": Scope(scope).label if scope in Scope.values else scope})
    try:
        _log_call(partner, values["X-Tonghu-Nonce"], method, path, 200, strict=True)
    except IntegrityError:
        raise PartnerRefused(401, _("重复的请求：该随机串已用过（可能是被截获后重放）。")) from None
    return partner


def _log_call(partner, nonce, method, path, status, strict=False) -> None:
    try:
        with transaction.atomic():
            PartnerCall.objects.create(partner=partner, nonce=nonce[:64], method=method[:8], path=path[:200], status=status)
    except IntegrityError:
        if strict:
            raise


# ------------------------------------------------------------------------------------------------ partners


def _new_credential(partner, *, now=None) -> tuple[PartnerCredential, str]:
    now = now or timezone.now()
    secret = secrets.token_urlsafe(32)
    credential = PartnerCredential.objects.create(partner=partner, key_id="k" + secrets.token_hex(8), secret=secret,
                                                  expires_at=now + dt.timedelta(days=KEY_DAYS))
    return credential, secret


@transaction.atomic
def partner_create(*, actor, name: str, kind: str, region: Region, scopes: list[str], webhook_url: str = "",
                   rate_per_minute: int = 60) -> tuple[PartnerSystem, PartnerCredential, str]:
    """Register a partner system with its system account at ``region`` and its first key (the secret is shown once)."""
    from tonghu.accounts.models import User
    from tonghu.core.scoping import in_scope

    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写系统名称。")]
    if not in_scope(actor, region.code):
        errors["region"] = [_("所选区域不在您的辖区内。")]
    bad = [s for s in scopes if s not in Scope.values]
    if bad or not scopes:
        errors["scopes"] = [_("请至少选择一项权限范围。")]
    if errors:
        raise ValidationError(errors)
    client_id = "c" + secrets.token_hex(8)
    # the system account: a reporter placed at the region the partner serves, in no department (it receives nothing)
    account = User.objects.create(username=f"partner-{client_id}", role=Role.REPORTER, region=region, department="",
                                  full_name=name.strip()[:100], unit=name.strip()[:100])
    account.set_unusable_password()
    account.save(update_fields=["password"])
    partner = PartnerSystem.objects.create(name=name.strip(), kind=kind, client_id=client_id, account=account, scopes=scopes,
                                           webhook_url=webhook_url, rate_per_minute=rate_per_minute)
    credential, secret = _new_credential(partner)
    audit_log(actor=actor, action="create", obj=partner, region_code=region.code,
              summary=msg("登记对接系统“%(name)s”（%(scopes)s）", name=partner.name, scopes="、".join(scopes)))
    return partner, credential, secret


@transaction.atomic
def credential_rotate(*, actor, partner: PartnerSystem, overlap_days: int = 7, now=None) -> tuple[PartnerCredential, str]:
    """A new key; the keys before it stop working ``overlap_days`` from now (so the partner can switch without a gap)."""
    now = now or timezone.now()
    until = now + dt.timedelta(days=overlap_days)
    partner.credentials.filter(revoked_at__isnull=True, expires_at__gt=until).update(expires_at=until)
    credential, secret = _new_credential(partner, now=now)
    audit_log(actor=actor, action="update", obj=partner, region_code=partner.account.region_id,
              summary=msg("更换对接系统“%(name)s”的密钥，旧密钥 %(d)d 天后失效", name=partner.name, d=overlap_days))
    return credential, secret


# ------------------------------------------------------------------------------------------------ reports


def report_view(report: Report) -> dict:
    """What a partner may know of a report it filed: its number, status and the outcome in plain words — never
    case details (R-F2)."""
    return {"number": report.number, "status": report.status, "status_label": str(report.get_status_display()),
            "submitted_at": report.submitted_at.isoformat(), "accepted_at": report.accepted_at.isoformat() if report.accepted_at else None,
            "feedback": report.feedback or "", "feedback_at": report.feedback_at.isoformat() if report.feedback_at else None}


def hotline_report(*, partner: PartnerSystem, data: dict) -> tuple[Report, bool]:
    """File a report sent by the hotline, once per its ticket number: ``(report, created)``."""
    ticket = str(data.get("ticket") or "").strip()
    if not ticket:
        raise ValidationError({"ticket": [_("请提供对方工单号 ticket（用于防止重复提交）。")]})
    found = InboundTicket.objects.filter(partner=partner, ticket=ticket).select_related("report").first()
    if found is not None:
        return found.report, False
    region = Region.objects.filter(code=str(data.get("region") or "")).first()
    if region is None:
        raise ValidationError({"region": [_("区划代码“%(c)s”不存在。") % {"c": data.get("region")}]})
    occurred = parse_datetime(str(data.get("occurred_at") or "")) if data.get("occurred_at") else None
    age = data.get("child_age")
    try:
        age = int(age) if age not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError({"child_age": [_("大致年龄应为整数。")]}) from None
    try:
        with transaction.atomic():
            report = report_file(
                actor=partner.account, situation=str(data.get("situation") or ""), what_happened=str(data.get("what_happened") or ""),
                immediate_danger=bool(data.get("immediate_danger")), region=region, child_name=str(data.get("child_name") or ""),
                child_age=age, child_sex=str(data.get("child_sex") or ""), child_description=str(data.get("child_description") or ""),
                occurred_at=occurred, occurred_place=str(data.get("occurred_place") or ""), channel=Channel.HOTLINE,
                caller_name=str(data.get("caller_name") or ""), callback_number=str(data.get("callback_number") or ""),
                call_record=str(data.get("call_record") or ""), source_ref=f"{partner.client_id}:{ticket}"[:50])
            InboundTicket.objects.create(partner=partner, ticket=ticket, report=report, notified_status=report.status)
    except IntegrityError:  # the same ticket committed meanwhile: this attempt rolled back entirely
        return InboundTicket.objects.get(partner=partner, ticket=ticket).report, False
    return report, True


def report_status(*, partner: PartnerSystem, ticket: str) -> Report:
    found = InboundTicket.objects.filter(partner=partner, ticket=ticket).select_related("report").first()
    if found is None:
        raise PermissionDenied
    return found.report


# ------------------------------------------------------------------------------------------------ webhooks


def changes_scan() -> int:
    """A delivery for every report filed by a partner whose status moved since it was last told (the outbox is the
    comparison itself: nothing in cases has to know about partners)."""
    made = 0
    for ticket in (InboundTicket.objects.select_related("report", "partner").exclude(partner__webhook_url="")
                   .filter(partner__active=True)):
        if ticket.report.status == ticket.notified_status:
            continue
        with transaction.atomic():
            WebhookDelivery.objects.create(partner=ticket.partner, ticket=ticket, event=f"report.{ticket.report.status}",
                                           payload={"ticket": ticket.ticket, **report_view(ticket.report)}, next_attempt_at=timezone.now())
            ticket.notified_status = ticket.report.status
            ticket.save(update_fields=["notified_status"])
        made += 1
    return made


def _http_post(url: str, body: bytes, headers: dict, timeout: float = 10.0) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (an https URL registered by an officer)
        return response.status


def deliveries_send(*, now=None, post: Callable[[str, bytes, dict], int] | None = None) -> dict:
    """Send what is due: signed with the partner's newest valid key; 2xx is delivered; otherwise try again after 1 min,
    5 min, 30 min, 2 h, 12 h, then stop (the officer can replay it from the delivery log)."""
    now = now or timezone.now()
    post = post or _http_post
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    for d in WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).select_related("partner"):
        credential = d.partner.credentials.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("-created_at").first()
        body = json.dumps({"event": d.event, "data": d.payload}, ensure_ascii=False).encode()
        d.attempts += 1
        try:
            if credential is None:
                raise RuntimeError(_("没有有效的密钥，无法签名。"))
            from urllib.parse import urlsplit

            headers = signed_headers(client_id=d.partner.client_id, key_id=credential.key_id, secret=credential.secret,
                                     method="POST", path=urlsplit(d.partner.webhook_url).path or "/", body=body, now=now)
            code = post(d.partner.webhook_url, body, headers)
            d.last_status_code, d.last_error = code, ""
            ok = 200 <= code < 300
        except Exception as exc:  # a network error is a failed attempt like any other
            d.last_status_code, d.last_error, ok = None, str(exc)[:300], False
        if ok:
            d.status, d.delivered_at = DeliveryStatus.DELIVERED, now
            counts["delivered"] += 1
        elif d.attempts > len(BACKOFF):
            d.status = DeliveryStatus.FAILED
            counts["failed"] += 1
        else:
            d.next_attempt_at = now + BACKOFF[d.attempts - 1]
            counts["retry"] += 1
        d.save()
    return counts


def delivery_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (after the partner fixed its end): back in the queue, due now; audited."""
    delivery.status, delivery.next_attempt_at, delivery.attempts = DeliveryStatus.PENDING, timezone.now(), 0
    delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit_log(actor=actor, action="update", obj=delivery.partner, region_code=delivery.partner.account.region_id,
              summary=msg("重新发送回调：%(e)s", e=delivery.event))
    return delivery
