"""The audit entry's own rules (docs/permissions.md rule 9, issue 10 §11; issue 20 item 4: survivors of
``scripts/mutate.sh audit_models``): the application refuses to change or delete an entry and says why, and an entry's
hash depends on the key — someone with write access to the database but another key cannot recompute it."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.conf import settings

from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log


@pytest.mark.django_db
def test_changing_or_deleting_an_entry_is_refused_with_the_reason():
    entry = audit_log(actor="tester", action="view", summary="查看")
    entry.summary = "改过的摘要"
    with pytest.raises(PermissionError, match="^audit entries are append-only$"):
        entry.save()
    with pytest.raises(PermissionError, match="^audit entries are append-only$"):
        entry.delete()
    assert AuditEntry.objects.get(seq=entry.seq).summary == "查看"


@pytest.mark.django_db
def test_the_hash_is_keyed_another_key_cannot_recompute_it():
    """``compute_hash(key=…)`` is how a forger (or a key rotation) would recompute an entry: with any other key the
    result differs from the stored hash; with the configured key it is exactly HMAC-SHA256(prev hash + canonical)."""
    entry = audit_log(actor="tester", action="view", summary="查看")
    expected = hmac.new(settings.TONGHU_AUDIT_KEY, (entry.prev_hash + entry.canonical()).encode("utf-8"), hashlib.sha256).hexdigest()
    assert entry.hash == entry.compute_hash() == entry.compute_hash(key=settings.TONGHU_AUDIT_KEY) == expected
    forged = entry.compute_hash(key=b"a guessed key")
    assert forged != entry.hash
    assert forged == hmac.new(b"a guessed key", (entry.prev_hash + entry.canonical()).encode("utf-8"), hashlib.sha256).hexdigest()
