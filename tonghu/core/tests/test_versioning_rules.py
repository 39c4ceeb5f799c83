"""The edit-conflict check itself (``core/versioning.py``; issue 10 item 3, issue 20 item 4): what a user is told when
an update comes without the version they loaded, with an unreadable one, or after someone else saved — and that the
edit form carries the version. The registry's page/API/service tests (``registry/tests/test_versions.py``) show the
same rules end to end; these pin the messages and the edges directly, so ``scripts/mutate.sh versioning`` is fast."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tonghu.core.versioning import EditConflictError, bump, check_version
from tonghu.registry.forms import HouseholdForm
from tonghu.registry.models import Child, Household


def _messages(exc: ValidationError, field: str = "version") -> list[str]:
    return [str(m) for m in exc.message_dict[field]]


@pytest.mark.parametrize("missing", [None, ""])
def test_an_update_without_the_version_is_refused_on_the_version_field(missing):
    """R-N2-style lost-update guard: no version, no save; the message names the record and says nothing was saved."""
    child = Child(pk=1, version=3)
    with pytest.raises(ValidationError) as exc:
        check_version(child, missing)
    assert not isinstance(exc.value, EditConflictError)
    (message,) = _messages(exc.value)
    assert message.startswith("缺少版本号：修改儿童须提交") and "本次没有保存" in message


@pytest.mark.parametrize("bad", ["abc", "3.0", [3]])
def test_an_unreadable_version_is_refused_and_quoted(bad):
    with pytest.raises(ValidationError) as exc:
        check_version(Child(pk=1, version=3), bad)
    assert not isinstance(exc.value, EditConflictError)
    assert _messages(exc.value) == [f"版本号“{bad}”无效，应为整数（您打开页面时记录的 version）"]


@pytest.mark.parametrize("same", [3, "3", " 3"])
def test_the_version_the_user_loaded_passes_as_number_or_text(same):
    check_version(Child(pk=1, version=3), same)  # no exception: the update goes ahead


@pytest.mark.parametrize("stale", [2, 4, 0])
def test_any_other_version_is_a_conflict_listing_the_other_changes(stale):
    """Older or newer (a forged or mistyped number): refused as a conflict; the changes are the app's reading of its
    history for exactly the version the user loaded, and the message names who changed it (sorted, once each)."""
    child = Child(pk=1, version=3)
    asked = []

    def changes(current, expected):
        asked.append((current, expected))
        return [{"actor": "王五", "field": "school"}, {"actor": "李四", "field": "name"}, {"actor": "王五", "field": "note"}, {"field": "x"}]

    with pytest.raises(EditConflictError) as exc:
        check_version(child, stale, changes=changes)
    assert asked == [(child, stale)]
    assert exc.value.obj is child and len(exc.value.changes) == 4
    assert exc.value.messages == ["保存失败：在您打开此页面之后，李四、王五已修改了这份记录。为避免覆盖他人的修改，本次没有保存。"
                                  "请查看对方的修改，在最新内容上重新填写。"]


def test_a_conflict_without_a_history_reader_lists_nothing_and_names_another_user():
    with pytest.raises(EditConflictError) as exc:
        check_version(Child(pk=1, version=3), 1)
    assert exc.value.changes == []
    assert exc.value.messages[0].startswith("保存失败：在您打开此页面之后，其他用户已修改了这份记录。")


def test_bump_counts_one_save_and_returns_old_and_new():
    child = Child(pk=1, version=7)
    assert bump(child) == (7, 8) and child.version == 8


@pytest.mark.django_db
def test_the_edit_form_carries_the_loaded_version_and_refuses_a_post_without_it():
    """The household edit form (the mixin every versioned edit form uses): a hidden ``version`` field preset to the
    version on screen; posting without it is a form-level error (not a field error on a hidden field the user cannot
    see), posting with it passes; a new record's form has no version field at all."""
    household = Household(pk=5, version=4, head_name="甲户主")
    form = HouseholdForm(instance=household)
    field = form.fields["version"]
    assert field.initial == 4 and field.widget.is_hidden and not field.required

    without = HouseholdForm(data={"head_name": "乙户主"}, instance=household)
    assert not without.is_valid()
    assert "version" not in without.errors
    assert without.non_field_errors() == ["缺少版本号：修改家庭须提交您打开页面（或读取记录）时的版本号 version，以免覆盖他人在此期间的修改。"
                                          "本次没有保存，请重新打开页面后再修改。"]
    bad = HouseholdForm(data={"head_name": "乙户主", "version": "x"}, instance=household)
    assert not bad.is_valid() and "version" not in bad.errors and bad.non_field_errors()

    with_version = HouseholdForm(data={"head_name": "乙户主", "version": "4"}, instance=household)
    assert with_version.is_valid(), with_version.errors
    assert with_version.cleaned_data["version"] == 4

    assert "version" not in HouseholdForm().fields
    assert HouseholdForm(data={"head_name": "丙户主"}).is_valid()


@pytest.mark.django_db
def test_a_new_records_form_never_asks_for_a_version_even_if_its_fields_list_it():
    """The mixin drops ``version`` from a new record's form even when a form lists it among its model fields: a
    user creating a record is never shown (or refused for) a version number."""
    from django import forms

    from tonghu.core.versioning import VersionedFormMixin

    class ListsVersion(VersionedFormMixin, forms.ModelForm):
        class Meta:
            model = Household
            fields = ["head_name", "version"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._version_field()

    assert "version" not in ListsVersion().fields
    assert ListsVersion(data={"head_name": "丁户主"}).is_valid()
    assert "version" in ListsVersion(instance=Household(pk=5, version=2)).fields
