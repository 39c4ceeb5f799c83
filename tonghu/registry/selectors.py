"""Reads of children's files. Opening a file is audited here, so every page and API that shows one logs it."""

from django.shortcuts import get_object_or_404

from tonghu.audit.services import audit_log

from .models import Child


def child_list(*, fetched_by, capability: str = "registry.view_children"):
    return Child.objects.visible_to(fetched_by, capability).select_related("village")


def child_open(*, fetched_by, pk, capability: str = "registry.view_children") -> Child:
    """Fetch one file for display (404 outside scope) and write the audit entry for the view."""
    child = get_object_or_404(child_list(fetched_by=fetched_by, capability=capability), pk=pk)
    audit_log(actor=fetched_by, action="view", obj=child, summary="查看儿童档案")
    return child
