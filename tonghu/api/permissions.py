"""Deny-by-default API permission: the view must name a capability the caller's role holds."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from tonghu.core.capabilities import has_capability


class HasCapability(BasePermission):
    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        capability = getattr(view, "capability", None)
        if capability is None:
            return bool(getattr(view, "capability_optional", False))
        write_capability = getattr(view, "write_capability", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and write_capability:
            allowed = has_capability(request.user, write_capability)
        else:
            allowed = has_capability(request.user, capability)
        if not allowed and _is_object_request(view):
            raise NotFound  # never reveal that the object exists
        return allowed


def _is_object_request(view) -> bool:
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return bool(lookup and lookup in getattr(view, "kwargs", {}))
