"""Base viewsets: the queryset always comes from ``visible_to`` (out of scope -> 404)."""

from rest_framework import viewsets


class ScopedViewSetMixin:
    capability: str = ""
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.capability)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
