"""Writing to the audit trail. Every service that reads or changes a child's file calls ``audit_log``
inside its own transaction, so the audit entry and the change commit together or not at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.core.middleware import current_ip

from .models import GENESIS, Action, AuditEntry, AuditHead, RefusalCounter
from tonghu.core.texts import Msg, encode, msg

REFUSAL_WINDOW = dt.timedelta(seconds=60)
CHECKPOINT_FILE = "checkpoints.jsonl"


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
    summary: str | Msg = "",
    changes: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain (atomic; locks the chain head).

    ``summary`` should be a :func:`tonghu.core.texts.msg` (message id + parameters): it is stored language-neutral
    and rendered in the reader's language (``AuditEntry.summary_text``), so the actor's language never leaks into the
    trail. Plain text is stored as it is. The stored column (the encoded message) is what the HMAC covers."""
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
            seq=_next_seq(),
            at=timezone.now(),
            actor=user,
            actor_name=(user.username if user else (actor if isinstance(actor, str) else ""))[:150],
            ip=ip if ip is not None else current_ip(),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            region_code=region_code,
            summary=encode(summary),
            changes=_jsonable(changes or {}),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


def _next_seq() -> int:
    """The next entry's number, taken before the insert so that the number is inside the HMAC. Called with the
    chain head locked (PostgreSQL) or the write lock held (SQLite, IMMEDIATE transactions)."""
    table, column = AuditEntry._meta.db_table, AuditEntry._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
            return cur.fetchone()[0]
        cur.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")
        last = cur.fetchone()[0]
        if connection.vendor == "sqlite":
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cur.fetchone()
            if found and found[0] and found[0] > last:
                last = found[0]
        return last + 1


def audit_refusal(*, user, route: str, path: str, object_id: str = "", ip: str | None = None) -> AuditEntry | None:
    """Record that ``user`` was refused an object (a 404 on an object page or endpoint: out of scope or absent).

    Rate-limited so that probing leaves a trace without flooding the trail: at most one entry per user and URL
    pattern per minute (:data:`REFUSAL_WINDOW`); the refusals in between are counted, and the next entry for that
    pattern (or ``tonghu audit-checkpoint``, :func:`flush_refusals`) records how many there were."""
    now = timezone.now()
    route = route[:200]
    with transaction.atomic():
        counter = RefusalCounter.objects.select_for_update().filter(user=user, route=route).first()
        if counter is not None and now - counter.window_start < REFUSAL_WINDOW:
            counter.suppressed += 1
            counter.save(update_fields=["suppressed"])
            return None
        earlier = counter.suppressed if counter is not None else 0
        if counter is None:
            RefusalCounter.objects.create(user=user, route=route, window_start=now)
        else:
            counter.window_start, counter.suppressed = now, 0
            counter.save(update_fields=["window_start", "suppressed"])
        if earlier:
            summary = msg("拒绝访问：%(path)s（对象不存在或不在本人辖区内）；此前一轮另有 %(n)s 次同类请求被拒绝", path=path, n=earlier)
        else:
            summary = msg("拒绝访问：%(path)s（对象不存在或不在本人辖区内）", path=path)
        return audit_log(actor=user, action=Action.DENIED, object_type=f"url:{route}"[:60], object_id=str(object_id)[:64],
                         object_repr=path[:200], summary=summary, ip=ip,
                         changes={"path": path, "route": route, "refused_before_uncounted": earlier})


def flush_refusals() -> int:
    """Write the counts of refusals not yet in the trail whose minute has passed; returns how many entries."""
    written = 0
    cutoff = timezone.now() - REFUSAL_WINDOW
    for counter in RefusalCounter.objects.filter(suppressed__gt=0, window_start__lt=cutoff).select_related("user"):
        with transaction.atomic():
            locked = RefusalCounter.objects.select_for_update().get(pk=counter.pk)
            if not locked.suppressed:
                continue
            audit_log(actor=locked.user, action=Action.DENIED, object_type=f"url:{locked.route}"[:60],
                      summary=msg("拒绝访问：%(route)s 自 %(since)s 起一分钟内另有 %(n)s 次请求被拒绝", route=locked.route, since=locked.window_start, n=locked.suppressed),
                      changes={"route": locked.route, "refused_uncounted": locked.suppressed, "since": locked.window_start.isoformat()})
            locked.suppressed = 0
            locked.save(update_fields=["suppressed"])
            written += 1
    return written


