"""Who may open a console page: active staff, verified by a TOTP code, with a named permission.

Anonymous visitors go to the console's login, staff whose session has no verified
second factor go to the code step, subscribers (and staff without the permission)
get 403. Every console view is wrapped in `console_view`, so none is left open.

Every console page asks for the staff member's permissions (the view's own, the
menu's, the page's buttons) and shows their roles: `staff_access_load` reads both
in one query and hands the permissions to Django's ModelBackend as the caches it
would otherwise fill with two queries of its own, so `has_perm` and `perms.*`
answer exactly as before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import CharField, IntegerField, Value
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, reverse
from django.views.decorators.cache import never_cache

from accounts.compiled_sql import sql_compiled

View = Callable[..., HttpResponse]

# The user ID the access query is compiled with; each request runs it with its own.
_ANY_USER = -1


def is_console_user(user: Any) -> bool:
    """An active staff login: subscribers have no business in the console."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def otp_step_redirect(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('console:verify')}?{query}")


@cache
def _access_sql(vendor: str) -> str:
    """The user's groups with their permissions, then the user's own permissions.

    The same joins ModelBackend's two queries make, as one UNION ALL, compiled once per
    process (accounts/compiled_sql.py): its parameters are the user's ID, twice.
    """
    own = (
        Permission.objects.filter(user=_ANY_USER)
        .order_by()
        .values_list(
            Value(None, IntegerField()),
            Value(None, CharField()),
            "content_type__app_label",
            "codename",
        )
    )
    groups = (
        Group.objects.filter(user=_ANY_USER)
        .order_by()
        .values_list("pk", "name", "permissions__content_type__app_label", "permissions__codename")
    )
    sql = sql_compiled(groups.union(own, all=True), params=[_ANY_USER, _ANY_USER])
    if sql is None:  # a UNION has no queryset to fall back on: fail loudly, in tests first
        raise RuntimeError("the access query takes unexpected parameters")
    return sql


def staff_access_load(user: Any) -> tuple[str, ...]:
    """The user's role names (groups, in the order they were made), in one query.

    Also primes ModelBackend's permission caches on `user` with what its own two
    queries would have found (`_user_perm_cache`, `_group_perm_cache` and their
    union `_perm_cache`), so every later `has_perm` this request is a set lookup.
    A superuser's are left alone: `has_perm` grants them everything unasked.
    """
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(connection.vendor), [user.pk, user.pk])
        rows = cursor.fetchall()
    roles: dict[int, str] = {}
    own: set[str] = set()
    from_groups: set[str] = set()
    for group_id, group_name, app_label, codename in rows:
        if group_id is not None:
            roles[group_id] = group_name
        if codename is not None:
            (own if group_id is None else from_groups).add(f"{app_label}.{codename}")
    if not user.is_superuser:
        user._user_perm_cache = own
        user._group_perm_cache = from_groups
        user._perm_cache = own | from_groups
    return tuple(roles[group_id] for group_id in sorted(roles))


# The console menu's links (layout.html): reversed once per process and script prefix.
_MENU = {
    "home": "console:home",
    "requests": "console:exemption_requests",
    "expiring": "console:exemptions_expiring",
    "schedule": "console:schedule",
    "destinations": "console:destinations",
    "sync": "console:sync_queue",
    "audit": "console:audit_log",
    "keys": "console:api_keys",
    "logout": "console:logout",
}


@cache
def _menu_urls(prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in _MENU.items()}


@dataclass(frozen=True)
class ConsolePage:
    """What the console's layout shows on every page, set on the request as `console`."""

    roles: tuple[str, ...]  # the staff member's roles, beside their name
    urls: dict[str, str]  # the menu's links by key


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
            roles = staff_access_load(user)
            if not user.has_perm(permission):
                raise PermissionDenied
            urlconf = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
            request.console = ConsolePage(  # type: ignore[attr-defined]
                roles=roles, urls=_menu_urls(get_script_prefix(), urlconf)
            )
            return view(request, *args, **kwargs)

        wrapped.console_permission = permission  # type: ignore[attr-defined]
        return never_cache(wrapped)

    return decorate
