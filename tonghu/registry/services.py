"""Writes to children's files. Every function is atomic, validates, and appends its audit entry (field-level
before/after) in the same transaction. Nothing here deletes a file: a file changes status with a reason.

Audit convention: every change to a file or to one of its rows is logged against the child (``obj=child``), so
the file's change history is one query; ``changes`` carries ``_model``/``_id`` for rows other than the child and
the field-level ``[before, after]``. Sensitive values are never written to the trail (``masking.audit_value``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from tonghu.audit.services import audit_log, diff
from tonghu.core.events import REASON_EDIT, facts_changed
from tonghu.core.models import Region
from tonghu.core.reference.ethnicities import ETHNICITY_CHOICES
from tonghu.core.reference.idnumber import check_id_number, mask_id_number
from tonghu.core.scoping import in_scope
from tonghu.core.versioning import EditConflictError, bump, version_missing_message  # noqa: F401 (re-exported)
from tonghu.core.versioning import check_version as _check_version

from . import masking
from .models import (
    Assistance,
    Attachment,
    CareArrangement,
    Child,
    ChildStatus,
    DepartureRegistration,
    Guardian,
    GuardianRestriction,
    GuardianRole,
    GuardianshipProblem,
    HealthStatus,
    Household,
    SchoolingStatus,
    Sex,
    StatusChange,
    StatusChangeKind,
)
from .pinyin import name_keys

VIEW = "registry.view_children"

# The fields of the child a form or the API may set (the rest is derived or managed by the lifecycle services).
CHILD_FIELDS = [
    "name", "former_names", "sex", "ethnicity", "birth_date", "birth_day_unknown", "id_number",
    "hukou_type", "hukou_region_code", "hukou_address", "village", "address",
    "schooling_status", "school", "grade", "dropout_since", "boarding",
    "health_status", "illness_name", "illness_evidence", "disability_type", "disability_grade", "disability_evidence",
    "health_note", "psych_behaviour", "psych_problem",
    "hiv_infected", "hiv_evidence", "abuse_history",
    "single_parent", "guardianship_note", "birth_parents_unfound", "birth_parents_unfound_date",
    "birth_parents_unfound_evidence", "other_difficulty", "other_difficulty_evidence", "ledger_category",
    "director", "director_name", "director_phone", "pairing_name", "pairing_phone", "pairing_unit",
    "care_support", "other_notes", "filed_by_name", "filed_on",
]
HOUSEHOLD_FIELDS = [
    "head_name", "address", "phone", "income_per_head_year", "dibao", "dibao_month", "tekun", "tekun_month",
    "disability_month", "other_subsidy_month", "other_subsidy_note", "low_income", "social_support", "note",
]
GUARDIAN_FIELDS = [
    "role", "relation", "is_legal_guardian", "lives_with_child", "name", "id_number", "phone", "birth_year", "health",
    "health_note", "occupation", "capacity",
    "working_away", "away_since", "away_until", "away_destination_code", "away_destination", "away_short_trips_home", "away_evidence",
    "deceased", "deceased_date", "deceased_by_court", "deceased_evidence",
    "missing_declared", "missing_date", "missing_evidence",
    "out_of_contact", "out_of_contact_since", "police_report_date", "out_of_contact_evidence",
    "guardianship_revoked", "revoked_date", "revoked_evidence", "deported", "deported_date", "deported_evidence",
    "disability_type", "disability_grade", "disability_evidence",
    "serious_illness", "serious_illness_name", "serious_illness_date", "serious_illness_evidence",
    "criminal_record", "note",
]
CARE_FIELDS = [
    "caregiver_kind", "caregiver_name", "relation", "phone", "id_number", "capacity", "reason", "quality",
    "agreement_signed", "agreement_date", "committee_informed", "start", "note",
]
DEPARTURE_FIELDS = [
    "guardian", "departed_on", "expected_return", "destination_code", "destination", "employer", "contact_phone",
    "care", "school_informed", "school_informed_on", "committee_informed", "committee_informed_on", "registered_on", "note",
]
ASSISTANCE_FIELDS = ["scheme", "amount_month", "amount_once", "start", "end", "granted_by", "description"]
RESTRICTION_FIELDS = ["kind", "start", "end", "place", "evidence", "note"]
PROBLEM_FIELDS = ["kind", "since", "resolved_on", "evidence", "note"]

# attachment.fact -> (target, evidence field) set when a proving document is uploaded
FACT_EVIDENCE = {
    "child.disability": ("child", "disability_evidence"),
    "child.illness": ("child", "illness_evidence"),
    "child.hiv": ("child", "hiv_evidence"),
    "child.birth_parents_unfound": ("child", "birth_parents_unfound_evidence"),
    "child.other_difficulty": ("child", "other_difficulty_evidence"),
    "guardian.working_away": ("guardian", "away_evidence"),
    "guardian.deceased": ("guardian", "deceased_evidence"),
    "guardian.missing": ("guardian", "missing_evidence"),
    "guardian.out_of_contact": ("guardian", "out_of_contact_evidence"),
    "guardian.revoked": ("guardian", "revoked_evidence"),
    "guardian.deported": ("guardian", "deported_evidence"),
    "guardian.disability": ("guardian", "disability_evidence"),
    "guardian.serious_illness": ("guardian", "serious_illness_evidence"),
    "care.agreement": ("care", "agreement_signed"),
}
SENSITIVE_FACTS = {"child.hiv"}

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".gif": "image/gif", ".webp": "image/webp", ".heic": "image/heic", ".tif": "image/tiff", ".tiff": "image/tiff",
    ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class DuplicateChildError(ValidationError):
    """A file for this child may already exist. ``report`` is the :class:`DuplicateReport`."""

    def __init__(self, report: "DuplicateReport"):
        self.report = report
        super().__init__({"id_number" if report.id_blocking else "__all__": [report.message]})


# ---------------------------------------------------------------------------------------------- helpers


def _actor_name(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor)
    return str(actor or "")


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _facts_changed(child, actor) -> None:
    """A fact about the child changed: after this transaction commits, its classification and then its visit
    schedule are recomputed (``tonghu.core.events.facts_changed``; nothing happens if it rolls back)."""
    facts_changed([child.pk], reason=REASON_EDIT, actor=_user_or_none(actor))


def snapshot(obj, fields) -> dict:
    out = {}
    for name in fields:
        f = obj._meta.get_field(name)
        out[name] = getattr(obj, f.attname)
    return out


def _audit_changes(model, before: dict, after: dict, extra: dict | None = None) -> dict:
    empty = (None, "", False) if not before else (None, "")  # a new record lists only what was filled in
    keys = [k for k in set(before) | set(after) if not (before.get(k) in empty and after.get(k) in empty)]
    changes = diff(
        {k: masking.audit_value(model, k, before.get(k)) for k in keys},
        {k: masking.audit_value(model, k, after.get(k)) for k in keys},
    )
    # A sensitive value that changed still shows as a change, with both sides hidden.
    for k in set(before) | set(after):
        if masking.is_sensitive_field(model, k) and before.get(k) != after.get(k):
            changes[k] = [masking.AUDIT_HIDDEN, masking.AUDIT_HIDDEN]
    if extra:
        changes.update(extra)
    return changes


def _log(*, actor, child, action, summary, row=None, before=None, after=None, hide=False, version=None) -> None:
    """``version``: ``(old, new)`` of the row's version when it changed; kept in clear even when the values are
    hidden, so a later conflicting edit can list this change (:func:`_conflict_changes`)."""
    model = row if row is not None else child
    changes = _audit_changes(model, before or {}, after or {}) if not hide else {}
    if hide:
        changed = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
        changes = {k: [masking.AUDIT_HIDDEN, masking.AUDIT_HIDDEN] for k in changed}
    if version is not None:
        changes["version"] = list(version)
    if row is not None:
        changes["_model"] = row._meta.label_lower
        changes["_id"] = row.pk
    audit_log(actor=actor, action=action, obj=child, summary=summary, changes=changes)


def _strip(data: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def _today() -> dt.date:
    return timezone.localdate()


_CODE = re.compile(r"^\d+$")


def _code_error(value: str, lengths: tuple[int, ...], label: str) -> str | None:
    if not value:
        return None
    if not _CODE.match(value) or len(value) not in lengths:
        return f"{label}“{value}”格式错误，应为{'、'.join(map(str, lengths))}位数字的区划代码"
    return None


def _date_order(errors: dict, data: dict, first: str, second: str, message: str) -> None:
    a, b = data.get(first), data.get(second)
    if a and b and b < a:
        errors.setdefault(second, []).append(message)


def _not_future(errors: dict, data: dict, fields_labels: dict) -> None:
    today = _today()
    for name, label in fields_labels.items():
        value = data.get(name)
        if value and value > today:
            errors.setdefault(name, []).append(f"{label}不能晚于今天")


def clean_id_number(value, birth_date=None, sex=None) -> tuple[str | None, list[str]]:
    """Normalise and check a 公民身份号码 (``None`` when empty). Errors are Chinese and name the field."""
    if value is None or not str(value).strip():
        return None, []
    result = check_id_number(value, birth=birth_date, sex=sex)
    return (result.normalized or None), list(result.errors)


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


def _assignable(errors: dict, director) -> None:
    """A director being assigned to a file must pass the registered checks (R-F7: an adverse background check
    blocks it; ``tonghu.core.assignment``)."""
    from tonghu.core.assignment import refusal

    message = refusal(director)
    if message:
        errors.setdefault("director", []).append(message)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# -------------------------------------------------------------------------------------------- duplicates


@dataclass
class DuplicateReport:
    id_number: str | None = None
    id_match_visible: Child | None = None  # the existing file, when the user may open it
    id_match_contact: str = ""  # who to contact when the existing file is outside the user's region
    similar: list[Child] = field(default_factory=list)  # same name or same pinyin + same birth date, in scope
    similar_elsewhere: int = 0  # the same, in the county but outside the user's region (count only)

    @property
    def id_blocking(self) -> bool:
        return self.id_match_visible is not None or bool(self.id_match_contact)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.similar or self.similar_elsewhere)

    @property
    def blocking(self) -> bool:
        return self.id_blocking

    @property
    def message(self) -> str:
        if self.id_match_visible is not None:
            c = self.id_match_visible
            return f"身份证号码 {mask_id_number(self.id_number)} 已有档案：{c.name}（{c.village.name}，档案编号 {c.pk}），不能重复建档。请打开已有档案更新信息。"
        if self.id_match_contact:
            return self.id_match_contact
        if self.needs_confirmation:
            parts = []
            if self.similar:
                parts.append(f"本辖区已有 {len(self.similar)} 份姓名（或拼音）和出生日期相同的档案")
            if self.similar_elsewhere:
                parts.append(f"本县其他辖区另有 {self.similar_elsewhere} 份姓名（或拼音）和出生日期相同的档案，请与县级民政部门核实")
            return "；".join(parts) + "。如确认是另一名儿童，请勾选“这是另一名儿童，继续建档”。"
        return ""


def _county_of(code: str) -> Region | None:
    return Region.objects.filter(code=code[:6] + "000000").first()


def find_duplicates(*, user, name: str, birth_date, id_number: str | None = None, village=None, exclude_pk=None) -> DuplicateReport:
    """Look for an existing file of the same child.

    * Same ID number anywhere (unscoped lookup, but only the county is revealed when it is outside ``user``'s
      region: "该身份证号码已在XX县建档，请联系XX县民政局").
    * Same name, or same full pinyin, with the same birth date in the county of ``village`` (or the user's).
    """
    report = DuplicateReport(id_number=id_number or None)
    if id_number:
        existing = Child.objects.filter(id_number=id_number)
        if exclude_pk:
            existing = existing.exclude(pk=exclude_pk)
        match = existing.select_related("village").first()
        if match is not None:
            if Child.objects.visible_to(user, VIEW).filter(pk=match.pk).exists():
                report.id_match_visible = match
            else:
                county = _county_of(match.village_id)
                county_name = county.name if county else match.village_id[:6]
                report.id_match_contact = (
                    f"该身份证号码已在{county_name}建立儿童档案，不能重复建档。"
                    f"如儿童已迁入本地，请联系{county_name}民政局办理档案转移。"
                )
    county_code = (getattr(village, "code", None) or village or getattr(getattr(user, "region", None), "code", "") or "")[:6]
    if name and birth_date and county_code:
        full, _initials = name_keys(name)
        candidates = Child.objects.filter(birth_date=birth_date, village__code__range=(county_code + "000000", county_code + "999999"))
        candidates = candidates.filter(Q(name=name.strip()) | Q(name_pinyin=full) if full else Q(name=name.strip()))
        if exclude_pk:
            candidates = candidates.exclude(pk=exclude_pk)
        if report.id_match_visible is not None:
            candidates = candidates.exclude(pk=report.id_match_visible.pk)
        visible_ids = set(Child.objects.visible_to(user, VIEW).filter(pk__in=candidates.values("pk")).values_list("pk", flat=True))
        all_ids = list(candidates.values_list("pk", flat=True)[:50])
        report.similar = list(Child.objects.filter(pk__in=visible_ids).select_related("village")[:20])
        report.similar_elsewhere = len([pk for pk in all_ids if pk not in visible_ids])
    return report


def existing_id_numbers(numbers) -> set[str]:
    """Which of these (normalised) ID numbers already have a file, anywhere. For bulk imports (chunk the input)."""
    numbers = [n for n in numbers if n]
    found: set[str] = set()
    for i in range(0, len(numbers), 500):
        found.update(Child.objects.filter(id_number__in=numbers[i : i + 500]).values_list("id_number", flat=True))
    return found


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
    _assignable(errors, data.get("director"))
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


def _file_children(obj) -> list[int]:
    """The children whose files log the changes of ``obj`` (services' audit convention: against the child)."""
    if isinstance(obj, Child):
        return [obj.pk]
    if isinstance(obj, Household):
        return list(obj.children.values_list("pk", flat=True)[:20])
    if isinstance(obj, GuardianRestriction):
        return [obj.guardian.child_id]
    return [obj.child_id]


def _conflict_changes(obj, since_version: int) -> list[dict]:
    """Who changed ``obj`` (any versioned record of a file) after ``since_version``, from the audit trail: the
    entries logged against its child whose ``version`` went up from ``since_version`` or later."""
    from tonghu.audit.models import AuditEntry

    from .history import describe_changes

    label = obj._meta.label_lower
    children = [str(pk) for pk in _file_children(obj)]
    entries = AuditEntry.objects.filter(object_type="registry.child", object_id__in=children, action__in=("update", "status")).order_by("-seq")[:100]
    out, seen = [], set()
    for entry in entries:
        ch = entry.changes or {}
        if ch.get("_model", "registry.child") != label or (label != "registry.child" and ch.get("_id") != obj.pk):
            continue
        version = ch.get("version")
        if not version or version[0] < since_version or tuple(version) in seen:
            continue
        seen.add(tuple(version))  # a household's change is logged once per child of the household
        for row in describe_changes(ch, user=None):
            out.append({"at": entry.at, "actor": entry.actor_name, **row})
    return out


def check_version(current, expected_version) -> None:
    """The edit-conflict check of every update of a versioned record (child, household, guardian, care,
    assistance…), for every path (page, API, ledger import): :func:`tonghu.core.versioning.check_version` with the
    other person's changes read from the file's audit trail (:func:`_conflict_changes`)."""
    _check_version(current, expected_version, changes=_conflict_changes)


_bump = bump


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
    if merged.get("director") is not None and getattr(merged["director"], "pk", None) != current.director_id:
        _assignable(errors, merged["director"])
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


# ------------------------------------------------------------------------------------------- attachments


@transaction.atomic
def attachment_add(*, actor, child: Child, upload, kind: str, title: str = "", fact: str = "", guardian: Guardian | None = None,
                   care: CareArrangement | None = None, sensitive: bool = False) -> Attachment:
    """Store a scanned document. ``fact`` (see FACT_EVIDENCE) marks the fact it proves as evidenced."""
    from pathlib import PurePath

    errors: dict[str, list[str]] = {}
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        errors["file"] = [f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 PDF、图片（JPG/PNG）或 Word/Excel 文件"]
    if upload.size > ATTACHMENT_MAX_BYTES:
        errors["file"] = [f"文件过大（{upload.size // 1024 // 1024} MB），单个附件不能超过 10 MB"]
    if kind not in dict(Attachment._meta.get_field("kind").choices):
        errors["kind"] = ["请选择材料类别"]
    if fact and fact not in FACT_EVIDENCE:
        errors["fact"] = [f"未知的证明事项“{fact}”"]
    target_kind = FACT_EVIDENCE.get(fact, (None,))[0]
    if target_kind == "guardian" and guardian is None:
        errors["guardian"] = ["该证明事项须选择对应的监护人"]
    if target_kind == "care" and care is None:
        errors["care"] = ["委托照护协议须选择对应的照护安排"]
    if guardian is not None and guardian.child_id != child.pk:
        errors["guardian"] = ["监护人不属于该儿童"]
    if care is not None and care.child_id != child.pk:
        errors["care"] = ["照护安排不属于该儿童"]
    _raise(errors)
    sensitive = bool(sensitive or fact in SENSITIVE_FACTS)
    row = Attachment(child=child, guardian=guardian, care=care, kind=kind, fact=fact, title=(title or upload.name)[:100],
                     content_type=ATTACHMENT_TYPES[suffix], size=upload.size, sensitive=sensitive, uploaded_by=_user_or_none(actor))
    row.file.save(upload.name, upload, save=False)
    row.save()
    _log(actor=actor, child=child, action="create", summary="上传受限材料" if sensitive else f"上传附件：{row.title}",
         row=row, before={}, after={} if sensitive else {"kind": kind, "title": row.title, "fact": fact})
    if fact:
        target, evidence_field = FACT_EVIDENCE[fact]
        obj = {"child": child, "guardian": guardian, "care": care}[target]
        if not getattr(obj, evidence_field):
            model = type(obj)
            model.objects.filter(pk=obj.pk).update(**{evidence_field: True, "version": models.F("version") + 1})
            setattr(obj, evidence_field, True)
            version = _bump(obj)
            _log(actor=actor, child=child, action="update", summary="根据上传的证明材料标记“有证明材料”",
                 row=None if target == "child" else obj, before={evidence_field: False}, after={evidence_field: True}, version=version)
    _facts_changed(child, actor)
    return row


@transaction.atomic
def attachment_withdraw(*, actor, attachment: Attachment, reason: str) -> Attachment:
    """Mark an attachment as withdrawn (uploaded by mistake). The file is kept for the record, not shown."""
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写撤回原因"]})
    Attachment.objects.filter(pk=attachment.pk).update(withdrawn=True, version=models.F("version") + 1)
    attachment.withdrawn = True
    version = _bump(attachment)
    _log(actor=actor, child=attachment.child, action="update", summary=f"撤回附件：{reason.strip()}", row=attachment,
         before={"withdrawn": False}, after={"withdrawn": True}, version=version)
    _facts_changed(attachment.child, actor)
    return attachment
