"""Who may open a console page: active staff, verified by a TOTP code, with a named permission.

Anonymous visitors go to the console's login, staff whose session has no verified
second factor go to the code step, subscribers (and staff without the permission)
get 403. Every console view is wrapped in `console_view`, so none is left open.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponse]


def is_console_user(user: Any) -> bool:
    """An active staff login: subscribers have no business in the console."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def otp_step_redirect(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('console:verify')}?{query}")


def console_view(*, permission: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Staff + verified TOTP + `permission` ("app_label.codename"), for the given methods."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in (*methods, "HEAD" if "GET" in methods else ""):
                return HttpResponse(status=405, headers={"Allow": ", ".join(methods)})
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if not is_console_user(user):
                raise PermissionDenied
            if not user.is_verified():  # type: ignore[union-attr]
                return otp_step_redirect(request)
            if not user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.console_permission = permission  # type: ignore[attr-defined]
        return never_cache(wrapped)

    return decorate
