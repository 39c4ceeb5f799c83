import csv

import django_filters
from django import forms
from django.apps import apps
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from tonghu.core.views import ScopedListView

from .models import Action, AuditEntry
from .services import audit_log
from tonghu.core.texts import msg

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def object_type_choices():
    """Every kind of record the trail names, by its name (儿童档案 …), not its label (registry.child)."""
    choices = []
    for model in apps.get_models():
        if model.__module__.startswith("tonghu."):
            choices.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(choices, key=lambda c: c[1])


def object_type_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def field_name(label: str, field: str) -> str:
    try:
        return str(apps.get_model(label)._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a key that is not a model field (e.g. "reason") stays as it is
        return field


class AuditFilter(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("操作人账号"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices)
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=object_type_choices)
    object_id = django_filters.CharFilter(label=_("对象编号"))
    ip = django_filters.CharFilter(label=_("来源地址"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = AuditEntry
        fields = []


def readable(entry: AuditEntry) -> AuditEntry:
    """Names instead of labels, and only the changes that say something (no "∅ → ∅")."""
    entry.type_name = object_type_name(entry.object_type) if entry.object_type else ""
    entry.shown_changes = [
        (field_name(entry.object_type, k), v[0], v[1])
        for k, v in (entry.changes or {}).items()
        if isinstance(v, (list, tuple)) and len(v) == 2 and (v[0] not in (None, "", [], {}) or v[1] not in (None, "", [], {}))
    ]
    return entry


class AuditListView(ScopedListView):
    """The auditor's read-only view of the trail within their region (no edit or delete exists anywhere)."""

    model = AuditEntry
    capability = "audit.view"
    template_name = "audit/entry_list.html"
    filterset_class = AuditFilter
    paginate_by = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = [readable(e) for e in ctx["object_list"]]
        return ctx


class AuditExportView(ScopedListView):
    """The filtered trail as CSV (UTF-8 with BOM for Excel); the export itself is written to the trail."""

    model = AuditEntry
    capability = "audit.view"
    filterset_class = AuditFilter
    limit = 100_000

    def get(self, request, *args, **kwargs):
        rows = list(self.get_queryset().order_by("seq")[: self.limit])
        audit_log(actor=request.user, action=Action.EXPORT, object_type="audit.auditentry",
                  summary=msg("导出审计记录 %(rows)s 条", rows=len(rows)),
                  changes={"filter": [None, request.GET.urlencode()]})
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response.write("\ufeff")
        out = csv.writer(response)
        out.writerow([_now("序号"), _now("时间"), _now("操作人"), _now("来源地址"), _now("操作"), _now("对象类型"), _now("对象编号"),
                      _now("对象"), _now("摘要"), _now("变更内容")])
        for e in rows:
            e = readable(e)
            changes = "; ".join(f"{k}: {a if a not in (None, '') else '∅'} → {b if b not in (None, '') else '∅'}" for k, a, b in e.shown_changes)
            out.writerow([e.seq, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.ip or "",
                          e.get_action_display(), e.type_name, e.object_id, e.object_repr, e.summary_text, changes])
        return response
