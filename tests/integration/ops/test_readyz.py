"""/readyz: every dependency checked at once, failures named, never a 500, nothing leaked."""

import socket
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.integration.ops.conftest import ReferenceBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_readyz_all_ok_when_everything_is_reachable(
    client: Client, backends_configured: dict[str, ReferenceBackend]
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "broker": "ok",
        "network": "ok",
        "mail": "ok",
    }
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_readyz_dead_backend_is_503_naming_it(
    client: Client,
    settings: Settings,
    backends_configured: dict[str, ReferenceBackend],
    closed_port: int,
) -> None:
    settings.PORTAL_MAIL_BACKEND_URL = f"http://127.0.0.1:{closed_port}"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["mail"]
    assert body["checks"]["mail"]["status"] == "ConnectionError"
    assert body["checks"]["network"]["status"] == "ok"


def test_readyz_dead_broker_is_503_naming_it(
    client: Client,
    settings: Settings,
    backends_configured: dict[str, ReferenceBackend],
    closed_port: int,
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["broker"]["status"] == "ConnectionError"


def test_readyz_wrong_backend_token_is_503(
    client: Client, settings: Settings, backends_configured: dict[str, ReferenceBackend]
) -> None:
    settings.PORTAL_NETWORK_BACKEND_TOKEN = "not-the-token"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["network"]["status"] == "HTTP 401"


def test_readyz_hung_backend_answers_within_deadline(
    client: Client,
    settings: Settings,
    backends_configured: dict[str, ReferenceBackend],
    silent_port: int,
) -> None:
    settings.PORTAL_READYZ_TIMEOUT_MS = 500
    settings.PORTAL_NETWORK_BACKEND_URL = f"http://127.0.0.1:{silent_port}"
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["failing"] == ["network"]
    assert response.json()["checks"]["network"]["status"] == "ReadTimeout"
    assert elapsed < 1.0


def test_readyz_file_broker_folder_missing_is_503(
    client: Client,
    settings: Settings,
    backends_configured: dict[str, ReferenceBackend],
    tmp_path: object,
) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": f"{tmp_path}/absent"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "missing"


def test_readyz_unconfigured_backend_is_reported_not_failed(
    client: Client, settings: Settings, backends_configured: dict[str, ReferenceBackend]
) -> None:
    settings.PORTAL_MAIL_BACKEND_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["mail"]["status"] == "unconfigured"


def test_readyz_check_subset_ignores_other_failures(
    client: Client, settings: Settings, closed_port: int
) -> None:
    settings.PORTAL_NETWORK_BACKEND_URL = f"http://127.0.0.1:{closed_port}"
    response = client.get("/readyz?check=database&check=broker")
    assert response.status_code == 200
    assert sorted(response.json()["checks"]) == ["broker", "database"]


def test_readyz_unknown_check_is_400(client: Client) -> None:
    response = client.get("/readyz?check=dns")
    assert response.status_code == 400
    assert response.json()["unknown"] == ["dns"]


def test_readyz_reveals_no_url_or_token(
    client: Client, settings: Settings, backends_configured: dict[str, ReferenceBackend]
) -> None:
    settings.REDIS_URL = "redis://:hunter2@127.0.0.1:1/0"
    body = client.get("/readyz").content.decode()
    for secret in (
        "hunter2",
        "127.0.0.1",
        backends_configured["network"].token,
        backends_configured["mail"].token,
    ):
        assert secret not in body


def test_readyz_answers_a_probe_by_ip_address(
    client: Client, backends_configured: dict[str, ReferenceBackend]
) -> None:
    # Orchestrators call the container by its address, which ALLOWED_HOSTS does not list.
    response = client.get("/readyz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200


def test_healthz_answers_a_probe_by_ip_address(client: Client) -> None:
    response = client.get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_other_pages_still_refuse_unknown_hosts(client: Client) -> None:
    assert client.get("/", HTTP_HOST="10.20.30.40:8000").status_code == 400
