"""What a user may see of a file: the single place that decides masking (R-N1, docs/permissions.md rule 7).

Pages, the API, the Excel/CSV export and the printable PDF all call these helpers, so that a restricted value is
never rendered anywhere by accident:

* sensitive facts (HIV infection, abuse history, a parent's criminal record, restrictions of liberty such as
  prison or compulsory drug rehabilitation, the HIV child allowance which reveals the infection, abuse or unlawful
  harm recorded as a guardianship problem, attachments marked sensitive) need ``registry.view_sensitive``;
  everyone else gets :data:`RESTRICTED` ("受限信息") instead of the value;
* full ID numbers need ``registry.view_id_numbers``; everyone else gets ``450102********1234``.

Typical use::

    from tonghu.registry import masking
    masking.show(user, child, "hiv_infected")     # True/False, or "受限信息"
    masking.show(user, child, "id_number")        # full or masked
    masking.show_id_number(user, guardian.id_number)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tonghu.core.capabilities import has_capability
from tonghu.core.reference.idnumber import mask_id_number

SENSITIVE_CAPABILITY = "registry.view_sensitive"
ID_CAPABILITY = "registry.view_id_numbers"

RESTRICTED = _("受限信息")
RESTRICTED_ZH = "受限信息"  # for files (Excel/CSV/PDF) written in Chinese whatever the UI language

# model label -> fields whose value is sensitive
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "registry.child": frozenset({"hiv_infected", "hiv_evidence", "abuse_history"}),
    "registry.guardian": frozenset({"criminal_record"}),
    "registry.guardianrestriction": frozenset({"kind", "start", "end", "place", "evidence", "note"}),
}
# rows that are sensitive as a whole
SENSITIVE_MODELS = frozenset({"registry.guardianrestriction"})
SENSITIVE_SCHEMES = frozenset({"hiv_allowance"})
SENSITIVE_PROBLEM_KINDS = frozenset({"abuse", "unlawful_harm"})
ID_FIELDS: dict[str, frozenset[str]] = {
    "registry.child": frozenset({"id_number"}),
    "registry.guardian": frozenset({"id_number"}),
    "registry.carearrangement": frozenset({"id_number"}),
}

AUDIT_HIDDEN = "***"  # what the audit trail stores for a sensitive value (it never holds the value itself)


def _label(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


def can_view_sensitive(user) -> bool:
    return has_capability(user, SENSITIVE_CAPABILITY)


def can_view_id_numbers(user) -> bool:
    return has_capability(user, ID_CAPABILITY)


def is_sensitive_field(model_or_obj, field: str) -> bool:
    return field in SENSITIVE_FIELDS.get(_label(model_or_obj), ())


def is_id_field(model_or_obj, field: str) -> bool:
    return field in ID_FIELDS.get(_label(model_or_obj), ())


def is_sensitive_row(obj) -> bool:
    """A whole row whose existence is sensitive (a restriction, an HIV allowance, an abuse record, a flagged file)."""
    label = _label(obj)
    if label in SENSITIVE_MODELS:
        return True
    if label == "registry.assistance":
        return obj.scheme in SENSITIVE_SCHEMES
    if label == "registry.guardianshipproblem":
        return obj.kind in SENSITIVE_PROBLEM_KINDS
    if label == "registry.attachment":
        return bool(obj.sensitive)
    return False


def show_id_number(user, value: str | None, *, zh: bool = False) -> str:
    if not value:
        return ""
    return value if can_view_id_numbers(user) else mask_id_number(value)


def show(user, obj, field: str, *, zh: bool = False):
    """The value of ``obj.field`` as ``user`` may see it."""
    value = getattr(obj, field)
    if is_sensitive_field(obj, field) or is_sensitive_row(obj):
        if not can_view_sensitive(user):
            return RESTRICTED_ZH if zh else RESTRICTED
    if is_id_field(obj, field):
        return show_id_number(user, value)
    return value


def visible_rows(user, rows):
    """Rows the user may see in full; sensitive rows are dropped for users without the capability.

    Use :func:`restricted_count` to say that some rows were withheld ("另有 1 条受限信息")."""
    if can_view_sensitive(user):
        return list(rows)
    return [r for r in rows if not is_sensitive_row(r)]


def restricted_count(user, rows) -> int:
    if can_view_sensitive(user):
        return 0
    return sum(1 for r in rows if is_sensitive_row(r))


def audit_value(obj_or_model, field: str, value):
    """What the audit trail records for a changed value: sensitive values are hidden, ID numbers masked."""
    if value in (None, ""):
        return value
    if is_sensitive_field(obj_or_model, field):
        return AUDIT_HIDDEN
    if is_id_field(obj_or_model, field):
        return mask_id_number(value)
    return value
