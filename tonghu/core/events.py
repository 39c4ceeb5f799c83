"""One event for a child's changed facts: ``facts_changed(child_ids, *, reason)``.

Every service that changes a fact about a child (the registry's services, the ledger import, and later discovery
decisions, merges and offline sync) calls :func:`facts_changed` with the children's ids, inside its transaction.
Nothing happens then: the ids are collected for the transaction and, **after it commits**, the subscribers run once
with all of them, in their order — policy recomputes the classification (order 10), then visits recomputes the
schedules (order 20), which read it. A transaction that rolls back drops its ids with it, so it leaves nothing
behind that could stop a later refresh of the same child. Subscribers are idempotent (they recompute from the
facts), so firing twice for the same child — a replayed offline submission — is harmless.

Subscribers are registered by their apps in ``AppConfig.ready()`` (:func:`subscribe`): a lower layer never imports
a higher one. Many ids at once (an import) go to a background job (``core.facts_changed``, run by the job worker)
once there are more than ``TONGHU_FACTS_INLINE_MAX`` (default 200) of them, so a big import does not wait for them.

Where the ids are kept: one :class:`_Batch` per transaction, remembered on the database connection; it is the
callback registered with ``transaction.on_commit``. When the transaction (or the savepoint that registered it)
rolls back, Django drops the callback, and the next call finds no registered batch and starts a new one. There is
no module-level pending set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

log = logging.getLogger(__name__)

# Reasons (free text is allowed too; these are the ones the project fires).
REASON_EDIT = "edit"
REASON_IMPORT = "import"

_ATTR = "_tonghu_facts_batch"


@dataclass(frozen=True)
class Subscriber:
    order: int
    name: str
    func: Callable  # func(child_ids: list[int], *, reason: str, actor) -> None


_subscribers: dict[str, Subscriber] = {}  # configuration (filled at start-up by AppConfig.ready), not state


def subscribe(func: Callable, *, order: int, name: str) -> None:
    """Register ``func(child_ids, *, reason, actor)`` to run after a commit that changed children's facts. Lower
    ``order`` runs first (policy 10, visits 20). Registering the same ``name`` again replaces it."""
    _subscribers[name] = Subscriber(order, name, func)


def subscribers() -> list[Subscriber]:
    return sorted(_subscribers.values(), key=lambda s: (s.order, s.name))


class _Batch:
    """The ids changed in one transaction; called by Django once it commits."""

    def __init__(self, using: str):
        self.using = using
        self.ids: set[int] = set()
        self.reasons: list[str] = []
        self.actor = None

    def add(self, ids: set[int], reason: str, actor) -> None:
        self.ids |= ids
        if reason not in self.reasons:
            self.reasons.append(reason)
        if self.actor is None and getattr(actor, "is_authenticated", False):
            self.actor = actor

    def __call__(self) -> None:
        connection = transaction.get_connection(self.using)
        if getattr(connection, _ATTR, None) is self:
            setattr(connection, _ATTR, None)
        dispatch(sorted(self.ids), reason=",".join(self.reasons), actor=self.actor)


def _registered(connection, batch) -> bool:
    return any(func is batch for _sids, func, *_rest in connection.run_on_commit)


def facts_changed(child_ids: Iterable, *, reason: str, actor=None, using: str | None = None) -> None:
    """The facts of ``child_ids`` changed in the current transaction: recompute what is derived from them after it
    commits (at once when there is no transaction). Call it from every service that changes a child's facts."""
    ids = {int(i) for i in child_ids if i is not None}
    if not ids:
        return
    using = using or DEFAULT_DB_ALIAS
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        dispatch(sorted(ids), reason=reason, actor=actor)
        return
    batch = getattr(connection, _ATTR, None)
    if batch is None or not _registered(connection, batch):
        batch = _Batch(using)
        setattr(connection, _ATTR, batch)
        transaction.on_commit(batch, using=using)
    batch.add(ids, reason, actor)


def dispatch(child_ids: list[int], *, reason: str, actor=None) -> None:
    """Run the subscribers for committed changes: here, or in a background job when there are many ids."""
    if not child_ids:
        return
    limit = settings.TONGHU.get("FACTS_INLINE_MAX", 200)
    if len(child_ids) > limit and getattr(actor, "is_authenticated", False):
        from django.utils.translation import gettext

        from .jobs import job_start

        with transaction.atomic():
            job_start(kind="core.facts_changed", user=actor, label=gettext("重新计算 %(n)d 名儿童的类别和走访计划") % {"n": len(child_ids)},
                      params={"ids": list(child_ids), "reason": reason})
        return
    run_subscribers(child_ids, reason=reason, actor=actor)


def run_subscribers(child_ids: list[int], *, reason: str, actor=None) -> None:
    """Every subscriber in order, each in its own transaction. A failing subscriber is logged and the next one
    still runs (the facts are saved; the nightly jobs recompute what was missed)."""
    for sub in subscribers():
        try:
            with transaction.atomic():
                sub.func(list(child_ids), reason=reason, actor=actor)
        except Exception:  # noqa: BLE001 - the commit has happened; never turn it into an error page
            log.exception("facts_changed subscriber %s failed for %d children (%s)", sub.name, len(child_ids), reason)
