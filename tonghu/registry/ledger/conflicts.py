"""Re-importing an older ledger must not revert newer edits (issue 10 item 2; docs/ledger-format.md, "版本与冲突").

A file's **version** on the ledger is the sequence number of the last change recorded against it in the audit trail
(every change to a file or to one of its rows is logged against the child: registry/services.py). The export
writes it in the column 档案版本; on import, a row that would change its file is a **conflict** when:

* the row carries a version and the file has changes recorded after it (someone edited the file after the
  export): every one of those changes is listed; or
* the row has no version (a county's own sheet, or the column was dropped) and the history shows that a value
  the row would write is the value a later change replaced (the sheet still holds what was there before): those
  changes are listed.

A conflicting row is reported like any row error (第 N 行 …, with who changed what and when) and not written,
unless the user re-imports naming the row in ``overwrite_rows`` (the import form's "确认覆盖的行"): the explicit
choice. :func:`row_conflict` is the one entry point; the importer calls it for each row that would update a file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.audit.models import AuditEntry

from .. import masking
from . import records as R
from .columns import BY_KEY

CHANGE_ACTIONS = ("create", "update", "status")
HISTORY_LIMIT = 200  # entries of one file read for the field-by-field comparison
SHOWN = 6  # changes quoted in one row's message


def _changes_of(child_pk):
    return AuditEntry.objects.filter(object_type="registry.child", object_id=str(child_pk), action__in=CHANGE_ACTIONS)


def with_file_versions(qs):
    """``qs`` of children annotated with ``file_version`` (the last change's audit sequence number; ``None``: no
    change was ever recorded, e.g. files created by a bulk import)."""
    last = AuditEntry.objects.filter(object_type="registry.child", object_id=Cast(OuterRef("pk"), CharField()),
                                     action__in=CHANGE_ACTIONS).order_by("-seq").values("seq")[:1]
    return qs.annotate(file_version=Subquery(last))


# --- comparing values as the audit trail stores them ----------------------------------------------------------
def _norm(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "|".join(_norm(v) for v in value)
    if isinstance(value, (int, float, Decimal)) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            pass
    return str(value)


def _same_schooling(value):
    """A school without a status reads back as 在校 (records.differences): compare them as one."""
    if isinstance(value, (list, tuple)) and len(value) == 3 and not value[0] and (value[1] or value[2]):
        return ["in_school", value[1], value[2]]
    return value


def _fields(key: str, value, rec: dict) -> list[tuple[str, str, object]]:
    """The stored fields (model label, field, value) a ledger column writes: what the services' audit entries name."""
    child = "registry.child"
    if key in R.CHILD_SIMPLE:
        return [(child, R.CHILD_SIMPLE[key], value)]
    if key == "birth_date" and value:
        return [(child, "birth_date", value[0])]
    if key == "schooling" and value:
        return [(child, f, v) for f, v in zip(("schooling_status", "school", "grade"), value)]
    if key == "health" and value:
        return [(child, f, v) for f, v in zip(("health_status", "illness_name", "disability_type", "disability_grade", "health_note"), value)]
    if key in ("category", "difficulty_type"):
        return [(child, "ledger_category", R.join_category(rec.get("category", ""), rec.get("difficulty_type", "")))]
    if key == "village":
        return [(child, "village", value)]
    if key in R.FAMILY_FIELDS:
        return [("registry.household", R.FAMILY_FIELDS[key], value)]
    guardian = "registry.guardian"
    if key in ("father_name", "mother_name"):
        return [(guardian, "name", value)]
    if key in ("father_phone", "mother_phone"):
        return [(guardian, "phone", value)]
    if key == "guardian_health" and value:
        return [(guardian, "health", value[0]), (guardian, "health_note", value[1])]
    if key == "guardian_occupation":
        return [(guardian, "occupation", value)]
    care = "registry.carearrangement"
    if key == "caregiver_name" and value:
        return [(care, "caregiver_name", value[0]), (care, "phone", value[1])]
    simple_care = {"caregiver_type": "caregiver_kind", "entrust_reason": "reason", "care_quality": "quality"}
    if key in simple_care:
        return [(care, simple_care[key], value)]
    return []


