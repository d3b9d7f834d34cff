"""Scopes as DRF permissions: a view names the scope it needs (`required_scope`); an identified client
without it gets a 403, a request identifying no client a 401 (DRF answers NotAuthenticated then)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .authentication import ClientIdentity


def identity(request) -> ClientIdentity | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ClientIdentity) else None


class HasClientScope(BasePermission):
    message = _("Your client's credential does not carry the scope this endpoint needs.")

    def has_permission(self, request, view):
        found = identity(request)
        if found is None:
            return False
        return view.required_scope in found.scopes
