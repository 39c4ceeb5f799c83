"""Entrusted care (委托照护) and parents' departure registrations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction


from ..models import (
    CareArrangement,
    Child,
    DepartureRegistration,
)
from .common import CARE_FIELDS, DEPARTURE_FIELDS, _code_error, _date_order, _facts_changed, _log, _not_future, _raise, _strip, _today, _user_or_none, clean_id_number, snapshot
from .guardians import guardian_save
from .versions import _bump, check_version


# ----------------------------------------------------------------------------------------- entrusted care


def _validate_care(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    kind = data.get("caregiver_kind")
    if kind not in dict(CareArrangement._meta.get_field("caregiver_kind").choices):
        errors["caregiver_kind"] = ["请选择委托监护人情况（祖父母外祖父母、亲戚朋友、其他或无委托人照护）"]
    elif kind != "none" and not (data.get("caregiver_name") or "").strip():
        errors["caregiver_name"] = ["请填写受委托照护人的姓名"]
    if data.get("agreement_date") and not data.get("agreement_signed"):
        data["agreement_signed"] = True
    if "id_number" in data:
        number, id_errors = clean_id_number(data.get("id_number"))
        if id_errors:
            errors["id_number"] = id_errors
        data["id_number"] = number or ""
    _not_future(errors, data, {"agreement_date": "协议签订日期", "start": "开始日期"})
    return errors


@transaction.atomic
def care_start(*, actor, child: Child, data: dict) -> CareArrangement:
    """Record a new caregiver (R-F1). The current arrangement, if any, ends the day the new one starts; the
    history is kept."""
    data = _strip({k: v for k, v in data.items() if k in CARE_FIELDS})
    data.setdefault("start", _today())
    data["start"] = data.get("start") or _today()
    errors = _validate_care(data)
    _raise(errors)
    previous = list(CareArrangement.objects.select_for_update().filter(child=child, end__isnull=True))
    for old in previous:
        if old.start and data["start"] < old.start:
            raise ValidationError({"start": [f"开始日期早于当前照护安排的开始日期（{old.start:%Y-%m-%d}）"]})
    for old in previous:
        old.end = data["start"]
        old.end_reason = "更换受委托照护人"
        version = _bump(old)
        old.save(update_fields=["end", "end_reason", "version"])
        _log(actor=actor, child=child, action="update", summary="结束委托照护安排", row=old, before={"end": None}, after={"end": old.end}, version=version)
    care = CareArrangement.objects.create(child=child, created_by=_user_or_none(actor), **data)
    _log(actor=actor, child=child, action="create", summary=f"登记委托照护：{care}", row=care, before={}, after=snapshot(care, CARE_FIELDS))
    _facts_changed(child, actor)
    return care


@transaction.atomic
def care_update(*, actor, care: CareArrangement, data: dict, expected_version: int) -> CareArrangement:
    """Update the current arrangement (e.g. the director re-assesses the quality of care); ``expected_version``:
    the version the user loaded (:func:`check_version`)."""
    care = CareArrangement.objects.select_for_update().get(pk=care.pk)
    check_version(care, expected_version)
    data = _strip({k: v for k, v in data.items() if k in CARE_FIELDS + ["end", "end_reason"]})
    merged = snapshot(care, CARE_FIELDS)
    merged.update(data)
    errors = _validate_care(merged)
    _date_order(errors, merged | {"end": data.get("end", care.end)}, "start", "end", "结束日期早于开始日期")
    _raise(errors)
    fields_ = CARE_FIELDS + ["end", "end_reason"]
    before = snapshot(care, fields_)
    for k in data:
        setattr(care, k, merged.get(k, data[k]))
    after = snapshot(care, fields_)
    if before == after:
        return care
    version = _bump(care)
    care.save()
    _log(actor=actor, child=care.child, action="update", summary="修改委托照护信息", row=care, before=before, after=after, version=version)
    _facts_changed(care.child, actor)
    return care


@transaction.atomic
def departure_register(*, actor, child: Child, data: dict) -> DepartureRegistration:
    """外出登记 (R-B7). Also marks the departing parent as working away when not yet recorded."""
    data = _strip({k: v for k, v in data.items() if k in DEPARTURE_FIELDS})
    errors: dict[str, list[str]] = {}
    if not data.get("departed_on"):
        errors["departed_on"] = ["请填写外出日期"]
    if not data.get("destination"):
        errors["destination"] = ["请填写外出地点"]
    if not data.get("contact_phone"):
        errors["contact_phone"] = ["请填写外出期间的联系电话"]
    message = _code_error(data.get("destination_code") or "", (2, 4, 6, 9, 12), "外出地区划代码")
    if message:
        errors["destination_code"] = [message]
    _date_order(errors, data, "departed_on", "expected_return", "预计返回日期早于外出日期")
    guardian = data.get("guardian")
    if guardian is not None and guardian.child_id != child.pk:
        errors["guardian"] = ["外出人须是该儿童的监护人"]
    care = data.get("care")
    if care is not None and care.child_id != child.pk:
        errors["care"] = ["委托照护安排须属于该儿童"]
    _raise(errors)
    data.setdefault("registered_on", _today())
    data["registered_on"] = data.get("registered_on") or _today()
    if data.get("school_informed_on"):
        data["school_informed"] = True
    if data.get("committee_informed_on"):
        data["committee_informed"] = True
    reg = DepartureRegistration.objects.create(child=child, created_by=_user_or_none(actor), **data)
    _log(actor=actor, child=child, action="create", summary=f"外出登记：{reg.destination}", row=reg, before={}, after=snapshot(reg, DEPARTURE_FIELDS))
    _facts_changed(child, actor)
    if guardian is not None and not guardian.working_away:
        guardian_save(actor=actor, child=child, guardian=guardian, data={
            "working_away": True, "away_since": reg.departed_on, "away_until": None,
            "away_destination_code": reg.destination_code, "away_destination": reg.destination,
        }, expected_version=guardian.version)
    return reg


