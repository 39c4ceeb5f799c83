"""Households: their fields, a child joining one, a child leaving for a new one."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tonghu.audit.services import audit_log

from ..models import (
    Child,
    Household,
)
from .common import HOUSEHOLD_FIELDS, _audit_changes, _facts_changed, _log, _raise, _strip, snapshot
from .versions import _bump, check_version


# --------------------------------------------------------------------------------------------- household


@transaction.atomic
def household_update(*, actor, household: Household, data: dict, expected_version: int) -> Household:
    current = Household.objects.select_for_update().get(pk=household.pk)
    check_version(current, expected_version)
    data = _strip({k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    errors: dict[str, list[str]] = {}
    for name in ("income_per_head_year", "dibao_month", "tekun_month", "disability_month", "other_subsidy_month"):
        value = data.get(name)
        if value is not None and Decimal(value) < 0:
            errors[name] = ["金额不能为负数"]
    if data.get("dibao_month") and not data.get("dibao", current.dibao):
        data["dibao"] = True
    if data.get("tekun_month") and not data.get("tekun", current.tekun):
        data["tekun"] = True
    _raise(errors)
    before = snapshot(current, HOUSEHOLD_FIELDS)
    for k, v in data.items():
        setattr(current, k, v)
    after = snapshot(current, HOUSEHOLD_FIELDS)
    if before == after:
        return current
    version = _bump(current)
    current.save()
    for child in current.children.all():
        _log(actor=actor, child=child, action="update", summary="修改家庭信息", row=current, before=before, after=after, version=version)
    if not current.children.exists():
        audit_log(actor=actor, action="update", obj=current, summary="修改家庭信息",
                  changes=_audit_changes(current, before, after, {"version": list(version)}))
    for child in current.children.all():
        _facts_changed(child, actor)
    return current


@transaction.atomic
def child_join_household(*, actor, child: Child, household: Household) -> Child:
    """Put a child into a sibling's household (一户一档)."""
    if household.village_id != child.village_id:
        raise ValidationError({"household": ["兄弟姐妹须在同一村（社区）才能合并为一户"]})
    old = child.household_id
    if old == household.pk:
        return child
    Child.objects.filter(pk=child.pk).update(household=household, version=models.F("version") + 1)
    child.household = household
    child.version += 1
    _log(actor=actor, child=child, action="update", summary="调整所属家庭", before={"household": old}, after={"household": household.pk})
    if old and not Child.objects.filter(household_id=old).exists():
        pass  # the empty household stays (nothing is deleted); it no longer appears in lists without children
    _facts_changed(child, actor)
    return child


@transaction.atomic
def child_leave_household(*, actor, child: Child, data: dict | None = None) -> Household:
    """Split a household (分户): the child leaves the household it shares with siblings for a new one of its own
    (e.g. half-siblings recorded as one family, or a child now living with another relative). The old household
    keeps its other children and its history; nothing is deleted. Returns the new household."""
    data = _strip({k: v for k, v in (data or {}).items() if k in ("head_name", "address", "phone", "note")})
    child = Child.objects.select_for_update().select_related("village").get(pk=child.pk)
    old = child.household_id
    if old is None or not Child.objects.filter(household_id=old).exclude(pk=child.pk).exists():
        raise ValidationError({"__all__": ["该儿童的家庭中没有其他儿童，已是单独一户，无需分户"]})
    errors: dict[str, list[str]] = {}
    if len(data.get("head_name") or "") > 50:
        errors["head_name"] = ["户主姓名不能超过 50 个字"]
    _raise(errors)
    household = Household.objects.create(village=child.village, head_name=data.get("head_name") or "", address=data.get("address") or child.address,
                                         phone=data.get("phone") or "", note=data.get("note") or "")
    Child.objects.filter(pk=child.pk).update(household=household, version=models.F("version") + 1)
    child.household = household
    child.version += 1
    _log(actor=actor, child=child, action="update", summary="分户：单独立户", before={"household": old}, after={"household": household.pk})
    audit_log(actor=actor, action="create", obj=household, summary=f"分户新建家庭档案（儿童：{child.name}）")
    _facts_changed(child, actor)
    return household


