"""Masking of whole rows and of the audit trail (R-N1, docs/permissions.md rule 7; issue 20 item 4: the survivors of
``scripts/mutate.sh masking``).

A sensitive attachment or a guardian's restriction of liberty is withheld from a user without
``registry.view_sensitive`` as a whole row (its title would already say too much), with a "受限信息" line in its place;
the audit trail stores a sensitive value as ``***`` and an ID number masked, and an emptied value as empty.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.registry import masking, services
from tonghu.registry.models import Child, GuardianRestriction

from .conftest import id_for


@pytest.mark.django_db
def test_a_sensitive_attachment_is_not_listed_to_a_director_but_counted(login, users, make_child, settings, tmp_path):
    """The child's page lists a plain attachment to everyone who can open the file; one marked sensitive (here a
    diagnosis proving the HIV fact) only to the officer — the director sees its place as "受限信息", not its title."""
    settings.MEDIA_ROOT = tmp_path
    child = make_child("韦小禾")
    services.attachment_add(actor="test", child=child, upload=SimpleUploadedFile("a.pdf", b"%PDF"), kind="other",
                            title="入学证明（虚构）")
    services.attachment_add(actor="test", child=child, upload=SimpleUploadedFile("b.pdf", b"%PDF"), kind="other",
                            title="复查报告（虚构）", sensitive=True)
    director = login(users[Role.CHILD_DIRECTOR]).get(f"/children/{child.pk}/").content.decode()
    section = director[director.index('id="attachments"'):]
    assert "入学证明（虚构）" in section and "复查报告（虚构）" not in director
    assert "受限信息" in section[:section.index("</section>")]
    officer = login(users[Role.COUNTY_OFFICER]).get(f"/children/{child.pk}/").content.decode()
    section = officer[officer.index('id="attachments"'):]
    assert "入学证明（虚构）" in section and "复查报告（虚构）" in section
    assert "受限信息" not in section[:section.index("</section>")]


@pytest.mark.django_db
def test_a_restriction_of_liberty_is_sensitive_as_a_whole_row(users):
    """Not only its declared fields: the very existence of a guardian's prison or rehab term is withheld (every row
    of ``SENSITIVE_MODELS``), including columns that are not in ``SENSITIVE_FIELDS`` such as its version."""
    restriction = GuardianRestriction(kind="prison", start=dt.date(2022, 1, 1))
    city, officer = users[Role.CITY_STAFF], users[Role.COUNTY_OFFICER]
    assert masking.visible_rows(city, [restriction]) == [] and masking.restricted_count(city, [restriction]) == 1
    assert masking.visible_rows(officer, [restriction]) == [restriction]
    assert masking.show(city, restriction, "version") == masking.RESTRICTED
    assert masking.show(officer, restriction, "version") == 1


@pytest.mark.django_db
def test_the_audit_trail_keeps_a_changed_id_number_masked(make_child):
    """An auditor reading a change of a child's ID number sees both numbers masked (first 6 and last 4), neither in
    full nor blank — and an emptied sensitive note is recorded as a change hidden on both sides."""
    old, new = id_for(dt.date(2014, 4, 4), "M"), id_for(dt.date(2014, 4, 4), "M")
    child = make_child("农小川", birth_date=dt.date(2014, 4, 4), id_number=old, abuse_history="旧事（虚构）")
    services.child_update(actor="test", child=child, data={"id_number": new, "abuse_history": ""}, expected_version=child.version)
    entry = AuditEntry.objects.filter(object_type="registry.child", object_id=str(child.pk), action="update").latest("seq")
    assert entry.changes["id_number"] == [masking.mask_id_number(old), masking.mask_id_number(new)]
    assert old not in str(entry.changes) and new not in str(entry.changes) and "旧事" not in str(entry.changes)
    assert entry.changes["abuse_history"] == [masking.AUDIT_HIDDEN, masking.AUDIT_HIDDEN]


def test_audit_value_hides_sensitive_values_masks_id_numbers_and_keeps_empty_values():
    """The helper every service uses for the trail (rule 7: the trail never holds a sensitive value): a value is
    hidden, a number masked, and an empty value stays empty so that "cleared" is not mistaken for "set"."""
    number = id_for(dt.date(2012, 2, 2), "F")
    assert masking.audit_value(Child, "abuse_history", "殴打（虚构）") == masking.AUDIT_HIDDEN
    assert masking.audit_value(Child, "id_number", number) == masking.mask_id_number(number) != number
    assert masking.audit_value(Child, "abuse_history", "") == "" and masking.audit_value(Child, "id_number", "") == ""
    assert masking.audit_value(Child, "abuse_history", None) is None
    assert masking.audit_value(Child, "name", "韦小禾") == "韦小禾"
