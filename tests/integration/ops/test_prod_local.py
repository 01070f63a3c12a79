"""`make prod-local`: the production processes start without Docker and become ready.

Runs bin/prod-local (migrate, collectstatic, gunicorn, Celery worker and beat, both
reference backends) on free ports against its own database, waits for /readyz, looks at
what it serves and logs, and stops it with SIGTERM as Ctrl-C would.
"""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
READY_WITHIN = 90  # seconds; about 15 on an idle two-core machine, most of it collectstatic


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    response = requests.get(url, headers=headers, timeout=5)
    return response.status_code, dict(response.headers), response.content


@dataclass
class ProdLocal:
    base: str
    process: subprocess.Popen[bytes]
    stderr: Path


@pytest.fixture(scope="module")
def prod_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdLocal]:
    var = tmp_path_factory.mktemp("prod-local")
    test_db = urlparse(os.environ["DATABASE_URL"])
    database_url = urlunparse(test_db._replace(path=test_db.path + "_prodlocal"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        PORT=str(port),
        NETWORK_PORT=str(free_port()),
        MAIL_PORT=str(free_port()),
        DATABASE_URL=database_url,
        REDIS_URL=os.environ["REDIS_URL"],
        PORTAL_VAR_DIR=str(var),
        PROD_LOCAL_DEMO="0",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    stderr = var / "stderr.log"
    with stderr.open("wb") as stderr_file:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "prod-local")],
            cwd=ROOT,
            env=env,
            stdout=stderr_file,
            stderr=stderr_file,
            start_new_session=True,  # its own process group, so nothing can outlive the test
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN
        last = "no answer"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"bin/prod-local exited {process.returncode}:\n{stderr.read_text()}")
            try:
                status, _headers, body = get(base + "/readyz")
            except requests.RequestException as error:
                last = error.__class__.__name__
            else:
                if status == 200:
                    break
                last = f"{status} failing {json.loads(body)['failing']}"
            time.sleep(0.5)
        else:
            pytest.fail(
                f"not ready within {READY_WITHIN} s ({last}):\n{stderr.read_text()[-3000:]}"
            )
        yield ProdLocal(base=base, process=process, stderr=stderr)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_prod_local_ready_with_every_check_ok(prod_local: ProdLocal) -> None:
    status, _headers, body = get(prod_local.base + "/readyz")
    assert status == 200
    assert {name: check["ok"] for name, check in json.loads(body)["checks"].items()} == {
        "database": True,
        "broker": True,
        "network": True,
        "mail": True,
    }


def test_prod_local_serves_pages_with_debug_off(prod_local: ProdLocal) -> None:
    status, headers, _body = get(prod_local.base + "/", {"X-Request-ID": "prod-local-notice-1"})
    assert status == 200
    assert headers["X-Request-ID"] == "prod-local-notice-1"
    missing_status, _headers, missing = get(prod_local.base + "/no-such-page")
    assert missing_status == 404
    assert b"Traceback" not in missing  # DEBUG is off: no technical 404 page


def test_prod_local_serves_hashed_static_files(prod_local: ProdLocal) -> None:
    _status, _headers, page = get(prod_local.base + "/")
    start = page.index(b"/static/")
    href = page[start : page.index(b'"', start)].decode()
    status, headers, _body = get(prod_local.base + href)
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"  # hashed name


def test_prod_local_metrics_add_up_both_gunicorn_workers(prod_local: ProdLocal) -> None:
    for _ in range(6):
        get(prod_local.base + "/healthz")
    _status, _headers, body = get(prod_local.base + "/metrics")
    text = body.decode()
    healthz = [
        line
        for line in text.splitlines()
        if line.startswith('portal_http_requests_total{method="GET",status="2xx",view="healthz"}')
    ]
    assert len(healthz) == 1
    assert float(healthz[0].rsplit(" ", 1)[1]) >= 6
    assert 'portal_sync_changes{state="pending"}' in text


def logged(prod_local: ProdLocal, wanted: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """The JSON log entries `wanted` picks, waiting up to 30 s for the first."""
    deadline = time.monotonic() + 30
    while True:
        entries = [
            json.loads(line)
            for line in prod_local.stderr.read_text().splitlines()
            if line.startswith("{")
        ]
        found = [entry for entry in entries if wanted(entry)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_prod_local_logs_json_lines_with_the_request_id(prod_local: ProdLocal) -> None:
    get(prod_local.base + "/healthz", {"X-Request-ID": "prod-local-log-1"})
    access = logged(prod_local, lambda entry: entry["request_id"] == "prod-local-log-1")
    assert [(e["logger"], e["view"], e["status"]) for e in access] == [
        ("portal.access", "healthz", 200)
    ]


def test_prod_local_gunicorn_logs_json_once(prod_local: ProdLocal) -> None:
    booted = logged(prod_local, lambda entry: entry["logger"] == "gunicorn.error")
    listening = [e["message"] for e in booted if e["message"].startswith("Listening at: ")]
    assert [line.split(" (")[0] for line in listening] == [f"Listening at: {prod_local.base}"]


def test_prod_local_celery_worker_logs_json(prod_local: ProdLocal) -> None:
    ready = logged(prod_local, lambda entry: entry["logger"] == "celery.apps.worker")
    assert ready[0]["message"].endswith(" ready.")


def test_prod_local_stops_every_process_on_sigterm(prod_local: ProdLocal) -> None:
    prod_local.process.send_signal(signal.SIGTERM)
    assert prod_local.process.wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(0.5)
    # No process of its group is left (gunicorn, celery, the backends).
    with pytest.raises(ProcessLookupError):
        os.killpg(prod_local.process.pid, 0)
    with pytest.raises(requests.ConnectionError):
        get(prod_local.base + "/healthz")
