"""The offline web app's server side (issue 16): the key released after login, the village's data for the phone
(``bundle``), and the replay of what the phone recorded offline (``push``) through the same services as the forms.

Every item the phone sends carries the UUID the phone gave it; a resend of an item already accepted answers
"duplicate" and records nothing (``core.idempotency.once``). A change of a fact (a guardian's phone) states the version
it was based on; an edit made on the server since comes back as a conflict for the director to resolve, never a silent
overwrite. Contacts and home visits append and do not conflict.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid as uuidlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tonghu.audit.services import audit_log
from tonghu.core.capabilities import has_capability
from tonghu.core.idempotency import once
from tonghu.core.versioning import EditConflictError
from tonghu.policy.labels import category_label
from tonghu.registry import services as registry_services
from tonghu.registry.models import Child, ChildStatus, Guardian
from tonghu.visits import services as visit_services
from tonghu.visits.models import (CampaignVillage, CensusConfirmation, CensusOutcome, ContactMethod, Problem, ProblemCategory,
                                  ProblemStatus, Rating, Schedule, Severity, TaskKind)

from .models import ItemStatus, OfflineKey, SyncItem

USE = "sync.use"
KINDS = ("contact", "home_visit", "census", "guardian_phone", "problem_update", "discard")
MAX_ITEMS = 100          # per request: the phone sends its queue in pieces and resumes where it stopped
MAX_PHOTO_BYTES = 2_000_000


def wipe_after_days() -> int:
    return int(getattr(settings, "OFFLINE_WIPE_DAYS", 14))


# ------------------------------------------------------------------------------------------------ the key


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def key_get(*, user) -> OfflineKey:
    """The user's current offline key (made on first use)."""
    if not has_capability(user, USE):
        raise PermissionDenied
    key, created = OfflineKey.objects.get_or_create(user=user, defaults={"key": _new_key()})
    if created:
        audit_log(actor=user, action="create", obj=user, summary=_("生成离线数据密钥"))
    return key


def key_rotate(*, user) -> None:
    """Replace the key (at logout): what a phone kept under the old one can no longer be opened with the server's help."""
    updated = OfflineKey.objects.filter(user=user).first()
    if updated is None:
        return
    updated.key = _new_key()
    updated.generation += 1
    updated.save(update_fields=["key", "generation", "created_at"])


# ------------------------------------------------------------------------------------------------ bundle


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def bundle(*, user, today: dt.date | None = None) -> dict:
    """The minimum the phone needs for the day's work in the user's own region: no ID numbers, no sensitive facts
    (HIV, abuse, criminal records), no case details (issue 16 item 2). Audited as one read."""
    if not has_capability(user, USE):
        raise PermissionDenied
    today = today or timezone.localdate()
    children = list(Child.objects.visible_to(user, "visits.view").filter(status=ChildStatus.ACTIVE)
                    .select_related("village", "classification")
                    .only("id", "name", "sex", "birth_date", "address", "version", "village__code", "village__name",
                          "classification__categories")
                    .order_by("village_id", "name_pinyin", "id"))
    ids = [c.pk for c in children]
    guardians: dict[int, list] = {}
    for g in (Guardian.objects.filter(child_id__in=ids, deceased=False)
              .only("id", "child_id", "role", "relation", "name", "phone", "version").order_by("child_id", "role", "id")):
        guardians.setdefault(g.child_id, []).append(
            {"id": g.pk, "name": g.name, "relation": g.relation or g.get_role_display(), "phone": g.phone, "version": g.version})
    schedules: dict[int, dict] = {}
    for s in Schedule.objects.filter(child_id__in=ids).only("child_id", "kind", "due_on", "opens_on", "last_done_on", "state"):
        schedules.setdefault(s.child_id, {})[s.kind] = {"due": s.due_on.isoformat(), "opens": s.opens_on.isoformat(),
                                                         "last": s.last_done_on.isoformat() if s.last_done_on else None,
                                                         "state": s.state}
    problems: dict[int, list] = {}
    for p in (Problem.objects.filter(child_id__in=ids, status__in=[ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS])
              .only("id", "child_id", "category", "description", "due_on", "status").order_by("due_on")):
        problems.setdefault(p.child_id, []).append({"id": p.pk, "category": p.get_category_display(), "description": p.description,
                                                    "due": p.due_on.isoformat(), "status": p.status})
    census = []
    for part in (CampaignVillage.objects.visible_to(user, "visits.census_confirm").filter(campaign__closed=False)
                 .select_related("campaign", "village")):
        done = dict(CensusConfirmation.objects.filter(campaign=part.campaign, village_id=part.village_id).values_list("child_id", "outcome"))
        census.append({"part": part.pk, "name": part.campaign.name, "village": part.village.name,
                       "deadline": part.campaign.deadline.isoformat(), "confirmed": {str(k): v for k, v in done.items()}})
    out_children = []
    for c in children:
        cls = getattr(c, "classification", None)
        out_children.append({
            "id": c.pk, "name": c.name, "sex": c.get_sex_display(), "age": _age(c.birth_date, today) if c.birth_date else None,
            "village": c.village.name, "village_code": c.village_id, "address": c.address, "version": c.version,
            "categories": [category_label(k) for k in (cls.categories if cls else [])],
            "guardians": guardians.get(c.pk, []), "tasks": schedules.get(c.pk, {}), "problems": problems.get(c.pk, []),
        })
    audit_log(actor=user, action="view", object_type="sync.bundle", region_code=getattr(user.region, "code", "") or "",
              summary=_("离线同步：下载本辖区 %(n)d 名儿童的走访所需信息") % {"n": len(out_children)})
    return {
        "format": 1, "generated_at": timezone.now().isoformat(), "today": today.isoformat(), "user": user.get_username(),
        "wipe_after_days": wipe_after_days(), "can_record": has_capability(user, "visits.record"),
        "can_edit": has_capability(user, "registry.edit_children"),
        "choices": {
            "kind": dict(TaskKind.choices), "method": dict(ContactMethod.choices), "rating": dict(Rating.choices),
            "problem_category": dict(ProblemCategory.choices), "severity": dict(Severity.choices),
            "census_outcome": dict(CensusOutcome.choices), "problem_status": dict(ProblemStatus.choices),
        },
        "children": out_children, "census": census,
    }


