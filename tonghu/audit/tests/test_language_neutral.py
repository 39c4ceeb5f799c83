"""The audit trail is stored language-neutral and read in the reader's language (issue 11 §5): the summary column
holds a message id + parameters, so the actor's language never leaks into the trail, the HMAC chain covers exactly
what is stored (verification stays green), and the auditor reads it in their own language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log, verify_chain
from tonghu.core.texts import msg

pytestmark = pytest.mark.django_db


def _write(actor, language):
    with translation.override(language):
        return audit_log(actor=actor, action="status", object_type="registry.child", object_id="7", object_repr="罗小花",
                         region_code="451027001200", summary=msg("档案转入：来自%(place)s", place="某村"))


def test_an_english_reader_sees_english_for_an_entry_a_chinese_user_wrote_and_vice_versa(world, users, client):
    by_chinese_user = _write(users[Role.COUNTY_OFFICER], "zh-hans")
    by_english_user = _write(users[Role.COUNTY_OFFICER], "en")
    stored = [e.summary for e in AuditEntry.objects.filter(pk__in=[by_chinese_user.pk, by_english_user.pk])]
    assert stored[0] == stored[1], "the writer's language leaked into the stored summary"
    assert "from" not in stored[0] and "档案转入" in stored[0]
    client.force_login(users[Role.AUDITOR])
    client.cookies["tonghu_language"] = "en"
    english = client.get(reverse("audit_list")).content.decode()
    client.cookies["tonghu_language"] = "zh-hans"
    chinese = client.get(reverse("audit_list")).content.decode()
    assert english.count("File transferred in from 某村") == 2 and "档案转入" not in english
    assert chinese.count("档案转入：来自某村") == 2 and "File transferred in" not in chinese


def test_the_chain_verifies_over_language_neutral_summaries_and_catches_an_edit(world, users):
    entry = _write(users[Role.COUNTY_OFFICER], "en")
    assert verify_chain()[2] == ""
    with translation.override("en"):
        assert AuditEntry.objects.get(pk=entry.pk).summary_text == "File transferred in from 某村"
    from .test_audit import _tamper  # bypasses the PostgreSQL append-only trigger, as an intruder would

    _tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", [entry.summary.replace("某村", "别村"), entry.seq])
    assert verify_chain()[2] == "hash"


def test_old_plain_text_summaries_are_shown_as_written(world, users):
    entry = audit_log(actor=users[Role.COUNTY_OFFICER], action="view", summary="旧的摘要原文")
    with translation.override("en"):
        assert AuditEntry.objects.get(pk=entry.pk).summary_text == "旧的摘要原文"
