"""The one event for a child's changed facts (tonghu.core.events; issue 11 "One event for changed facts", issue 10
item 6): once per transaction with every id, only after commit, never on rollback, subscribers in order."""

from __future__ import annotations

import pytest
from django.db import transaction

from tonghu.core import events


class Boom(Exception):
    pass


@pytest.fixture
def calls(monkeypatch):
    """Replace the real subscribers with two that record what they receive, registered out of order."""
    seen: list[tuple[str, list[int], str]] = []
    monkeypatch.setattr(events, "_subscribers", {})
    events.subscribe(lambda ids, *, reason, actor: seen.append(("second", ids, reason)), order=20, name="test.second")
    events.subscribe(lambda ids, *, reason, actor: seen.append(("first", ids, reason)), order=10, name="test.first")
    return seen


@pytest.mark.django_db
def test_fires_once_per_transaction_with_all_ids_after_commit(calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.facts_changed([3, 1], reason="edit")
            events.facts_changed([1, 2, None], reason="import")
            assert calls == []  # nothing before the commit
    assert calls == [("first", [1, 2, 3], "edit,import"), ("second", [1, 2, 3], "edit,import")]


@pytest.mark.django_db
def test_never_fires_for_a_rolled_back_transaction(calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom):
            with transaction.atomic():
                events.facts_changed([7], reason="edit")
                raise Boom
    assert calls == [] and callbacks == []


@pytest.mark.django_db
def test_a_rolled_back_savepoint_does_not_swallow_later_changes(calls, django_capture_on_commit_callbacks):
    """The old visits signal kept a rolled-back child in a module-level pending set and never refreshed it again."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with pytest.raises(Boom):
                with transaction.atomic():
                    events.facts_changed([5], reason="edit")
                    raise Boom
            events.facts_changed([5], reason="edit")
    assert calls == [("first", [5], "edit"), ("second", [5], "edit")]
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.facts_changed([5], reason="edit")  # and again in the next transaction
    assert [c[1] for c in calls] == [[5], [5]]


def test_policy_recomputes_before_visits():
    """The schedules read what the classification read: policy (10) runs before visits (20)."""
    assert [s.name for s in events.subscribers()] == ["policy.classification", "visits.schedules"]


@pytest.mark.django_db
def test_a_failing_subscriber_does_not_stop_the_next(calls, django_capture_on_commit_callbacks, caplog):
    def broken(ids, *, reason, actor):
        raise RuntimeError("boom")

    events.subscribe(broken, order=15, name="test.broken")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.facts_changed([9], reason="edit")
    assert [c[0] for c in calls] == ["first", "second"]
    assert "test.broken" in caplog.text


@pytest.mark.django_db
def test_many_ids_go_to_one_background_job(calls, users, settings, django_capture_on_commit_callbacks):
    """An import of many files does not wait for the recomputation: one job runs the subscribers in bulk."""
    from tonghu.accounts.roles import Role
    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    settings.TONGHU = {**settings.TONGHU, "FACTS_INLINE_MAX": 2}
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.facts_changed([1, 2, 3], reason="import", actor=users[Role.COUNTY_OFFICER])
    assert calls == []
    job = Job.objects.get(kind="core.facts_changed")
    assert job.params == {"ids": [1, 2, 3], "reason": "import"}
    assert execute_job(str(job.pk)).status == "succeeded"
    assert calls == [("first", [1, 2, 3], "import"), ("second", [1, 2, 3], "import")]
