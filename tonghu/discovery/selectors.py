"""Scoped reads of discovery (deny by default: ``visible_to``)."""

from __future__ import annotations

from django.db.models import Avg, Count, F, Q

from .models import Candidate, CandidateStatus, Dataset

MANAGE = "discovery.manage"
VERIFY = "discovery.verify"


def datasets_for(user):
    return Dataset.objects.visible_to(user, MANAGE).select_related("county", "uploaded_by")


def candidates_for(user):
    """The county officer's queue (every status) of the user's region."""
    return Candidate.objects.visible_to(user, MANAGE).select_related("dataset", "child", "guardian", "region")


def verification_tasks(user):
    """The findings sent to the director's village."""
    return Candidate.objects.visible_to(user, VERIFY).filter(status=CandidateStatus.SENT).select_related("dataset", "region")


def candidate_open(*, user, pk):
    from django.http import Http404

    c = (candidates_for(user).filter(pk=pk).first() or verification_tasks(user).filter(pk=pk).first())
    if c is None:
        raise Http404
    return c


def figures(user) -> list[dict]:
    """Per source: found, confirmed, rejected, sent, open, and mean days from finding to confirmation."""
    from django.db.models import DurationField, ExpressionWrapper

    qs = Candidate.objects.visible_to(user, MANAGE)
    rows = qs.values("dataset__source").annotate(
        found=Count("id"), confirmed=Count("id", filter=Q(status=CandidateStatus.CONFIRMED)),
        rejected=Count("id", filter=Q(status=CandidateStatus.DISMISSED)), sent=Count("id", filter=Q(status=CandidateStatus.SENT)),
        open=Count("id", filter=Q(status=CandidateStatus.OPEN)),
        wait=Avg(ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField()), filter=Q(status=CandidateStatus.CONFIRMED)),
    ).order_by("dataset__source")
    out = []
    for r in rows:
        wait = r.pop("wait")
        days = None
        if wait is not None:
            days = round((wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait) / 1e6) / 86400, 1)
        out.append({**r, "days_to_confirm": days})
    return out
