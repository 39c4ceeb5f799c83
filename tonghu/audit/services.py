"""Writing to the audit trail. Every service that reads or changes a child's file calls ``audit_log``
inside its own transaction, so the audit entry and the change commit together or not at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tonghu.core.middleware import current_ip

from .models import GENESIS, AuditEntry, AuditHead


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def audit_log(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    summary: str = "",
    changes: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain (atomic; locks the chain head)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if not region_code:
            region_code = getattr(obj, "audit_region_code", "") or ""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if not region_code and user is not None and user.region_id:
        region_code = user.region_id
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS})
        entry = AuditEntry(
            at=timezone.now(),
            actor=user,
            actor_name=(user.username if user else (actor if isinstance(actor, str) else ""))[:150],
            ip=ip if ip is not None else current_ip(),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            region_code=region_code,
            summary=summary,
            changes=_jsonable(changes or {}),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


def diff(before: dict, after: dict) -> dict:
    """Field-by-field before/after for the fields that changed."""
    return {k: [_jsonable(before.get(k)), _jsonable(after.get(k))] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def verify_chain(batch: int = 5000) -> tuple[int, AuditEntry | None, str]:
    """Walk the chain in order. Returns (entries checked, first bad entry or None, reason)."""
    prev = GENESIS
    checked = 0
    last_seq = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != prev:
                return checked, entry, "prev_hash"
            if entry.compute_hash() != entry.hash:
                return checked, entry, "hash"
            prev = entry.hash
            checked += 1
            last_seq = entry.seq
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return checked, None, "head"
    return checked, None, ""