# --- describing the other person's change ---------------------------------------------------------------------
def _describe(entry, only: set | None = None) -> list[str]:
    """``"2026-11-20 14:03 张三：就学情况/就读学校：甲 → 乙"`` for the fields of one entry (``only``: these keys)."""
    from ..history import describe_changes

    changes = entry.changes or {}
    when = f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}" if entry.at else ""
    who = entry.actor_name or _("其他用户")
    out = []
    ledger_keys = {k for k in changes if k in BY_KEY and "_model" not in changes}
    for key in sorted(ledger_keys):  # an earlier ledger import: its changes are by column
        if only is not None and key not in only:
            continue
        before, after = (changes[key] + [None, None])[:2] if isinstance(changes[key], list) else (None, changes[key])
        out.append(f"{when} {who}：{BY_KEY[key].header}：{_shown(before, key)} → {_shown(after, key)}")
    rest = {k: v for k, v in changes.items() if k not in ledger_keys}
    if only is not None:
        rest = {k: v for k, v in rest.items() if k in only or k.startswith("_")}
    for row in describe_changes(rest, user=None):
        if row.get("field") in (str(_("版本")), "version"):
            continue
        section = f"{row['section']}/" if row.get("section") else ""
        out.append(f"{when} {who}：{section}{row['field']}：{row['before']} → {row['after']}")
    if not out and entry.summary:
        out.append(f"{when} {who}：{entry.summary_text}")
    return out


def _shown(value, key: str = "") -> str:
    """A value as the ledger writes it (an import's audit entry holds the column's canonical value)."""
    from .validate import format_health, format_schooling

    if key == "schooling" and isinstance(value, list) and len(value) == 3:
        value = format_schooling(*value)
    elif key == "health" and isinstance(value, list) and len(value) == 5:
        value = format_health(tuple(value))
    if value in (None, "", []):
        return "—"
    if value == masking.AUDIT_HIDDEN:
        return str(masking.RESTRICTED)
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v not in (None, ""))
    return str(value)


# --- the check -----------------------------------------------------------------------------------------------
def later_changes(child_pk, since: int) -> list[str]:
    """What was changed in the file after the change numbered ``since`` (the version an export carried)."""
    lines: list[str] = []
    for entry in _changes_of(child_pk).filter(seq__gt=since).order_by("seq")[:50]:
        lines.extend(_describe(entry))
    return lines or [_("（修改内容不可见）")]


def reverted_changes(child_pk, rec: dict, changes: dict) -> list[str]:
    """The recorded changes that the row would undo: a field whose value in the row is what a later change
    replaced (the sheet predates that change)."""
    wanted: dict[tuple[str, str], str] = {}
    for key, (_old, new) in changes.items():
        for label, name, value in _fields(key, new, rec):
            wanted[(label, name)] = _norm(value)
    by_column = {key: _norm(_same_schooling(new) if key == "schooling" else new) for key, (_old, new) in changes.items()}
    lines: list[str] = []
    for entry in _changes_of(child_pk).order_by("-seq")[:HISTORY_LIMIT]:
        ch = entry.changes or {}
        label = ch.get("_model", "registry.child")
        hit = set()
        for name, pair in ch.items():
            if name.startswith("_") or not isinstance(pair, list) or len(pair) != 2:
                continue
            before, after = (_same_schooling(v) for v in pair) if name == "schooling" else pair
            target = by_column.get(name) if name in BY_KEY and "_model" not in ch else wanted.get((label, name))
            if target is None or before == masking.AUDIT_HIDDEN:
                continue
            if _norm(before) == target and _norm(after) != target:
                hit.add(name)
        if hit:
            lines.extend(_describe(entry, only=hit))
    return lines


def row_conflict(child, rec: dict, changes: dict, row: int) -> str | None:
    """The message of a row that would overwrite a newer edit of ``child``'s file, or ``None``.

    ``rec``: the row's ledger record (``file_version`` when the sheet has the column); ``changes``: what the row
    would change (:func:`records.differences`)."""
    version = rec.get("file_version")
    if version is not None:
        lines = later_changes(child.pk, int(version)) if _changes_of(child.pk).filter(seq__gt=int(version)).exists() else []
        if not lines:
            return None
        intro = _("导出（档案版本 %(v)d）之后此档案已被修改") % {"v": int(version)}
    else:
        lines = reverted_changes(child.pk, rec, changes)
        if not lines:
            return None
        intro = _("文件中的内容早于档案的修改记录（本文件没有“档案版本”列，已逐项对照修改记录）")
    shown = "；".join(lines[:SHOWN]) + (_("；等 %(n)d 处") % {"n": len(lines)} if len(lines) > SHOWN else "")
    return _("%(intro)s：%(changes)s。本行未导入，以免用旧内容覆盖较新的修改。请核对：以档案现有内容为准时，从文件中删去本行或重新导出台账；"
             "确要以文件为准时，在“确认覆盖的行”中填写行号 %(row)s 后重新导入。") % {"intro": intro, "changes": shown, "row": row}
