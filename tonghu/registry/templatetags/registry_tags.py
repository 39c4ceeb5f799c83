from django import template

from tonghu.core.reference.idnumber import mask_id_number

register = template.Library()


@register.filter
def id_for(value, show_full):
    """``{{ child.id_number|id_for:show_full_id }}``: the full number only when the viewer may see it."""
    if not value:
        return ""
    return value if show_full else mask_id_number(value)


@register.filter
def yesno_zh(value):
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    return _("是") if value else _("否")
