"""Guardians, restrictions of guardianship, guardianship problems."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction


from .. import masking
from ..models import (
    Child,
    Guardian,
    GuardianRestriction,
    GuardianshipProblem,
)
from .common import GUARDIAN_FIELDS, PROBLEM_FIELDS, RESTRICTION_FIELDS, _date_order, _facts_changed, _log, _raise, _strip, snapshot
from .validation import validate_guardian_fields
from .versions import _bump, check_version


# ---------------------------------------------------------------------------------------------- guardians


def _guardian_apply(guardian: Guardian, data: dict) -> None:
    for k, v in data.items():
        if k in GUARDIAN_FIELDS:
            setattr(guardian, k, v if v is not None or guardian._meta.get_field(k).null else "")


@transaction.atomic
def guardian_save(*, actor, child: Child, data: dict, guardian: Guardian | None = None, expected_version: int | None = None) -> Guardian:
    """Add or change a father, mother or other guardian with the facts classification needs. A change states the
    version the user loaded (``expected_version``, mandatory: :func:`check_version`)."""
    data = _strip({k: v for k, v in data.items() if k in GUARDIAN_FIELDS})
    if guardian is not None:
        guardian = Guardian.objects.select_for_update().get(pk=guardian.pk, child=child)
        check_version(guardian, expected_version)
        merged = snapshot(guardian, GUARDIAN_FIELDS)
        merged.update(data)
        merged["_pk"] = guardian.pk
    else:
        merged = dict(data)
    errors = validate_guardian_fields(merged, child=child)
    _raise(errors)
    before = snapshot(guardian, GUARDIAN_FIELDS) if guardian is not None else {}
    if guardian is None:
        guardian = Guardian(child=child)
    _guardian_apply(guardian, {k: merged[k] for k in data})
    if "id_number" in data:
        guardian.id_number = merged.get("id_number") or ""
    after = snapshot(guardian, GUARDIAN_FIELDS)
    if before == after:
        return guardian
    created = guardian.pk is None
    version = None if created else _bump(guardian)
    guardian.save()
    role = guardian.get_role_display()
    _log(actor=actor, child=child, action="create" if created else "update", summary=f"{'添加' if created else '修改'}监护人信息（{role}）",
         row=guardian, before=before, after=after, version=version)
    _facts_changed(child, actor)
    return guardian


@transaction.atomic
def restriction_add(*, actor, guardian: Guardian, data: dict) -> GuardianRestriction:
    """Record a prison term, detention or compulsory drug rehabilitation (sensitive)."""
    data = {k: v for k, v in data.items() if k in RESTRICTION_FIELDS}
    errors: dict[str, list[str]] = {}
    if data.get("kind") not in dict(GuardianRestriction._meta.get_field("kind").choices):
        errors["kind"] = ["请选择限制人身自由的类别"]
    if not data.get("start"):
        errors["start"] = ["请填写开始日期"]
    _date_order(errors, data, "start", "end", "解除日期早于开始日期")
    _raise(errors)
    row = GuardianRestriction.objects.create(guardian=guardian, **data)
    _log(actor=actor, child=guardian.child, action="create", summary="添加受限信息记录", row=row, before={}, after=snapshot(row, RESTRICTION_FIELDS), hide=True)
    _facts_changed(guardian.child, actor)
    return row


@transaction.atomic
def problem_add(*, actor, child: Child, data: dict) -> GuardianshipProblem:
    data = {k: v for k, v in data.items() if k in PROBLEM_FIELDS}
    if data.get("kind") not in dict(GuardianshipProblem._meta.get_field("kind").choices):
        raise ValidationError({"kind": ["请选择监护问题的情形"]})
    errors: dict[str, list[str]] = {}
    _date_order(errors, data, "since", "resolved_on", "消除日期早于发现日期")
    _raise(errors)
    row = GuardianshipProblem.objects.create(child=child, **data)
    hide = masking.is_sensitive_row(row)
    _log(actor=actor, child=child, action="create", summary="添加受限信息记录" if hide else f"添加监护问题：{row.get_kind_display()}",
         row=row, before={}, after=snapshot(row, PROBLEM_FIELDS), hide=hide)
    _facts_changed(child, actor)
    return row


