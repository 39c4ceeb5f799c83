"""Edit conflicts, for every versioned record of every app: a record counts its saves in ``version``; an update
states the version the user loaded; a save by someone else in between is refused with what they changed, never
silently overwritten (issue 10 item 3). Apps call :func:`check_version` in their update services and put
:class:`VersionedFormMixin` on their edit forms; the view kit shows :class:`EditConflictError` above the form."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    """Base of every editable record: ``version`` counts the saves. An update states the version the user loaded
    (:func:`check_version`); a save by someone else in between makes it a conflict (409 in the API, the other
    person's changes on the page, a conflict row in a file import), never a silent overwrite."""

    version = models.PositiveIntegerField(gettext_lazy("版本"), default=1)

    class Meta:
        abstract = True


class EditConflictError(ValidationError):
    """Someone saved the record after the user loaded it. ``changes``: what they changed (dicts with ``actor``,
    ``at``, ``field``, ``before``, ``after``) so the user can redo their edit on top; nothing was written."""

    def __init__(self, *, obj, changes: list[dict]):
        self.obj = obj
        self.changes = changes
        who = "、".join(sorted({str(c["actor"]) for c in changes if c.get("actor")})) or _("其他用户")
        super().__init__(_("保存失败：在您打开此页面之后，%(who)s已修改了这份记录。为避免覆盖他人的修改，本次没有保存。"
                           "请查看对方的修改，在最新内容上重新填写。") % {"who": who})


def version_missing_message(obj) -> str:
    return _("缺少版本号：修改%(what)s须提交您打开页面（或读取记录）时的版本号 version，以免覆盖他人在此期间的修改。"
             "本次没有保存，请重新打开页面后再修改。") % {"what": obj._meta.verbose_name}


def check_version(current, expected_version, *, changes: Callable[[object, int], list[dict]] | None = None) -> None:
    """The edit-conflict check of an update: ``current`` is the row as locked for the update (``select_for_update``),
    ``expected_version`` the version the user loaded. Missing or unreadable: refused (``ValidationError`` on
    ``version``); different: :class:`EditConflictError` listing ``changes(current, expected)`` (the app's reading of
    its change history; none if not given). Nothing is written either way."""
    if expected_version is None or expected_version == "":
        raise ValidationError({"version": [version_missing_message(current)]})
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationError({"version": [_("版本号“%(v)s”无效，应为整数（您打开页面时记录的 version）") % {"v": expected_version}]}) from None
    if current.version != expected:
        raise EditConflictError(obj=current, changes=changes(current, expected) if changes else [])


def bump(obj) -> tuple[int, int]:
    """Count a save of ``obj``: returns ``(old, new)`` version for the audit entry."""
    obj.version += 1
    return obj.version - 1, obj.version


class VersionedFormMixin:
    """The edit form of a versioned record carries the version the user loaded as a hidden field, and a change
    submitted without it is refused here (and again by :func:`check_version`). A new record has none. Call
    ``self._version_field()`` at the end of ``__init__``."""

    def _version_field(self) -> None:
        if self.instance.pk is None:
            self.fields.pop("version", None)
            return
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=self.instance.version)

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and data.get("version") is None:
            self.errors.pop("version", None)
            self.add_error(None, version_missing_message(self.instance))
        return data
