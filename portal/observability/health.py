"""Readiness: can this process do its work? PostgreSQL, the broker and both backends.

/healthz (portal.views) says the process answers; /readyz checks what it depends on,
all at once, within one deadline (PORTAL_READYZ_TIMEOUT_MS). The answer names each check
with ok, a short status and its latency, and never more than an exception's class name:
it is public, so no URL, token or message text leaks through it.
"""

import concurrent.futures
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import redis
import requests
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache

# Answered before host validation and the HTTPS redirect: orchestrators and scrapers call
# the container by its IP over plain HTTP, with whatever Host header that gives.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

# Cheap, always-present collections of each backend (docs/*-backend.openapi.yaml).
_BACKEND_PROBES = {
    "network": ("PORTAL_NETWORK_BACKEND_URL", "PORTAL_NETWORK_BACKEND_TOKEN", "/v1/schedules"),
    "mail": ("PORTAL_MAIL_BACKEND_URL", "PORTAL_MAIL_BACKEND_TOKEN", "/v1/mailboxes"),
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    status: str  # "ok", "unconfigured", "timeout", "HTTP 503", an exception's class name
    latency_ms: float


def _timed(check: Callable[[float], str], timeout: float) -> CheckResult:
    started = time.perf_counter()
    try:
        status = check(timeout)
    except Exception as error:
        status = error.__class__.__name__
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return CheckResult(ok=status in {"ok", "unconfigured"}, status=status, latency_ms=latency_ms)


def database_check(timeout: float) -> str:
    """SELECT 1 on the default database, on a connection of this thread."""
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # Checks run in short-lived threads: a connection left open would leak.
        connection.close()
    return "ok"


def broker_check(timeout: float) -> str:
    """Redis answers PING; without Redis, the file broker's folder is there and writable."""
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""))
    if not os.path.isdir(folder):
        return "missing"
    if not os.access(folder, os.W_OK):
        return "not writable"
    return "ok"


def backend_check(backend: str) -> Callable[[float], str]:
    """GET of one small page of a collection, with the backend's token."""
    url_setting, token_setting, path = _BACKEND_PROBES[backend]

    def check(timeout: float) -> str:
        url = getattr(settings, url_setting, "")
        if not url:
            return "unconfigured"
        response = requests.get(
            url.rstrip("/") + path,
            params={"limit": 1},
            headers={"Authorization": f"Bearer {getattr(settings, token_setting, '')}"},
            timeout=(timeout, timeout),
        )
        if response.status_code < 300:
            return "ok"
        return f"HTTP {response.status_code}"

    return check


CHECKS: dict[str, Callable[[float], str]] = {
    "database": database_check,
    "broker": broker_check,
    "network": backend_check("network"),
    "mail": backend_check("mail"),
}


def readiness_check(*, names: list[str], timeout: float) -> dict[str, CheckResult]:
    """Runs the named checks concurrently; a check not done by `timeout` is "timeout".

    Each check gets four fifths of the deadline for its own timeouts, so a slow dependency
    is usually reported by what it did (ReadTimeout) rather than by the deadline.
    """
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(names) or 1)
    futures = {name: pool.submit(_timed, CHECKS[name], timeout * 0.8) for name in names}
    concurrent.futures.wait(futures.values(), timeout=timeout)
    # A hung check keeps its thread until its own timeout; the answer does not wait for it.
    pool.shutdown(wait=False, cancel_futures=True)
    waited = round(timeout * 1000, 1)
    return {
        name: future.result()
        if future.done()
        else CheckResult(ok=False, status="timeout", latency_ms=waited)
        for name, future in futures.items()
    }


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, 503 naming the failures otherwise.

    `?check=database&check=broker` limits the checks, e.g. for a load balancer that should
    keep serving pages while a backend is down.
    """
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    asked = request.GET.getlist("check")
    unknown = sorted(set(asked) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"error": "unknown check", "unknown": unknown, "known": list(CHECKS)}, status=400
        )
    names = [name for name in CHECKS if not asked or name in asked]
    results = readiness_check(names=names, timeout=settings.PORTAL_READYZ_TIMEOUT_MS / 1000)
    ready = all(result.ok for result in results.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "failing": [name for name, result in results.items() if not result.ok],
        "checks": {name: asdict(result) for name, result in results.items()},
    }
    response = JsonResponse(body, status=200 if ready else 503)
    # A failing dependency is reported here and by monitoring, not as a server error in
    # django.request (which would mail the admins on every probe).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class ProbeMiddleware:
    """Answers the probe paths before host validation and the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PROBE_PATHS:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            request.resolver_match = match
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            return response
        return self.get_response(request)
