"""Audit refused object requests (issue 10 §11): every 404 a logged-in user gets on a URL that names an object
(``/children/<pk>/``, ``/api/v1/children/<pk>/`` …) — out of their scope or absent, the application does not say
which — is recorded as a "refused access" entry, rate-limited per user and URL pattern (``services.audit_refusal``).

This is the one place all object views meet: ``ScopedDetailView``/``CapabilityMixin`` (``deny_with_404``), the
``get_object_or_404`` calls in views, and the API's ``get_object`` all end in a 404 response here, whichever of them
refused. Lists, forms and unknown URLs are not object requests and are left out."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from tonghu.core.middleware import client_ip

log = logging.getLogger(__name__)


class RefusalAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404:
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            if match is not None and match.kwargs and user is not None and user.is_authenticated:
                from .services import audit_refusal

                try:
                    audit_refusal(user=user, route=match.route or match.view_name, path=request.path,
                                  object_id=",".join(str(v) for v in match.kwargs.values()), ip=client_ip(request))
                except DatabaseError:  # the refusal stands; a failed audit write must not turn it into a 500
                    log.exception("could not audit a refused request to %s", request.path)
        return response
