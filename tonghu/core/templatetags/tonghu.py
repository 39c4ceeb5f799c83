from django import template

from tonghu.core.capabilities import has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"registry.edit_children" %}``: the same check the views make."""
    return has_capability(user, capability)
