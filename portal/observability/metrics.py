"""Prometheus metrics: requests by view, the outbox by state, delivery latency.

Served at /metrics in the text exposition format. Counters and histograms live in the
process that observes them; under gunicorn (several workers) and Celery (prefork children)
set PROMETHEUS_MULTIPROC_DIR to an empty folder shared by all processes of one host, and
the scrape adds the processes up (prometheus_client's multiprocess mode). The outbox
gauges are read from PostgreSQL at scrape time, so any one web process reports the truth.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

access_logger = logging.getLogger("portal.access")
logger = logging.getLogger(__name__)

# Multiprocess mode writes a file per process there on the first observation; a missing
# folder would turn every request into an error, so it is made if absent (never emptied
# here: bin/docker-entrypoint and bin/prod-local empty it before the processes start).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Views are few and fixed; raw paths (a line ID, a mailbox) would make a series per subscriber.
_LABELS = ("view", "method", "status")

HTTP_REQUESTS = Counter(
    "portal_http_requests", "HTTP requests answered, by view, method and status class.", _LABELS
)
HTTP_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it.",
    _LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SYNC_DELIVERY = Histogram(
    "portal_sync_delivery_seconds",
    "From a sync change being recorded to the backend applying it.",
    ["backend"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 21600.0),
)
SYNC_ATTEMPT = Histogram(
    "portal_sync_attempt_duration_seconds",
    "One HTTP call to a backend, by outcome (applied, stale, retry, failed).",
    ["backend", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def sync_attempt_observe(*, backend: str, outcome: str, duration_ms: int) -> None:
    """Record one call to a backend; the sync worker calls it after each single or batch call."""
    SYNC_ATTEMPT.labels(backend=backend, outcome=outcome).observe(duration_ms / 1000)


def sync_deliveries_observe(
    *, backend: str, recorded_at: Iterable[datetime], applied_at: datetime
) -> None:
    """Record how long changes took from being recorded to their backend applying them."""
    histogram = SYNC_DELIVERY.labels(backend=backend)
    for created_at in recorded_at:
        histogram.observe(max(0.0, (applied_at - created_at).total_seconds()))


def metrics_collect() -> Collector:
    """What a scrape reports: this process, or every process of the host in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def _view_label(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    """Counts and times every request by view, and writes one access-log line for it.

    The log names the route pattern, not the path, so tokens in URLs (password resets)
    never reach the logs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = _view_label(request)
        method = request.method if request.method in _METHODS else "other"
        status = f"{response.status_code // 100}xx"
        HTTP_REQUESTS.labels(view=view, method=method, status=status).inc()
        HTTP_LATENCY.labels(view=view, method=method, status=status).observe(elapsed)
        match = request.resolver_match
        access_logger.info(
            "%s %s %s %.1fms",
            request.method,
            match.route if match else "-",
            response.status_code,
            elapsed * 1000,
            extra={
                "view": view,
                "method": request.method,
                "route": match.route if match else None,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
        return response


class SyncCollector(Collector):
    """The outbox as gauges, read at scrape: changes by state, oldest pending, open circuits."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            from blocking.sync.models import SyncBackend, SyncChange, SyncCircuit, SyncState
            from blocking.sync.selectors import sync_change_counts
        except ImportError:  # the sync app is not installed in this build
            return
        up = GaugeMetricFamily(
            "portal_sync_metrics_up", "1 when the outbox could be read for this scrape."
        )
        try:
            counts = sync_change_counts()
            oldest = (
                SyncChange.objects.filter(state=SyncState.PENDING)
                .order_by("created_at")
                .values_list("created_at", flat=True)
                .first()
            )
            now = timezone.now()
            open_backends = set(
                SyncCircuit.objects.filter(open_until__gt=now).values_list("backend", flat=True)
            )
        except DatabaseError as error:
            logger.warning("outbox unreadable for metrics: %s", error.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        changes = GaugeMetricFamily(
            "portal_sync_changes", "Sync changes in the outbox, by state.", labels=["state"]
        )
        for state, count in sorted(counts.items()):
            changes.add_metric([state], count)
        yield changes
        yield GaugeMetricFamily(
            "portal_sync_oldest_pending_seconds",
            "Age of the oldest pending sync change (0 when none is pending).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        circuits = GaugeMetricFamily(
            "portal_sync_circuit_open",
            "1 while the circuit breaker keeps calls away from the backend.",
            labels=["backend"],
        )
        for backend in SyncBackend.values:
            circuits.add_metric([backend], 1 if backend in open_backends else 0)
        yield circuits


class _Scrape(Collector):
    """What one scrape reports: this process (or all processes of the host) plus the outbox."""

    def __init__(self, sources: Iterable[Collector]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def _scrape() -> _Scrape:
    return _Scrape([metrics_collect(), SyncCollector()])


@cache
def _allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(cidr, strict=False) for cidr in settings.PORTAL_METRICS_NETWORKS
    )


def metrics_access_allowed(request: HttpRequest) -> bool:
    """A scraper on an allowed network talking to us directly, or one holding the token.

    A request relayed by the reverse proxy (X-Forwarded-For) comes from the proxy's private
    address whoever sent it, so it needs the token.
    """
    token = settings.PORTAL_METRICS_TOKEN
    if token:
        scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(offered.encode(), token.encode()):
            return True
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition; 403 unless metrics_access_allowed()."""
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if not metrics_access_allowed(request):
        logger.info("metrics refused", extra={"remote_addr": request.META.get("REMOTE_ADDR")})
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encoder(_scrape()), content_type=content_type)
