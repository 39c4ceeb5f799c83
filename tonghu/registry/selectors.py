"""Reads of children's files. Opening a file is audited here, so every page and API that shows one logs it."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from tonghu.audit.services import audit_log
from tonghu.core.models import Region

from .models import Attachment, CareArrangement, Child, ChildStatus, Household
from tonghu.core.texts import msg

VIEW = "registry.view_children"
EDIT = "registry.edit_children"


def child_list(*, fetched_by, capability: str = VIEW):
    return Child.objects.visible_to(fetched_by, capability).select_related("village")


def child_file_queryset(qs):
    """Everything the file page and the nested API read, in a constant number of queries."""
    return qs.select_related("village", "household", "director", "created_by", "updated_by").prefetch_related(
        "guardians__restrictions",
        Prefetch("care_arrangements", queryset=CareArrangement.objects.order_by("-start", "-id")),
        "departures",
        "assistance",
        "guardianship_problems",
        Prefetch("attachments", queryset=Attachment.objects.filter(withdrawn=False).select_related("uploaded_by", "guardian")),
        "status_changes",
    )


def child_open(*, fetched_by, pk, capability: str = VIEW) -> Child:
    """Fetch one file for display (404 outside scope) and write the audit entry for the view."""
    child = get_object_or_404(child_file_queryset(child_list(fetched_by=fetched_by, capability=capability)), pk=pk)
    audit_log(actor=fetched_by, action="view", obj=child, summary=msg("查看儿童档案"))
    return child


def child_for_edit(*, user, pk) -> Child:
    """A file the user may change (404 outside scope or without the capability). Not audited: the change is."""
    return get_object_or_404(Child.objects.visible_to(user, EDIT).select_related("village", "household"), pk=pk)


def household_open(*, fetched_by, pk, capability: str = VIEW) -> Household:
    household = get_object_or_404(Household.objects.visible_to(fetched_by, capability).select_related("village"), pk=pk)
    audit_log(actor=fetched_by, action="view", obj=household, summary=msg("查看家庭档案（一户一档）"))
    return household


def region_in_scope(*, user, code: str, capability: str = VIEW) -> Region:
    return get_object_or_404(Region.objects.visible_to(user, "core.view_regions"), code=code)


def counts_by_subregion(*, user, region: Region, capability: str = VIEW) -> list[dict]:
    """Per direct sub-region of ``region``: children by status (one grouped query)."""
    subs = list(Region.objects.filter(parent=region).order_by("code"))
    qs = Child.objects.visible_to(user, capability).in_region(region.prefix)
    rows = []
    if region.level == "township":
        grouped = qs.values("village_id").annotate(
            total=Count("id"), active=Count("id", filter=Q(status=ChildStatus.ACTIVE))
        )
        by_code = {g["village_id"]: g for g in grouped}
        for sub in subs:
            g = by_code.get(sub.code, {})
            rows.append({"region": sub, "total": g.get("total", 0), "active": g.get("active", 0)})
        return rows
    for sub in subs:
        sub_qs = qs.in_region(sub.prefix)
        agg = sub_qs.aggregate(total=Count("id"), active=Count("id", filter=Q(status=ChildStatus.ACTIVE)))
        rows.append({"region": sub, **agg})
    return rows
