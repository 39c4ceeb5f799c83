from django.db.models import Q
from django.views.generic import DetailView

from tonghu.core.views import CapabilityMixin, ScopedListView

from .models import Child
from .selectors import child_open


class ChildListView(ScopedListView):
    model = Child
    capability = "registry.view_children"
    template_name = "registry/child_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("village")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(id_number=q.upper()))
        return qs


class ChildDetailView(CapabilityMixin, DetailView):
    capability = "registry.view_children"
    deny_with_404 = True
    template_name = "registry/child_detail.html"
    context_object_name = "child"

    def get_object(self, queryset=None):
        return child_open(fetched_by=self.request.user, pk=self.kwargs["pk"])