def diff(before: dict, after: dict) -> dict:
    """Field-by-field before/after for the fields that changed."""
    return {k: [_jsonable(before.get(k)), _jsonable(after.get(k))] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


class Verdict(tuple):
    """``(entries checked, first bad entry or None, reason)``, plus ``detail`` (a Chinese sentence for checkpoint
    failures) and ``checkpoints`` (how many were checked). Reasons: ``""`` intact, ``"prev_hash"``, ``"hash"``,
    ``"head"``, ``"checkpoint"``."""

    def __new__(cls, checked: int, bad, reason: str, detail: str = "", checkpoints: int = 0):
        self = super().__new__(cls, (checked, bad, reason))
        self.detail, self.checkpoints = detail, checkpoints
        return self


def _checkpoint_message(seq: int, entry_hash: str, count: int, at: str) -> bytes:
    return f"tonghu-audit-checkpoint|{seq}|{entry_hash}|{count}|{at}".encode()


def checkpoint_path() -> Path:
    return Path(settings.TONGHU_AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def write_checkpoint() -> dict | None:
    """Append a signed checkpoint of the chain's current end to the checkpoint file; ``None`` for an empty chain."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(id=1).first()
        last = AuditEntry.objects.order_by("-seq").first()
        if head is None or last is None:
            return None
        at = timezone.now().isoformat()
        mac = hmac.new(settings.TONGHU_AUDIT_KEY, _checkpoint_message(last.seq, last.hash, head.count, at), hashlib.sha256).hexdigest()
        line = {"seq": last.seq, "hash": last.hash, "count": head.count, "at": at, "mac": mac}
        directory = Path(settings.TONGHU_AUDIT_CHECKPOINT_DIR)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(directory / CHECKPOINT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return line


def read_checkpoints() -> tuple[list[dict], str]:
    """The checkpoints in the file, and a message naming the first unreadable or wrongly signed line ("" if none)."""
    path = checkpoint_path()
    if not path.exists():
        return [], ""
    out = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            cp = json.loads(text)
            expected = hmac.new(settings.TONGHU_AUDIT_KEY, _checkpoint_message(int(cp["seq"]), cp["hash"], int(cp["count"]), cp["at"]), hashlib.sha256).hexdigest()
        except (ValueError, KeyError, TypeError):
            return out, _("检查点文件 %(path)s 第 %(number)s 行无法读取（不是完整的检查点记录）。") % {"path": path, "number": number}
        if not hmac.compare_digest(expected, str(cp.get("mac", ""))):
            return out, _("检查点文件 %(path)s 第 %(number)s 行的签名不符：该行被伪造或改动，或 TONGHU_AUDIT_KEY 不是写入时的密钥。") % {"path": path, "number": number}
        out.append(cp)
    return out, ""


def verify_chain(batch: int = 5000) -> tuple[int, AuditEntry | None, str]:
    """Walk the chain in order, then compare it with every signed checkpoint. Returns a :class:`Verdict`."""
    checkpoints, bad_file = read_checkpoints()
    if bad_file:
        return Verdict(0, None, "checkpoint", bad_file)
    wanted = {int(cp["seq"]) for cp in checkpoints}
    seen: dict[int, tuple[str, int]] = {}  # checkpointed seq -> (hash, entries up to it)
    prev = GENESIS
    checked = 0
    last_seq = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != prev:
                return Verdict(checked, entry, "prev_hash")
            if not hmac.compare_digest(entry.compute_hash(), entry.hash):
                return Verdict(checked, entry, "hash")
            prev = entry.hash
            checked += 1
            last_seq = entry.seq
            if entry.seq in wanted:
                seen[entry.seq] = (entry.hash, checked)
    for cp in checkpoints:
        seq, count = int(cp["seq"]), int(cp["count"])
        found = seen.get(seq)
        when = cp["at"][:19].replace("T", " ")
        if found is None:
            return Verdict(checked, None, "checkpoint", _("%(when)s 的检查点记录到第 %(seq)s 条（共 %(count)s 条），但第 %(seq)s 条已不在审计表中：记录被删除（截断）。现有 %(checked)s 条。") % {"when": when, "seq": seq, "count": count, "checked": checked}, len(checkpoints))
        if found[0] != cp["hash"]:
            return Verdict(checked, None, "checkpoint", _("第 %(seq)s 条记录的链值与 %(when)s 的检查点不符：此前的记录被改写后重新计算过。") % {"seq": seq, "when": when}, len(checkpoints))
        if found[1] != count:
            return Verdict(checked, None, "checkpoint", _("截至第 %(seq)s 条，%(when)s 的检查点记有 %(count)s 条，现有 %(found)s 条：有记录被删除或插入。") % {"seq": seq, "when": when, "count": count, "found": found[1]}, len(checkpoints))
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return Verdict(checked, None, "head", checkpoints=len(checkpoints))
    return Verdict(checked, None, "", checkpoints=len(checkpoints))
