"""The Celery worker's metrics endpoint and the delivery metrics the sync worker records."""

import socket
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from portal.observability.metrics import sync_attempt_observe, sync_deliveries_observe
from portal.observability.worker import worker_metrics_serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_worker_metrics_served_on_the_configured_port(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("PORTAL_WORKER_METRICS_PORT", str(port))
    monkeypatch.setenv("PORTAL_WORKER_METRICS_ADDR", "127.0.0.1")
    server = worker_metrics_serve()  # what the worker_init signal runs in the worker
    assert server is not None
    try:
        attempt = (
            "portal_sync_attempt_duration_seconds_count",
            (("backend", "mail"), ("outcome", "applied")),
        )
        delivery = ("portal_sync_delivery_seconds_bucket", (("backend", "mail"), ("le", "5.0")))
        before = samples(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
        now = timezone.now()
        sync_attempt_observe(backend="mail", outcome="applied", duration_ms=180)
        sync_deliveries_observe(
            backend="mail",
            recorded_at=[now - timedelta(seconds=2), now - timedelta(seconds=40)],
            applied_at=now,
        )
        after = samples(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
        assert after[attempt] == before.get(attempt, 0) + 1
        assert after[delivery] == before.get(delivery, 0) + 1  # 2 s is within 5 s; 40 s is not
    finally:
        server.shutdown()
        server.server_close()


def test_worker_metrics_off_without_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_WORKER_METRICS_PORT", raising=False)
    assert worker_metrics_serve() is None
