"""The ledger record ↔ the registry models.

* :func:`record_of` builds a child's ledger record (column key → canonical value, see ``validate``) from the
  database, for export and for comparing an imported row with the existing file;
* :func:`new_objects` turns an imported record into unsaved model objects for ``bulk_create``;
* :func:`apply_changes` writes the differences of an imported record onto an existing file (fields, father and
  mother, household, current care arrangement, current assistance of the ledger's schemes) and returns the
  field-level changes for the audit trail.

Mapping decisions (docs/ledger-format.md): the template's single 监护人健康状况 and 职业 are kept on the father's
record, or the mother's when no father is named, or on an "other guardian" row otherwise; the child's
享受救助情况 columns are current ``Assistance`` rows (no end date, or an end date not yet passed) of the matching
scheme; 教育/医疗/其他救助情况 are ``Assistance`` rows of schemes education_aid / medical_aid / other without a
monthly amount, with the text as description.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import F

from ..models import Assistance, CareArrangement, Child, Guardian, Household

# child's assistance columns → (scheme, "monthly amount" rows) ; aid columns → scheme of a text-only row
ASSIST_SCHEMES = {
    "assist_orphan": "orphan_allowance",
    "assist_unsupported": "unsupported_allowance",
    "assist_dibao": "dibao",
    "assist_tekun": "tekun",
    "assist_disability": "disability_allowance",
    "assist_temporary": "temporary_relief",
    "assist_other": "other",
}
AID_SCHEMES = {"aid_education": "education_aid", "aid_medical": "medical_aid", "aid_other": "other"}
FAMILY_FIELDS = {"family_dibao": "dibao_month", "family_tekun": "tekun_month", "family_disability": "disability_month", "family_other": "other_subsidy_month", "income_per_head": "income_per_head_year", "social_support": "social_support"}
HOUSEHOLD_KEYS = tuple(FAMILY_FIELDS)
CHILD_SIMPLE = {
    "name": "name", "sex": "sex", "ethnicity": "ethnicity", "id_number": "id_number", "address": "address",
    "hukou": "hukou_type", "single_parent": "single_parent", "boarding": "boarding", "guardianship": "guardianship_note",
    "psychology": "psych_behaviour", "partner_name": "pairing_name", "partner_phone": "pairing_phone", "partner_unit": "pairing_unit",
    "director_name": "director_name", "director_phone": "director_phone", "care_notes": "care_support", "other_notes": "other_notes",
    "hiv": "hiv_infected", "abuse_history": "abuse_history", "filed_by": "filed_by_name", "filed_at": "filed_on",
}
CARE_KEYS = ("caregiver_type", "caregiver_name", "entrust_reason", "care_quality")
GUARDIAN_KEYS = ("father_name", "father_phone", "mother_name", "mother_phone", "guardian_health", "guardian_occupation")
_CATEGORY = re.compile(r"^(.*?)(?:（具体类别：(.*)）)?$")


def _money(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def current_assistance(rows, today: dt.date) -> list[Assistance]:
    return [a for a in rows if a.end is None or a.end >= today]


def split_category(ledger_category: str) -> tuple[str, str]:
    match = _CATEGORY.match(ledger_category or "")
    return (match.group(1), match.group(2) or "") if match else (ledger_category or "", "")


def join_category(category: str, detail: str) -> str:
    return f"{category}（具体类别：{detail}）" if detail else category


def primary_guardian(guardians: list[Guardian]) -> Guardian | None:
    by_role = {g.role: g for g in guardians}
    for role in ("father", "mother"):
        g = by_role.get(role)
        if g is not None and g.name:
            return g
    others = [g for g in guardians if g.role == "other"]
    return others[0] if others else None


def record_of(child: Child, *, today: dt.date, sensitive: bool = True, guardians=None, care=None, assistance=None) -> dict:
    """The ledger record of a saved child (uses prefetched guardians / care_arrangements / assistance if given)."""
    guardians = list(child.guardians.all()) if guardians is None else guardians
    care_rows = list(child.care_arrangements.all()) if care is None else care
    assistance = list(child.assistance.all()) if assistance is None else assistance
    rec: dict = {}
    for key, field in CHILD_SIMPLE.items():
        rec[key] = getattr(child, field)
    rec["ethnicity"] = child.ethnicity or ""
    rec["id_number"] = child.id_number or None
    rec["hiv"] = bool(child.hiv_infected)
    if not sensitive:
        rec.pop("hiv")
        rec.pop("abuse_history")
    rec["birth_date"] = (child.birth_date, bool(child.birth_day_unknown))
    rec["village"] = child.village_id
    category, detail = split_category(child.ledger_category)
    rec["category"], rec["difficulty_type"] = category, detail
    rec["schooling"] = (child.schooling_status or "", child.school or "", child.grade or "")
    rec["health"] = (child.health_status or "", child.illness_name or "", child.disability_type or "", child.disability_grade, child.health_note or "")
    # assistance
    current = current_assistance(assistance, today)
    for key, scheme in ASSIST_SCHEMES.items():
        rows = [a for a in current if a.scheme == scheme and (scheme != "other" or a.amount_month is not None)]
        rec[key] = (_money(rows[0].amount_month) if rows[0].amount_month is not None else True) if rows else None
    for key, scheme in AID_SCHEMES.items():
        rows = [a for a in current if a.scheme == scheme and a.amount_month is None]
        rec[key] = rows[0].description if rows else ""
    # parents and the guardian health / occupation
    by_role = {g.role: g for g in guardians if g.role in ("father", "mother")}
    for role in ("father", "mother"):
        g = by_role.get(role)
        rec[f"{role}_name"] = g.name if g else ""
        rec[f"{role}_phone"] = g.phone if g else ""
    primary = primary_guardian(guardians)
    rec["guardian_health"] = (primary.health or "", primary.health_note or "") if primary else ("", "")
    rec["guardian_occupation"] = primary.occupation if primary else ""
    # household
    h = child.household
    rec["income_per_head"] = _money(h.income_per_head_year) if h else None
    rec["family_dibao"] = _money(h.dibao_month) if h else None
    rec["family_tekun"] = _money(h.tekun_month) if h else None
    rec["family_disability"] = _money(h.disability_month) if h else None
    rec["family_other"] = _money(h.other_subsidy_month) if h else None
    rec["social_support"] = h.social_support if h else ""
    # current care arrangement
    cur = next((c for c in care_rows if c.end is None), None)
    rec["caregiver_type"] = cur.caregiver_kind if cur else ""
    rec["caregiver_name"] = (cur.caregiver_name, cur.phone) if cur else ("", "")
    rec["entrust_reason"] = cur.reason if cur else ""
    rec["care_quality"] = cur.quality if cur else ""
    rec["file_no"] = child.pk
    return rec


def differences(existing: dict, imported: dict) -> dict:
    """``{key: (old, new)}`` for the keys of ``imported`` (the file's columns) whose value differs.

    An empty 建档人 / 建档时间 cell keeps the stored value (exports always fill them; hand-made ledgers rarely do).
    """
    out = {}
    for key, new in imported.items():
        if key in ("file_no", "township") or key not in existing:
            continue
        if key in ("filed_by", "filed_at") and not new:
            continue
        old = existing[key]
        if key == "birth_date" and new is not None and old is not None and new[0] == old[0] and new[1] and not old[1]:
            continue  # the file knows the day, the ledger only the month: not a change
        if key == "schooling" and new and old and not old[0] and new[0] == "in_school" and tuple(new[1:]) == tuple(old[1:]):
            continue  # a school without a schooling status exports as the school's name, which reads back as 在校
        if old != new:
            out[key] = (old, new)
    return out


# --- creating ----------------------------------------------------------------------------------------------
def child_values(rec: dict, *, actor_id, actor_name: str, today: dt.date) -> dict:
    """Field values (attnames) of a new child from an imported record; ``Child(**values)`` or a bulk insert."""
    v = {"village_id": rec["village"], "created_by_id": actor_id, "updated_by_id": actor_id}
    for key, field in CHILD_SIMPLE.items():
        if key in rec:
            v[field] = rec[key]
    v["id_number"] = rec.get("id_number") or None
    v["ethnicity"] = rec.get("ethnicity") or ""
    v["hukou_type"] = rec.get("hukou") or "unknown"
    v["hiv_infected"] = bool(rec.get("hiv"))
    for field in ("name", "address", "single_parent", "guardianship_note", "psych_behaviour", "pairing_name", "pairing_phone", "pairing_unit",
                  "director_name", "director_phone", "care_support", "other_notes", "abuse_history"):
        if v.get(field) is None:
            v[field] = ""
    v["birth_date"], v["birth_day_unknown"] = rec["birth_date"]
    v["ledger_category"] = join_category(rec.get("category", ""), rec.get("difficulty_type", ""))
    v["schooling_status"], v["school"], v["grade"] = rec.get("schooling") or ("", "", "")
    v["health_status"], v["illness_name"], v["disability_type"], v["disability_grade"], v["health_note"] = rec.get("health") or ("", "", "", None, "")
    v["filed_by_name"] = (rec.get("filed_by") or actor_name or "")[:50]
    v["filed_on"] = rec.get("filed_at") or today
    return v


def child_from(rec: dict, *, actor, today: dt.date) -> Child:
    name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""
    return Child(**child_values(rec, actor_id=getattr(actor, "pk", None), actor_name=name, today=today))


def household_key(rec: dict):
    """Rows of one file that share village, parents and household figures are siblings: one household."""
    if not any(rec.get(k) for k in HOUSEHOLD_KEYS):
        return None
    if not (rec.get("father_name") or rec.get("mother_name")):
        return ("row", id(rec))
    return (rec["village"], rec.get("father_name"), rec.get("mother_name"), *(rec.get(k) for k in HOUSEHOLD_KEYS))


def household_values(rec: dict) -> dict:
    v = {"village_id": rec["village"], "head_name": rec.get("father_name") or rec.get("mother_name") or "", "address": rec.get("address") or ""}
    for key, field in FAMILY_FIELDS.items():
        if key in rec:
            v[field] = rec[key] if rec[key] is not None else ("" if field == "social_support" else None)
    v["dibao"] = bool(v.get("dibao_month"))
    v["tekun"] = bool(v.get("tekun_month"))
    return v


def household_from(rec: dict) -> Household:
    return Household(**household_values(rec))


def _household_set(h: Household, rec: dict) -> None:
    for key, field in FAMILY_FIELDS.items():
        if key in rec:
            setattr(h, field, rec[key] if rec[key] is not None else ("" if field == "social_support" else None))
    h.dibao = bool(h.dibao_month) or (h.dibao and "family_dibao" not in rec)
    h.tekun = bool(h.tekun_month) or (h.tekun and "family_tekun" not in rec)


def related_values(rec: dict, *, child_id, actor_id, today: dt.date) -> tuple[list[dict], list[dict], list[dict]]:
    """Field values of the father, mother (or other guardian), care arrangement and assistance of a new row."""
    guardians = []
    health, health_note = rec.get("guardian_health") or ("", "")
    occupation = rec.get("guardian_occupation") or ""
    primary_role = "father" if rec.get("father_name") else ("mother" if rec.get("mother_name") else None)
    for role in ("father", "mother"):
        name, phone = rec.get(f"{role}_name") or "", rec.get(f"{role}_phone") or ""
        if name or phone:
            g = {"child_id": child_id, "role": role, "name": name, "phone": phone}
            if role == primary_role:
                g.update(health=health, health_note=health_note, occupation=occupation)
            guardians.append(g)
    if primary_role is None and (health or occupation):
        guardians.append({"child_id": child_id, "role": "other", "relation": "监护人", "health": health, "health_note": health_note, "occupation": occupation})
    care = []
    if any(rec.get(k) and rec.get(k) != ("", "") for k in CARE_KEYS):
        name, phone = rec.get("caregiver_name") or ("", "")
        care.append({"child_id": child_id, "caregiver_kind": rec.get("caregiver_type") or "other", "caregiver_name": name, "phone": phone,
                     "reason": rec.get("entrust_reason") or "", "quality": rec.get("care_quality") or "", "start": today, "created_by_id": actor_id})
    assistance = [_assistance_values(child_id, key, rec[key], actor_id, today) for key in (*ASSIST_SCHEMES, *AID_SCHEMES) if rec.get(key)]
    return guardians, care, assistance


def related_from(rec: dict, child: Child, *, actor, today: dt.date) -> tuple[list[Guardian], list[CareArrangement], list[Assistance]]:
    g, c, a = related_values(rec, child_id=child.pk, actor_id=getattr(actor, "pk", None), today=today)
    return [Guardian(**v) for v in g], [CareArrangement(**v) for v in c], [Assistance(**v) for v in a]


def _assistance_values(child_id, key, value, actor_id, today) -> dict:
    if key in AID_SCHEMES:
        return {"child_id": child_id, "scheme": AID_SCHEMES[key], "description": value[:200], "start": today, "created_by_id": actor_id}
    return {"child_id": child_id, "scheme": ASSIST_SCHEMES[key], "amount_month": None if value is True else value, "start": today, "created_by_id": actor_id}


def _assistance(child, key, value, actor, today) -> Assistance:
    return Assistance(**_assistance_values(child.pk, key, value, getattr(actor, "pk", None), today))


# --- updating ------------------------------------------------------------------------------------------
def apply_changes(child: Child, changes: dict, rec: dict, *, actor, today: dt.date) -> dict:
    """Write ``changes`` (from :func:`differences`) onto ``child`` and its rows. Returns audit changes
    ``{field: [old, new]}`` (values already masked by the caller's rules)."""
    audit: dict = {}
    child_dirty = False
    for key, (old, new) in changes.items():
        if key in CHILD_SIMPLE:
            setattr(child, CHILD_SIMPLE[key], new if new is not None or key in ("id_number", "boarding") else "")
            child_dirty = True
        elif key == "birth_date":
            child.birth_date, child.birth_day_unknown = new
            child_dirty = True
        elif key in ("category", "difficulty_type"):
            cat, detail = split_category(child.ledger_category)
            cat = rec.get("category", cat)
            detail = rec.get("difficulty_type", detail)
            child.ledger_category = join_category(cat, detail)
            child_dirty = True
        elif key == "village":
            child.village_id = new
            child_dirty = True
        elif key == "schooling":
            child.schooling_status, child.school, child.grade = new
            child_dirty = True
        elif key == "health":
            child.health_status, child.illness_name, child.disability_type, child.disability_grade, child.health_note = new
            child_dirty = True
        audit[key] = [old, new]
    if child_dirty:
        child.version += 1
        child.updated_by = actor
        child.save()
    if any(k in changes for k in GUARDIAN_KEYS):
        _update_guardians(child, rec)
    if any(k in changes for k in HOUSEHOLD_KEYS):
        h = child.household
        if h is None:
            h = household_from(rec)
            h.save()
            child.household = h
            Child.objects.filter(pk=child.pk).update(household=h)
        else:
            _household_set(h, rec)
            h.version += 1
            h.save()
    if any(k in changes for k in CARE_KEYS):
        for old in CareArrangement.objects.filter(child=child, end__isnull=True):
            old.end, old.end_reason = today, "台账导入更新"
            old.version += 1  # a change of that row: a form still open on it conflicts (services.check_version)
            old.save(update_fields=["end", "end_reason", "version"])
        merged = {k: rec.get(k) for k in CARE_KEYS}
        _g, care, _a = related_from({**merged, "village": child.village_id}, child, actor=actor, today=today)
        for c in care:
            c.save()
    for key in (*ASSIST_SCHEMES, *AID_SCHEMES):
        if key not in changes:
            continue
        scheme = ASSIST_SCHEMES.get(key) or AID_SCHEMES[key]
        rows = Assistance.objects.filter(child=child, scheme=scheme).filter(models_q_current(today))
        rows = rows.filter(amount_month__isnull=(key in AID_SCHEMES)) if scheme == "other" else rows
        rows.update(end=today - dt.timedelta(days=1), version=F("version") + 1)
        if changes[key][1]:
            _assistance(child, key, changes[key][1], actor, today).save()
    return audit


def models_q_current(today):
    from django.db.models import Q

    return Q(end__isnull=True) | Q(end__gte=today)


def _update_guardians(child: Child, rec: dict) -> None:
    existing = {g.role: g for g in child.guardians.all() if g.role in ("father", "mother")}
    others = [g for g in child.guardians.all() if g.role == "other"]
    health, health_note = rec.get("guardian_health") or ("", "")
    occupation = rec.get("guardian_occupation") or ""
    primary_role = "father" if rec.get("father_name") else ("mother" if rec.get("mother_name") else None)
    for role in ("father", "mother"):
        name, phone = rec.get(f"{role}_name", None), rec.get(f"{role}_phone", None)
        g = existing.get(role)
        if g is None and not (name or phone or role == primary_role):
            continue
        if g is None:
            g = Guardian(child=child, role=role)
        if name is not None:
            g.name = name
        if phone is not None:
            g.phone = phone
        if role == primary_role:
            if "guardian_health" in rec:
                g.health, g.health_note = health, health_note
            if "guardian_occupation" in rec:
                g.occupation = occupation
        if g.pk:
            g.version += 1
        g.save()
    if primary_role is None and (health or occupation):
        g = others[0] if others else Guardian(child=child, role="other", relation="监护人")
        g.health, g.health_note, g.occupation = health, health_note, occupation
        g.save()
