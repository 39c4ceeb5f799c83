"""What every writer of a file shares: the fields a form or the API may set, attachment rules, the audit entry
against the child, the facts-changed event, small validation helpers."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from tonghu.audit.services import audit_log, diff
from tonghu.core.events import REASON_EDIT, facts_changed
from tonghu.core.reference.idnumber import check_id_number

from .. import masking


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


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