# ------------------------------------------------------------------------------------------------ push


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(str(m) for m in exc.messages)


def _date(value, field: str) -> dt.date:
    d = parse_date(str(value or ""))
    if d is None:
        raise ValidationError({field: [_("日期“%(v)s”无效，应为 年-月-日。") % {"v": value}]})
    return d


def _child(user, child_id, capability: str) -> Child:
    try:
        return Child.objects.visible_to(user, capability).get(pk=int(child_id))
    except (Child.DoesNotExist, TypeError, ValueError):
        raise PermissionDenied from None


def _photos(items) -> list:
    files = []
    for i, p in enumerate(items or [], start=1):
        try:
            raw = base64.b64decode(str(p.get("data", "")), validate=True)
        except (ValueError, TypeError):
            raise ValidationError({"photos": [_("第 %(n)d 张照片无法读取，请重新拍摄。") % {"n": i}]}) from None
        if len(raw) > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": [_("第 %(n)d 张照片太大（超过 2 MB）。") % {"n": i}]})
        f = ContentFile(raw, name=str(p.get("name") or f"photo{i}.jpg")[:80])
        f.content_type = str(p.get("type") or "image/jpeg")[:100]
        files.append(f)
    return files


def _replay(user, item: dict):
    """Run one item through its service; returns the object it made or changed."""
    kind, data = item["kind"], item.get("data") or {}
    if kind in ("contact", "home_visit"):
        child = _child(user, item.get("child"), "visits.record")
        details = {k: data.get(k, "") for k in visit_services.VISIT_TEXT_FIELDS if k in data}
        return visit_services.visit_record(
            actor=user, child=child, kind=TaskKind.CONTACT if kind == "contact" else TaskKind.HOME_VISIT,
            date=_date(data.get("date"), "date"), method=data.get("method") or ContactMethod.IN_PERSON,
            contacted_person=data.get("contacted_person", ""), details=details, near_water=data.get("near_water"),
            problems=[{"category": p.get("category") or "other", "description": p.get("description", ""),
                       "severity": p.get("severity") or "low"} for p in data.get("problems") or []],
            photos=_photos(data.get("photos")), harm_found=bool(data.get("harm_found")),
            harm_situation=data.get("harm_situation", ""), harm_description=data.get("harm_description", ""),
            immediate_danger=bool(data.get("immediate_danger")))
    if kind == "census":
        child = _child(user, item.get("child"), "visits.census_confirm")
        part = CampaignVillage.objects.visible_to(user, "visits.census_confirm").filter(pk=data.get("part")).first()
        if part is None:
            raise PermissionDenied
        return visit_services.census_confirm(actor=user, part=part, child=child, outcome=data.get("outcome", ""), note=data.get("note", ""))
    if kind == "guardian_phone":
        if not has_capability(user, "registry.edit_children"):
            raise PermissionDenied
        child = _child(user, item.get("child"), "registry.edit_children")
        guardian = Guardian.objects.filter(child=child, pk=data.get("guardian")).first()
        if guardian is None:
            raise PermissionDenied
        with transaction.atomic():
            return registry_services.guardian_save(actor=user, child=child, guardian=guardian, data={"phone": data.get("phone", "")},
                                                   expected_version=item.get("base_version"))
    if kind == "problem_update":
        problem = Problem.objects.visible_to(user, "visits.handle_problems").filter(pk=data.get("problem")).first()
        if problem is None:
            raise PermissionDenied
        base = item.get("base_status")
        if base and problem.status != base:
            raise ProblemChanged(problem)
        return visit_services.problem_update(actor=user, problem=problem, status=data.get("status", ""), resolution=data.get("resolution", ""))
    raise ValidationError({"kind": [_("未知的记录类型“%(k)s”。") % {"k": kind}]})


class ProblemChanged(Exception):
    def __init__(self, problem):
        self.problem = problem


