"""Assistance received (schemes, amounts, periods)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction


from .. import masking
from ..models import (
    Assistance,
    Child,
)
from .common import ASSISTANCE_FIELDS, _date_order, _facts_changed, _log, _raise, _strip, _user_or_none, snapshot
from .versions import _bump, check_version


# -------------------------------------------------------------------------------------------- assistance


def _validate_assistance(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    if data.get("scheme") not in dict(Assistance._meta.get_field("scheme").choices):
        errors["scheme"] = ["请选择救助项目"]
    for name in ("amount_month", "amount_once"):
        value = data.get(name)
        if value is not None and Decimal(value) < 0:
            errors[name] = ["金额不能为负数"]
        if value is not None and Decimal(value) > Decimal("100000"):
            errors[name] = [f"金额 {value} 元过大，请核对单位（元）"]
    _date_order(errors, data, "start", "end", "结束日期早于开始日期")
    return errors


@transaction.atomic
def assistance_add(*, actor, child: Child, data: dict) -> Assistance:
    data = _strip({k: v for k, v in data.items() if k in ASSISTANCE_FIELDS})
    _raise(_validate_assistance(data))
    row = Assistance.objects.create(child=child, created_by=_user_or_none(actor), **data)
    hide = masking.is_sensitive_row(row)
    _log(actor=actor, child=child, action="create", summary="添加受限信息记录" if hide else f"登记救助：{row.get_scheme_display()}",
         row=row, before={}, after=snapshot(row, ASSISTANCE_FIELDS), hide=hide)
    _facts_changed(child, actor)
    return row


@transaction.atomic
def assistance_update(*, actor, assistance: Assistance, data: dict, expected_version: int) -> Assistance:
    """Change an assistance row; ``expected_version``: the version the user loaded (:func:`check_version`)."""
    row = Assistance.objects.select_for_update().get(pk=assistance.pk)
    check_version(row, expected_version)
    data = _strip({k: v for k, v in data.items() if k in ASSISTANCE_FIELDS})
    merged = snapshot(row, ASSISTANCE_FIELDS) | data
    _raise(_validate_assistance(merged))
    before = snapshot(row, ASSISTANCE_FIELDS)
    for k, v in data.items():
        setattr(row, k, v)
    after = snapshot(row, ASSISTANCE_FIELDS)
    if before == after:
        return row
    version = _bump(row)
    row.save()
    hide = masking.is_sensitive_row(row) or before.get("scheme") in masking.SENSITIVE_SCHEMES
    _log(actor=actor, child=row.child, action="update", summary="修改受限信息记录" if hide else f"修改救助记录：{row.get_scheme_display()}",
         row=row, before=before, after=after, hide=hide, version=version)
    _facts_changed(row.child, actor)
    return row


