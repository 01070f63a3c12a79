"""Who may call what: an API key's scopes, or a staff login's permissions.

Each view maps its HTTP methods to an `Access`: the scope a key needs and the
Django permission a staff member needs for the same thing (the staff roles are
groups of permissions, see `portal.demo.staff`). A method a view does not map is
refused, so a forgotten entry fails closed.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from blocking.api.authentication import request_api_key


@dataclass(frozen=True)
class Access:
    scope: str
    permission: str


def read(permission: str) -> dict[str, Access]:
    return {"GET": Access("read", permission)}


class ClientAccess(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request_api_key(request)
        user = request.user
        if api_key is None and not (user and user.is_authenticated):
            return False  # DRF answers 401 with the WWW-Authenticate challenge
        method = "GET" if request.method in ("HEAD", "OPTIONS") else str(request.method)
        if not hasattr(view, method.lower()):
            return True  # let DRF answer 405 Method Not Allowed
        access = getattr(view, "access", {}).get(method)
        if access is None:
            return False
        if api_key is not None:
            if access.scope in api_key.scopes:
                return True
            raise exceptions.PermissionDenied(
                _("This API key lacks the scope %(scope)s.") % {"scope": access.scope},
                code="scope_missing",
            )
        if not (user.is_active and user.is_staff):
            return False
        # OTPMiddleware gives every request's user is_verified(); without it nobody is.
        if not getattr(user, "is_verified", lambda: False)():
            raise exceptions.PermissionDenied(
                _("Verify your login with your second factor before using the API."),
                code="two_factor_required",
            )
        return bool(user.has_perm(access.permission))
