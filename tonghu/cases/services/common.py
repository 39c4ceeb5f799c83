"""What every stage of a report or case shares: who receives it, notifications, the event log, checks."""

from __future__ import annotations

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tonghu.accounts.selectors import responsible_users
from tonghu.core.roles import COUNTY_STAFF, Department, Role

from ..models import (
    Case,
    CaseStatus,
    Deadline,
    Event,
    Report,
)
from ..selectors import is_case_team


# ------------------------------------------------------------------------------------------ helpers


def _now():
    return timezone.now()


def receivers(report: Report, department: str):
    """The users who receive a report for ``department`` (civil affairs = the county staff)."""
    if department == Department.CIVIL_AFFAIRS:
        return responsible_users(report.region_id, COUNTY_STAFF)
    return responsible_users(report.region_id, Role.REPORTER, departments=[department]).exclude(pk=report.reporter_id)


_SEND = contextvars.ContextVar("cases_notify_send", default=True)


@contextlib.contextmanager
def notifications_unsent():
    """Store notifications without queueing their delivery (the demo loader uses it)."""
    token = _SEND.set(False)
    try:
        yield
    finally:
        _SEND.reset(token)


def notify(user, text: str, url: str = "", kind: str = "cases") -> None:
    """Tell a user (the shared mechanism: the bell / notifications page, then e-mail or other channels)."""
    from tonghu.visits.notify import notify as shared_notify

    shared_notify(user, kind=kind, title=text[:200], url=url, send=_SEND.get())


def _event(report: Report, actor, kind: str, text: str, at=None) -> Event:
    return Event.objects.create(report=report, at=at or _now(), actor=actor if getattr(actor, "pk", None) else None, kind=kind, text=text[:300])


def _require(errors: dict, condition: bool, field: str, message: str) -> None:
    if not condition:
        errors.setdefault(field, []).append(message)


def _check_team(actor, case: Case) -> None:
    if not is_case_team(actor, case):
        raise ValidationError(_("您不是该个案的办理人员。"))


def _check_open(case: Case) -> None:
    if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSURE_PENDING):
        raise ValidationError(_("个案已结案或正在审批结案，不能再添加记录；如需继续处置请先重新开启。"))


def _close_deadline(report: Report, kind: str, department: str, actor, now) -> Deadline | None:
    d = report.deadlines.filter(kind=kind, department=department, done_at__isnull=True).first()
    if d is not None:
        d.done_at, d.done_by = now, actor
        d.save(update_fields=["done_at", "done_by"])
    return d


