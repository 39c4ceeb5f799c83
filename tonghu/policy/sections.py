"""The policy section of the one-child file page: groups, the why and why-not, gaps, history (R-A4, R-E1)."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.capabilities import has_capability
from tonghu.registry.sections import file_section

from .models import ChildClassification
from .selectors import classification_view, describe_categories


@file_section(order=20, title=_("儿童类别认定"), template="policy/_file_section.html", capability="registry.view_children",
              key="policy.classification")
def classification_section(request, child):
    c = ChildClassification.objects.filter(child=child).first()
    if c is None and getattr(child, "pk", None):  # never classified yet (e.g. filed before this app): do it now
        from .services import classification_refresh

        c = classification_refresh(child=child)
    sensitive_ok = has_capability(request.user, "registry.view_sensitive")
    return {
        "policy": classification_view(request.user, c),
        "policy_history": [
            {"change": h, "before": describe_categories(h.from_categories, sensitive_ok),
             "after": describe_categories(h.to_categories, sensitive_ok)}
            for h in child.classification_changes.all()[:20]
        ] if c is not None else [],
        "policy_can_recompute": has_capability(request.user, "policy.recompute"),
    }
