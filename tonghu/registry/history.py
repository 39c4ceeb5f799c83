"""The change history of a file (who changed what, when, before → after), read from the audit trail.

The registry services log every change to a file or to one of its rows against the child (see services.py), so
the history is one indexed query on (object_type, object_id). Values are shown as a person reads them: choice
labels instead of codes, 是/否 for flags, region and user names; sensitive values were never stored.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from . import masking

ENTRY_LIMIT = 200


def _model(label: str | None):
    try:
        return apps.get_model(label or "registry.child")
    except (LookupError, ValueError):
        return None


def _display(model, name: str, value):
    if value in (None, ""):
        return "—"
    if value == masking.AUDIT_HIDDEN:
        return str(masking.RESTRICTED)
    if model is None:
        return str(value)
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("是") if value in (True, "True", "true") else _("否")
    if isinstance(f, models.ForeignKey):
        target = f.related_model
        obj = target._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else str(value)
    return str(value)


def _label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return {"version": _("版本")}.get(name, name)


def describe_changes(changes: dict, *, user=None) -> list[dict]:
    """Rows ``{"section", "field", "before", "after"}`` for one audit entry's ``changes``."""
    model = _model(changes.get("_model"))
    sensitive_model = changes.get("_model") in masking.SENSITIVE_MODELS
    section = str(model._meta.verbose_name) if model is not None and changes.get("_model") and not sensitive_model else ""
    rows = []
    hidden = False
    for name, pair in sorted(changes.items()):
        if name.startswith("_") or name == "version" or not isinstance(pair, list) or len(pair) != 2:
            continue
        before, after = pair
        if sensitive_model or masking.AUDIT_HIDDEN in (before, after):
            hidden = True  # neither the value nor which sensitive field changed is shown
            continue
        rows.append({"section": section, "field": _label(model, name), "before": _display(model, name, before), "after": _display(model, name, after)})
    if hidden:
        restricted = str(masking.RESTRICTED)
        rows.append({"section": section, "field": restricted, "before": restricted, "after": restricted})
    return rows


def child_history(child, *, user=None, limit: int = ENTRY_LIMIT) -> list[dict]:
    """The file's changes, newest first (views are not changes and are left out)."""
    from tonghu.audit.models import AuditEntry

    entries = (
        AuditEntry.objects.filter(object_type="registry.child", object_id=str(child.pk))
        .exclude(action__in=["view", "print", "export"])
        .order_by("-seq")[:limit]
    )
    out = []
    for e in entries:
        out.append({"at": e.at, "actor": e.actor_name, "action": e.get_action_display(), "summary": e.summary_text,
                    "changes": describe_changes(e.changes or {}, user=user)})
    return out
