from django.conf import settings

from .capabilities import nav_for, nav_menu


def shell(request):
    user = getattr(request, "user", None)
    items = nav_for(user) if user is not None and user.is_authenticated else []
    return {
        # Not "site_name": Django's auth views (LoginView …) put the host name under that key and would win.
        "brand_name": settings.TONGHU["SITE_NAME"],
        "nav_items": items,
        "nav_menu": nav_menu(user, items) if items else [],
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
