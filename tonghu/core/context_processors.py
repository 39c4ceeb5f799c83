from django.conf import settings

from .capabilities import nav_for, nav_menu


def shell(request):
    # Computed once per request: a table of the view kit (django-tables2's {% render_table %}) renders its template
    # with the request again, which would otherwise ask the menu's questions (has the user started a job?) twice.
    cached = getattr(request, "_tonghu_shell", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    items = nav_for(user) if user is not None and user.is_authenticated else []
    cached = {
        # Not "site_name": Django's auth views (LoginView …) put the host name under that key and would win.
        "brand_name": settings.TONGHU["SITE_NAME"],
        "nav_items": items,
        "nav_menu": nav_menu(user, items) if items else [],
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
    try:
        request._tonghu_shell = cached
    except AttributeError:  # pragma: no cover - a request object that takes no attributes
        pass
    return cached
