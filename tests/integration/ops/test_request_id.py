"""Request IDs: taken from the proxy or made, echoed, and in every log record."""

import json
import logging

import pytest
from django.test import Client

from portal.observability.logs import JsonFormatter
from portal.observability.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_request_id_made_when_absent(client: Client) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_request_id_from_the_proxy_is_kept(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a:0042")
    assert response.headers["X-Request-ID"] == "edge-7f3a:0042"


def test_request_id_malformed_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="evil\x7f value" + "x" * 300)
    assert response.headers["X-Request-ID"] != "evil\x7f value" + "x" * 300
    assert len(response.headers["X-Request-ID"]) == 32


def test_request_id_in_the_json_access_log(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="portal.access"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="trace-123")
    [record] = [r for r in caplog.records if r.name == "portal.access"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == response.headers["X-Request-ID"] == "trace-123"
    assert entry["logger"] == "portal.access"
    assert entry["status"] == 200
    assert entry["view"] == "healthz"
    assert entry["route"] == "healthz"


def test_request_id_in_the_error_log_of_a_4xx(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page", HTTP_X_REQUEST_ID="trace-404")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert json.loads(JsonFormatter().format(record))["request_id"] == "trace-404"