def _village_of(user, item) -> str | None:
    child_id = item.get("child")
    if child_id is None:
        return getattr(user, "region_id", None) if getattr(getattr(user, "region", None), "level", "") == "village" else None
    code = Child.objects.visible_to(user, "visits.view").filter(pk=child_id).values_list("village_id", flat=True).first()
    return code


def _record(user, item, token, *, status, message="", obj=None) -> SyncItem:
    recorded = parse_datetime(str(item.get("recorded_at") or "")) if item.get("recorded_at") else None
    row, created = SyncItem.objects.get_or_create(user=user, uuid=token, defaults={
        "kind": item.get("kind", "")[:30], "status": status, "message": message, "village_id": _village_of(user, item),
        "child_id_sent": item.get("child") if isinstance(item.get("child"), int) else None, "recorded_offline_at": recorded,
        "object_type": obj._meta.label_lower if obj is not None else "", "object_id": str(obj.pk) if obj is not None else ""})
    if not created:
        row.status, row.message, row.attempts = status, message, row.attempts + 1
        if obj is not None:
            row.object_type, row.object_id = obj._meta.label_lower, str(obj.pk)
        row.save(update_fields=["status", "message", "attempts", "object_type", "object_id", "received_at"])
    return row


def push_one(*, user, item: dict) -> dict:
    """Replay one queued item; the answer the phone shows: accepted, duplicate, conflict (with both sides) or refused
    (with the reason)."""
    try:
        token = uuidlib.UUID(str(item.get("uuid", "")))
    except ValueError:
        return {"uuid": item.get("uuid"), "status": ItemStatus.REFUSED, "message": _("缺少离线记录编号（UUID），无法确认是否重复。")}
    answer = {"uuid": str(token), "kind": item.get("kind")}
    kind = item.get("kind")
    if kind not in KINDS:
        _record(user, item, token, status=ItemStatus.REFUSED, message=_("未知的记录类型。"))
        return answer | {"status": ItemStatus.REFUSED, "message": _("未知的记录类型“%(k)s”。") % {"k": kind}}
    if kind == "discard":  # the director kept the server's version of a conflicting change
        row = SyncItem.objects.filter(user=user, uuid=token).first()
        if row is not None and row.status == ItemStatus.CONFLICT:
            row.status, row.message = ItemStatus.DISCARDED, _("以服务器上的内容为准，本机修改已放弃。")
            row.save(update_fields=["status", "message", "received_at"])
        return answer | {"status": ItemStatus.DISCARDED, "message": _("已放弃本机修改。")}
    try:
        obj, created = once(user, token, lambda: _replay(user, item))
    except EditConflictError as exc:
        theirs = {"phone": exc.obj.phone, "version": exc.obj.version} if isinstance(exc.obj, Guardian) else {"version": exc.obj.version}
        msg = _("冲突：在您离线期间，%(who)s修改了这条信息。请选择保留哪一个。") % {
            "who": "、".join(sorted({str(c.get("actor")) for c in exc.changes if c.get("actor")})) or _("其他用户")}
        _record(user, item, token, status=ItemStatus.CONFLICT, message=msg)
        return answer | {"status": ItemStatus.CONFLICT, "message": msg, "theirs": theirs, "mine": item.get("data") or {}}
    except ProblemChanged as exc:
        msg = _("冲突：在您离线期间，该问题的状态已变为“%(s)s”。") % {"s": exc.problem.get_status_display()}
        _record(user, item, token, status=ItemStatus.CONFLICT, message=msg)
        return answer | {"status": ItemStatus.CONFLICT, "message": msg, "theirs": {"status": exc.problem.status}, "mine": item.get("data") or {}}
    except PermissionDenied:
        msg = _("未接收：该儿童或记录不在您的辖区内，或您没有这项权限。")
        _record(user, item, token, status=ItemStatus.REFUSED, message=msg)
        return answer | {"status": ItemStatus.REFUSED, "message": msg}
    except ValidationError as exc:
        msg = _("未接收：%(m)s") % {"m": _messages(exc)}
        _record(user, item, token, status=ItemStatus.REFUSED, message=msg)
        return answer | {"status": ItemStatus.REFUSED, "message": msg}
    status = ItemStatus.ACCEPTED if created else ItemStatus.DUPLICATE
    message = _("已接收。") if created else _("此前已接收，未重复记录。")
    _record(user, item, token, status=status, message=message, obj=obj)
    out = answer | {"status": status, "message": message, "object_id": obj.pk}
    if isinstance(obj, Guardian):
        out["version"] = obj.version
    return out


def push(*, user, items: list[dict]) -> list[dict]:
    """Replay the items in the order the phone recorded them. Each is its own transaction: an item refused does not
    hold back the others, and what arrived stays arrived if the connection drops half way."""
    if not has_capability(user, USE):
        raise PermissionDenied
    if not isinstance(items, list):
        raise ValidationError(_("格式错误：items 应为列表。"))
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("一次最多发送 %(n)d 条，请分批发送。") % {"n": MAX_ITEMS})
    return [push_one(user=user, item=item if isinstance(item, dict) else {}) for item in items]
