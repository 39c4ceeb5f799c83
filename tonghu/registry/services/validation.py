"""Validation of a child's and a guardian's fields (messages name the field; all errors at once)."""

from __future__ import annotations

import re


from tonghu.core.reference.ethnicities import ETHNICITY_CHOICES

from ..models import (
    Child,
    GuardianRole,
    HealthStatus,
    SchoolingStatus,
    Sex,
)
from .common import _code_error, _date_order, _not_future, _today, clean_id_number


# ------------------------------------------------------------------------------------------- validation


def validate_child_fields(data: dict) -> dict[str, list[str]]:
    """Check the child's fields (``data`` holds Python values as a form would clean them). Returns
    ``{field: [Chinese message, …]}``; empty when everything is right. Normalises ``data["id_number"]`` in place."""
    errors: dict[str, list[str]] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        err("name", "请填写姓名")
    elif len(name) > 50:
        err("name", "姓名不能超过 50 个字")
    if data.get("sex") not in Sex.values:
        err("sex", "请选择性别（男或女）")
    birth = data.get("birth_date")
    today = _today()
    if not birth:
        err("birth_date", "请填写出生日期")
    elif birth > today:
        err("birth_date", f"出生日期 {birth:%Y-%m-%d} 晚于今天，请核对")
    elif birth.year < today.year - 30:
        err("birth_date", f"出生日期 {birth:%Y-%m-%d} 距今已超过 30 年，不属于儿童档案的范围，请核对")
    if "id_number" in data:
        number, id_errors = clean_id_number(data.get("id_number"), birth if not data.get("birth_day_unknown") else None, data.get("sex"))
        if number and data.get("birth_day_unknown") and birth and not id_errors:
            from tonghu.core.reference.idnumber import birth_date_of

            id_birth = birth_date_of(number)
            if (id_birth.year, id_birth.month) != (birth.year, birth.month):
                id_errors.append(f"身份证号码中的出生年月为 {id_birth:%Y-%m}，与填写的 {birth:%Y-%m} 不一致")
        for message in id_errors:
            err("id_number", message)
        data["id_number"] = number
    ethnicity = data.get("ethnicity")
    if ethnicity and ethnicity not in dict(ETHNICITY_CHOICES):
        err("ethnicity", f"民族代码“{ethnicity}”不在 GB/T 3304 民族代码表中")
    message = _code_error(data.get("hukou_region_code") or "", (6, 9, 12), "户籍所在地区划代码")
    if message:
        err("hukou_region_code", message)
    village = data.get("village")
    if "village" in data:
        if village is None:
            err("village", "请选择所在村（社区）")
        elif getattr(village, "level", "village") != "village":
            err("village", f"“{village}”不是村（社区）一级的区划，请选择儿童所在的村或社区")
    health = data.get("health_status")
    if health in (HealthStatus.SERIOUS_ILLNESS, HealthStatus.CHRONIC) and not (data.get("illness_name") or "").strip():
        err("illness_name", "健康状况为重病或慢性病时，请填写患病情况")
    if health == HealthStatus.DISABILITY and not data.get("disability_grade"):
        err("disability_grade", "健康状况为残疾时，请填写残疾等级")
    if data.get("disability_grade") and not data.get("disability_type"):
        err("disability_type", "填写了残疾等级时，请同时选择残疾类别")
    grade = data.get("disability_grade")
    if grade not in (None, "") and grade not in (1, 2, 3, 4):
        err("disability_grade", f"残疾等级应为一级至四级，收到“{grade}”")
    if data.get("schooling_status") != SchoolingStatus.DROPPED_OUT and data.get("dropout_since"):
        err("dropout_since", "只有就学情况为“辍学”时才填写辍学时间")
    if birth:
        for name_, label in (("dropout_since", "辍学时间"), ("birth_parents_unfound_date", "查找不到生父母认定日期")):
            value = data.get(name_)
            if value and value < birth:
                err(name_, f"{label}早于出生日期")
    _not_future(errors, data, {"dropout_since": "辍学时间", "filed_on": "建档日期", "birth_parents_unfound_date": "认定日期"})
    phone = (data.get("pairing_phone") or "").strip()
    if phone and not re.fullmatch(r"[0-9+\-() ]{5,30}", phone):
        err("pairing_phone", f"结对人员电话“{phone}”格式不正确")
    return errors


def validate_guardian_fields(data: dict, *, child: Child | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    role = data.get("role")
    if role not in GuardianRole.values:
        err("role", "请选择监护人身份（父亲、母亲或其他监护人）")
    if role == GuardianRole.OTHER and not (data.get("relation") or "").strip():
        err("relation", "其他监护人请填写与儿童的关系（如祖父、外祖母）")
    sex = {"father": "M", "mother": "F"}.get(role)
    if "id_number" in data:
        number, id_errors = clean_id_number(data.get("id_number"), None, sex)
        for message in id_errors:
            err("id_number", message.replace("与填写的", "与监护人身份（父亲/母亲）对应的"))
        data["id_number"] = number or ""
    message = _code_error(data.get("away_destination_code") or "", (2, 4, 6, 9, 12), "务工地区划代码")
    if message:
        err("away_destination_code", message)
    if data.get("working_away") and not data.get("away_since"):
        err("away_since", "外出务工时请填写外出时间")
    _date_order(errors, data, "away_since", "away_until", "返乡时间早于外出时间")
    _date_order(errors, data, "out_of_contact_since", "police_report_date", "公安机关受理报案日期早于失联时间，请核对")
    if data.get("disability_grade") and not data.get("disability_type"):
        err("disability_type", "填写了残疾等级时，请同时选择残疾类别")
    if data.get("deceased") and data.get("working_away") and not data.get("away_until"):
        err("working_away", "已死亡的监护人不能同时登记为正在外出务工，请填写返乡时间或取消外出务工")
    _not_future(errors, data, {"deceased_date": "死亡日期", "missing_date": "宣告失踪日期", "out_of_contact_since": "失联时间",
                               "police_report_date": "报案受理日期", "revoked_date": "撤销监护资格日期", "deported_date": "遣送出境日期",
                               "away_since": "外出时间"})
    year = data.get("birth_year")
    if year and not (1920 <= int(year) <= _today().year - 10):
        err("birth_year", f"出生年份“{year}”不合理，请核对")
    if child is not None and role in (GuardianRole.FATHER, GuardianRole.MOTHER):
        others = child.guardians.filter(role=role)
        if data.get("_pk"):
            others = others.exclude(pk=data["_pk"])
        if others.exists():
            err("role", f"该儿童已登记{GuardianRole(role).label}，请修改已有记录，不要重复添加")
    data.pop("_pk", None)
    return errors


