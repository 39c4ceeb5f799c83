from django import template

from tonghu.core.capabilities import has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"registry.edit_children" %}``: the same check the views make."""
    return has_capability(user, capability)


class _PageTitleNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, suffix):
        self.nodelist = nodelist
        self.suffix = suffix

    def render(self, context):
        title = self.nodelist.render(context).strip()
        suffix = str(self.suffix.resolve(context))
        return f"{title} · {suffix}" if title else suffix


@register.tag
def page_title(parser, token):
    """``{% page_title site %}{% block title %}{% endblock %}{% endpage_title %}``: "页面 · 童护", or the site alone.

    A template cannot ask whether a block is empty (``self.title`` is never set in Django templates), so the tag
    renders its content and adds the separator only when there is a title.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("page_title takes the site name as its one argument")
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return _PageTitleNode(nodelist, parser.compile_filter(bits[1]))


@register.filter
def place_name(code: str | None) -> str:
    """A 统计用区划代码 (6, 9 or 12 digits) as the place's name with its parents: "广西壮族自治区 / … / 某村";
    the code itself only when no such region is loaded (nobody reads 451027008208 as a village)."""
    from tonghu.core.models import Region
    from tonghu.core.regions import normalize_code

    if not code:
        return ""
    try:
        full = normalize_code(code)
    except ValueError:
        return code
    region = Region.objects.filter(code=full).first()
    return region.path_display() if region else code


@register.filter
def stored(text) -> str:
    """A stored text in the reader's language: ``{{ report.feedback|stored }}`` renders a message id + parameters
    (``tonghu.core.texts``) with the active language and shows plain text (old rows, users' words) unchanged."""
    from tonghu.core.texts import render

    return render(text)


@register.filter
def pick(entry, key: str = "") -> str:
    """A profile entry (``{zh: …, en: …}``) in the reader's language: ``{{ indicator|pick }}``."""
    from tonghu.core.texts import pick as pick_text

    return pick_text(entry, key)
