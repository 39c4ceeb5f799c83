"""Creating and changing a child's file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tonghu.audit.services import audit_log
from tonghu.core.reference.idnumber import check_id_number
from tonghu.core.scoping import in_scope

from ..models import (
    Child,
    Household,
    StatusChange,
    StatusChangeKind,
)
from ..pinyin import name_keys
from .common import CHILD_FIELDS, HOUSEHOLD_FIELDS, _audit_changes, _facts_changed, _log, _raise, _strip, _today, _user_or_none, snapshot
from .duplicates import DuplicateChildError, DuplicateReport, find_duplicates
from .validation import validate_child_fields
from .versions import check_version


# ------------------------------------------------------------------------------------------------ child


def prepare_child(child: Child) -> Child:
    """Fill the derived fields (pinyin keys, normalised ID, NULL for an empty ID). Call before ``bulk_create``."""
    child.name = (child.name or "").strip()
    child.name_pinyin, child.name_initials = name_keys(child.name)
    if child.id_number is not None:
        child.id_number = check_id_number(child.id_number).normalized or None
    return child


def _check_village(actor, village) -> None:
    if village is not None and getattr(actor, "is_authenticated", False) and not in_scope(actor, village.code):
        raise ValidationError({"village": [f"“{village.name}”不在您的辖区内，不能在此建档或迁入。跨区域迁移请使用“转移”功能。"]})


def _new_household(child: Child, data: dict | None = None) -> Household:
    data = data or {}
    return Household.objects.create(village=child.village, address=data.get("address", child.address), head_name=data.get("head_name", ""))


@transaction.atomic
def child_create(*, actor, data: dict, confirm_similar: bool = False, household: Household | None = None, household_data: dict | None = None) -> Child:
    """Create a file. Refuses a known ID number (:class:`DuplicateChildError`), and asks for ``confirm_similar``
    when a child with the same name/pinyin and birth date exists in the county."""
    data = _strip({k: v for k, v in data.items() if k in CHILD_FIELDS})
    errors = validate_child_fields(data)
    _raise(errors)
    _check_village(actor, data.get("village"))
    report = find_duplicates(user=actor, name=data["name"], birth_date=data["birth_date"], id_number=data.get("id_number"), village=data.get("village"))
    if report.id_blocking or (report.needs_confirmation and not confirm_similar):
        raise DuplicateChildError(report)
    child = Child(**data)
    child.created_by = child.updated_by = _user_or_none(actor)
    if not child.filed_on:
        child.filed_on = _today()
    if not child.filed_by_name and _user_or_none(actor):
        child.filed_by_name = str(actor)[:50]
    prepare_child(child)
    if household is not None and household.village_id != child.village_id:
        raise ValidationError({"household": ["所选家庭与儿童不在同一村（社区）"]})
    try:
        with transaction.atomic():
            if household is None:
                household = Household(village=child.village, address=child.address)
                for k, v in (household_data or {}).items():
                    if k in HOUSEHOLD_FIELDS:
                        setattr(household, k, v)
                household.save()
            child.household = household
            child.save()
    except IntegrityError as exc:  # a concurrent create with the same ID number
        if child.id_number and Child.objects.filter(id_number=child.id_number).exists():
            raise DuplicateChildError(find_duplicates(user=actor, name=child.name, birth_date=child.birth_date, id_number=child.id_number)) from exc
        raise
    StatusChange.objects.create(child=child, kind=StatusChangeKind.CREATED, to_status=child.status, to_village_code=child.village_id,
                                to_village_name=child.village.name, date=_today(), actor=_user_or_none(actor),
                                reason="已确认与同名儿童不是同一人" if report.needs_confirmation else "")
    summary = "新建儿童档案"
    if report.needs_confirmation:
        summary += f"（用户确认与 {len(report.similar) + report.similar_elsewhere} 份同名同出生日期档案不是同一名儿童）"
    _log(actor=actor, child=child, action="create", summary=summary, before={}, after=snapshot(child, CHILD_FIELDS))
    _facts_changed(child, actor)
    return child



@transaction.atomic
def child_update(*, actor, child: Child, data: dict, expected_version: int) -> Child:
    """Change a file's fields. ``expected_version`` is the version the user loaded (mandatory); if someone saved in
    between, nothing is written and :class:`EditConflictError` lists their changes (:func:`check_version`)."""
    current = Child.objects.select_for_update().get(pk=child.pk)
    check_version(current, expected_version)
    data = _strip({k: v for k, v in data.items() if k in CHILD_FIELDS})
    merged = snapshot(current, CHILD_FIELDS)
    merged["village"] = current.village
    merged["director"] = current.director
    merged.update(data)
    errors = validate_child_fields(merged)
    _raise(errors)
    if merged["village"].code != current.village_id:
        _check_village(actor, merged["village"])
        if merged["village"].code[:6] != current.village_id[:6]:
            raise ValidationError({"village": ["不能通过修改把档案移到其他县（市、区），请使用“转移”功能办理交接。"]})
    if merged.get("id_number") and merged["id_number"] != current.id_number:
        report = find_duplicates(user=actor, name=merged["name"], birth_date=merged["birth_date"], id_number=merged["id_number"], exclude_pk=current.pk)
        if report.id_blocking:
            raise DuplicateChildError(DuplicateReport(id_number=report.id_number, id_match_visible=report.id_match_visible, id_match_contact=report.id_match_contact))
    before = snapshot(current, CHILD_FIELDS)
    for k in CHILD_FIELDS:
        if k in data:
            setattr(current, k, merged[k])
    current.id_number = merged.get("id_number") or None
    after = snapshot(current, CHILD_FIELDS)
    if before == after:
        return current
    current.version = current.version + 1
    current.updated_by = _user_or_none(actor)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": ["该身份证号码已有档案，不能重复"]}) from exc
    changes = _audit_changes(current, before, after, {"version": [current.version - 1, current.version]})
    audit_log(actor=actor, action="update", obj=current, summary="修改儿童档案", changes=changes)
    if current.household_id and "village" in data and current.household.village_id != current.village_id:
        siblings = current.household.children.exclude(pk=current.pk).exists()
        if siblings:
            current.household = Household.objects.create(village=current.village, address=current.address)
            current.save(update_fields=["household"])
        else:
            Household.objects.filter(pk=current.household_id).update(village=current.village)
    _facts_changed(current, actor)
    return current


