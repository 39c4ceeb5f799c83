"""A file's status (active, moved, closed…) and its transfer to another village, each with its history row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tonghu.audit.services import audit_log
from tonghu.core.models import Region

from ..models import (
    Child,
    ChildStatus,
    Household,
    StatusChange,
    StatusChangeKind,
)
from .common import _audit_changes, _facts_changed, _raise, _today, _user_or_none


def _record_status(*, actor, child, kind, from_status, to_status, date, reason="", from_village=None, to_village=None, handover_note="", received_by="") -> StatusChange:
    return StatusChange.objects.create(
        child=child, kind=kind, from_status=from_status, to_status=to_status, date=date, reason=reason,
        from_village_code=from_village.code if from_village else "", from_village_name=from_village.path_display() if from_village else "",
        to_village_code=to_village.code if to_village else "", to_village_name=to_village.path_display() if to_village else "",
        handover_note=handover_note, received_by=received_by, actor=_user_or_none(actor),
    )


STATUS_NEEDS_REASON = {ChildStatus.MOVED, ChildStatus.CLOSED, ChildStatus.DECEASED, ChildStatus.ACTIVE}


@transaction.atomic
def child_set_status(*, actor, child: Child, status: str, reason: str = "", date: dt.date | None = None) -> Child:
    """Move a file through its lifecycle (active → moved away / aged out / deceased / closed, or reopened). Never
    deletes anything; the reason and date are kept in the status history."""
    current = Child.objects.select_for_update().get(pk=child.pk)
    reason = (reason or "").strip()
    date = date or _today()
    errors: dict[str, list[str]] = {}
    if status not in ChildStatus.values:
        errors["status"] = [f"档案状态“{status}”无效"]
    elif status == current.status:
        errors["status"] = [f"档案已是“{ChildStatus(status).label}”状态"]
    elif status in STATUS_NEEDS_REASON and not reason:
        errors["reason"] = ["请填写原因（如迁往何处、结档原因、重新启用的原因）"]
    if date > _today():
        errors["date"] = ["日期不能晚于今天"]
    elif date < current.birth_date:
        errors["date"] = ["日期早于儿童出生日期"]
    if status == ChildStatus.AGED_OUT and current.age < 18 and "status" not in errors:
        errors["status"] = [f"儿童现年 {current.age} 岁，未满 18 周岁，不能标记为“已满龄”"]
    _raise(errors)
    before = {"status": current.status, "status_reason": current.status_reason, "status_date": current.status_date}
    old = current.status
    current.status, current.status_reason, current.status_date = status, reason, date
    current.version += 1
    current.updated_by = _user_or_none(actor)
    current.save(update_fields=["status", "status_reason", "status_date", "version", "updated_by", "updated_at"])
    _record_status(actor=actor, child=current, kind=StatusChangeKind.STATUS, from_status=old, to_status=status, date=date, reason=reason)
    after = {"status": current.status, "status_reason": current.status_reason, "status_date": current.status_date}
    changes = _audit_changes(current, before, after, {"version": [current.version - 1, current.version]})
    audit_log(actor=actor, action="status", obj=current, summary=f"档案状态：{ChildStatus(old).label} → {ChildStatus(status).label}", changes=changes)
    _facts_changed(current, actor)
    return current


@transaction.atomic
def child_transfer(*, actor, child: Child, to_village: Region, date: dt.date | None = None, handover_note: str = "", received_by: str = "") -> Child:
    """Hand the file over to another village (usually another county): the file follows the child. The receiving
    region sees it from now on; the sending region no longer does (its audit trail keeps the hand-over)."""
    current = Child.objects.select_for_update().select_related("village").get(pk=child.pk)
    errors: dict[str, list[str]] = {}
    if to_village is None or to_village.level != "village":
        errors["to_village"] = ["请选择迁入的村（社区）（须为村级区划）"]
    elif to_village.code == current.village_id:
        errors["to_village"] = ["迁入地与现所在村（社区）相同"]
    if not (handover_note or "").strip():
        errors["handover_note"] = ["请填写交接说明（交接了哪些材料、由谁接收）"]
    if current.status != ChildStatus.ACTIVE:
        errors.setdefault("to_village", []).append(f"档案状态为“{current.get_status_display()}”，只有在册档案可以转移")
    date = date or _today()
    if date > _today():
        errors["date"] = ["日期不能晚于今天"]
    _raise(errors)
    old_village = current.village
    # the audit entry of the hand-over is recorded in the sending region, so its auditors keep the trace
    audit_log(actor=actor, action="status", obj=current, region_code=old_village.code,
              summary=f"档案转出：{old_village.path_display()} → {to_village.path_display()}",
              changes={"village": [old_village.code, to_village.code], "version": [current.version, current.version + 1]})
    current.village = to_village
    current.version += 1
    current.updated_by = _user_or_none(actor)
    current.save(update_fields=["village", "version", "updated_by", "updated_at"])
    if current.household_id:
        household = current.household
        if household.children.exclude(pk=current.pk).filter(status=ChildStatus.ACTIVE).exists():
            current.household = Household.objects.create(village=to_village, head_name=household.head_name,
                                                         income_per_head_year=household.income_per_head_year)
            current.save(update_fields=["household"])
        else:
            Household.objects.filter(pk=household.pk).update(village=to_village)
    _record_status(actor=actor, child=current, kind=StatusChangeKind.TRANSFER, from_status=current.status, to_status=current.status,
                   date=date, reason="跨区域转移", from_village=old_village, to_village=to_village,
                   handover_note=handover_note.strip(), received_by=(received_by or "").strip())
    audit_log(actor=actor, action="status", obj=current, summary=f"档案转入：来自{old_village.path_display()}",
              changes={"village": [old_village.code, to_village.code]})
    _facts_changed(current, actor)
    return current


