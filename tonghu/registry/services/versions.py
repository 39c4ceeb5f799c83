"""The edit-conflict check of every update of a versioned record of a file, with the other person's changes read
from the file's audit trail."""

from __future__ import annotations

from tonghu.core.versioning import bump
from tonghu.core.versioning import check_version as _check_version

from ..models import (
    Child,
    GuardianRestriction,
    Household,
)


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

    from ..history import describe_changes

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

