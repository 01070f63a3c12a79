"""/metrics: requests by view, the outbox by state, and who may read it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.fixtures import Settings

from blocking.sync.models import SyncChange, SyncCircuit

pytestmark = pytest.mark.django_db


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of one scrape: {(name, sorted labels): value}."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sync_change(state: str, *, key: str, age: timedelta = timedelta(0)) -> SyncChange:
    change = SyncChange.objects.create(
        backend="network",
        resource="line-exemption",
        resource_key=key,
        version=1,
        payload={"exempt": False},
        state=state,
        next_attempt_at=timezone.now(),
    )
    SyncChange.objects.filter(pk=change.pk).update(created_at=timezone.now() - age)
    return change


HEALTHZ_GET_2XX = (
    "portal_http_requests_total",
    (("method", "GET"), ("status", "2xx"), ("view", "healthz")),
)


def test_metrics_counts_a_request_by_view_method_and_status(client: Client) -> None:
    before = scrape(client).get(HEALTHZ_GET_2XX, 0.0)
    client.get("/healthz")
    after = scrape(client)
    assert after[HEALTHZ_GET_2XX] == before + 1
    latency_count = (
        "portal_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "healthz")),
    )
    assert after[latency_count] == after[HEALTHZ_GET_2XX]


def test_metrics_label_unrouted_paths_without_the_path(client: Client) -> None:
    client.get("/no-such-page/0012345")
    names = {labels for name, labels in scrape(client) if name == "portal_http_requests_total"}
    assert (("method", "GET"), ("status", "4xx"), ("view", "unmatched")) in names
    assert not any("0012345" in value for labels in names for _key, value in labels)


def test_metrics_sync_changes_by_state(client: Client) -> None:
    sync_change("pending", key="l1", age=timedelta(minutes=5))
    sync_change("pending", key="l2")
    sync_change("failed", key="l3")
    samples = scrape(client)
    by_state = {
        dict(labels)["state"]: value
        for (name, labels), value in samples.items()
        if name == "portal_sync_changes"
    }
    assert by_state == {"applied": 0, "failed": 1, "pending": 2, "superseded": 0}
    assert samples[("portal_sync_metrics_up", ())] == 1
    assert 299 < samples[("portal_sync_oldest_pending_seconds", ())] < 330


def test_metrics_circuit_open_per_backend(client: Client) -> None:
    SyncCircuit.objects.create(
        backend="mail", failures=5, open_until=timezone.now() + timedelta(minutes=1)
    )
    samples = scrape(client)
    assert samples[("portal_sync_circuit_open", (("backend", "mail"),))] == 1
    assert samples[("portal_sync_circuit_open", (("backend", "network"),))] == 0


def test_metrics_refused_from_a_public_address(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403
    assert b"portal_" not in response.content


def test_metrics_refused_when_relayed_by_the_proxy(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 403


def test_metrics_allowed_from_a_private_address(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_metrics_token_admits_a_public_address(client: Client, settings: Settings) -> None:
    settings.PORTAL_METRICS_TOKEN = "scrape-token-4f1e"
    response = client.get(
        "/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer scrape-token-4f1e"
    )
    assert response.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403


def test_metrics_refuses_post(client: Client) -> None:
    assert client.post("/metrics").status_code == 405


def test_metrics_openmetrics_when_asked(client: Client) -> None:
    response = client.get("/metrics", HTTP_ACCEPT="application/openmetrics-text; version=1.0.0")
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.endswith(b"# EOF\n")
