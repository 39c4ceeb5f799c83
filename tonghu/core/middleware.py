"""Request-wide helpers: Chinese-first language choice, and the caller's address for the audit trail."""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.utils import translation

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("tonghu_ip", default=None)


def current_ip() -> str | None:
    return _current_ip.get()


def client_ip(request) -> str | None:
    # Behind a trusted reverse proxy set TONGHU_BEHIND_TLS_PROXY and let the proxy set REMOTE_ADDR (uwsgi/gunicorn
    # --forwarded-allow-ips); we never trust X-Forwarded-For from the client directly.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language (cookie set by the language switch).

    Unlike Django's LocaleMiddleware we ignore the browser's Accept-Language: a county office's computers often
    run English systems, and the staff expect Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class LoginRequiredMiddleware:
    """Django's LoginRequiredMiddleware, except under /api/, where DRF authenticates (session or token) and its
    default permission class (tonghu.api.permissions.HasCapability) denies by default."""

    def __new__(cls, get_response):
        from django.contrib.auth.middleware import LoginRequiredMiddleware as Base

        class _Impl(Base):
            def process_view(self, request, view_func, view_args, view_kwargs):
                if request.path_info.startswith("/api/"):
                    return None
                return super().process_view(request, view_func, view_args, view_kwargs)

        return _Impl(get_response)
