import django_filters
from django.utils.translation import gettext_lazy as _

from tonghu.core.views import ScopedListView

from .models import Action, AuditEntry


class AuditFilter(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("操作人账号"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices)
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("对象编号"))
    ip = django_filters.CharFilter(label=_("来源地址"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = []


class AuditListView(ScopedListView):
    """The auditor's read-only view of the trail within their region (no edit or delete exists anywhere)."""

    model = AuditEntry
    capability = "audit.view"
    template_name = "audit/entry_list.html"
    filterset_class = AuditFilter
    paginate_by = 100
