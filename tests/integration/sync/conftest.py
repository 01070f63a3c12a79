"""Real parts for the sync tests: the reference backends as subprocesses on free ports,
a real Celery worker (with beat) on the real Redis, and helpers to wait and to break things.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings as SettingsWrapper

ROOT = Path(__file__).resolve().parents[3]
TOKENS = {"network": "test-network-token", "mail": "test-mail-token"}

# How the worker under test is tuned: short leases, backoffs and circuits keep tests quick.
WORKER_ENV = {
    "PORTAL_SYNC_LEASE_SECONDS": "2",
    "PORTAL_SYNC_SWEEP_SECONDS": "0.5",
    "PORTAL_SYNC_BACKOFF_SECONDS": "0.2",
    "PORTAL_SYNC_BACKOFF_MAX_SECONDS": "1",
    "PORTAL_SYNC_CIRCUIT_FAILURES": "5",
    "PORTAL_SYNC_CIRCUIT_SECONDS": "0.5",
    "PORTAL_SYNC_CIRCUIT_SECONDS_MAX": "1",
    "PORTAL_SYNC_READ_TIMEOUT": "1",
    "PORTAL_SYNC_CONNECT_TIMEOUT": "1",
    "PORTAL_SYNC_EXPIRE_SECONDS": "1",
    "PORTAL_SYNC_RECONCILE_SECONDS": "86400",
    "PORTAL_SYNC_MAX_ATTEMPTS": "50",
}


def wait_for(predicate: Callable[[], Any], *, timeout: float = 15, what: str = "") -> Any:
    """Poll until `predicate()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.05)


class ReferenceBackend:
    """A reference backend running as its own process; stop() and start() keep its port."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.token = TOKENS[kind]
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "blocking.sync.reference",
                self.kind,
                *("--port", str(self.port), "--token", self.token),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r":(\d+)$", line.strip())
        assert match, f"the {self.kind} backend did not start: {line!r}"
        self.port = int(match.group(1))

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=5)
            self.process = None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(
            method,
            self.url + path,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=5,
            **kwargs,
        )
        response.raise_for_status()
        return response.json()

    def faults(self, **faults: float) -> None:
        self.call("PUT", "/_admin/faults", json=faults)

    def reset(self) -> None:
        self.call("DELETE", "/_admin/faults")
        self.call("POST", "/_admin/reset")

    def get(self, path: str) -> dict[str, Any] | None:
        response = requests.get(
            self.url + path, headers={"Authorization": f"Bearer {self.token}"}, timeout=5
        )
        return None if response.status_code == 404 else response.json()

    def history(self, collection: str, key: str) -> list[int]:
        return list(self.call("GET", f"/_admin/history/{collection}/{key}")["versions"])


@pytest.fixture(scope="session")
def backends() -> Iterator[dict[str, ReferenceBackend]]:
    started = {kind: ReferenceBackend(kind) for kind in ("network", "mail")}
    yield started
    for backend in started.values():
        backend.stop()


class Worker:
    """`celery -A portal worker -B` as a subprocess: the portal's real worker and beat."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = env
        self.tmp = tmp
        self.process: subprocess.Popen[str] | None = None
        self.log: list[str] = []

    def start(self) -> None:
        self.log = []
        ready = threading.Event()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "portal", "worker", "-B"),
                *("--pool", "threads", "--concurrency", "4", "--loglevel", "INFO"),
                *("--schedule", str(self.tmp / "beat-schedule"), "--without-gossip"),
                *("--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

        def read(stream: Any) -> None:
            for line in stream:
                self.log.append(line)
                if " ready." in line:
                    ready.set()

        threading.Thread(target=read, args=(self.process.stderr,), daemon=True).start()
        if not ready.wait(30):
            self.kill()
            pytest.fail("the Celery worker did not start:\n" + "".join(self.log[-30:]))

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and beat): nothing gets to clean up."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


@pytest.fixture(scope="session")
def worker_env(django_db_setup: None, backends: dict[str, ReferenceBackend]) -> dict[str, str]:
    database = django_settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(WORKER_ENV)
    env.update(
        {
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
                f"/{database['NAME']}"
            ),
            "PORTAL_NETWORK_BACKEND_URL": backends["network"].url,
            "PORTAL_NETWORK_BACKEND_TOKEN": backends["network"].token,
            "PORTAL_MAIL_BACKEND_URL": backends["mail"].url,
            "PORTAL_MAIL_BACKEND_TOKEN": backends["mail"].token,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


@pytest.fixture(scope="session")
def celery_worker(
    worker_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    # Messages left by an earlier run would be delivered to this one: drop the queue
    # (only Celery's keys: the database may serve others too).
    redis.Redis.from_url(worker_env["REDIS_URL"]).delete(
        "celery", "unacked", "unacked_index", "unacked_mutex"
    )
    worker = Worker(worker_env, tmp_path_factory.mktemp("worker"))
    worker.start()
    yield worker
    worker.kill()


@pytest.fixture
def sync_settings(settings: SettingsWrapper, backends: dict[str, ReferenceBackend]) -> None:
    """This process (the web side) points at the same backends, with the worker's tuning."""
    settings.PORTAL_NETWORK_BACKEND_URL = backends["network"].url
    settings.PORTAL_NETWORK_BACKEND_TOKEN = backends["network"].token
    settings.PORTAL_MAIL_BACKEND_URL = backends["mail"].url
    settings.PORTAL_MAIL_BACKEND_TOKEN = backends["mail"].token
    for name, value in WORKER_ENV.items():
        current = getattr(django_settings, name)
        setattr(settings, name, type(current)(value))


@pytest.fixture
def fresh_backends(
    backends: dict[str, ReferenceBackend], sync_settings: None
) -> Iterator[dict[str, ReferenceBackend]]:
    """Both backends running, empty, without faults, before and after the test."""
    for backend in backends.values():
        if backend.process is None:
            backend.start()
        backend.reset()
    yield backends
    for backend in backends.values():
        if backend.process is None:
            backend.start()
        backend.reset()


@pytest.fixture
def broker_down() -> Callable[[], Any]:
    """A context in which this process finds no broker (connection refused), as in an outage."""
    from contextlib import contextmanager

    from portal.celery import app

    def reset_pools() -> None:
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    @contextmanager
    def down() -> Iterator[None]:
        original = app.conf.broker_url
        app.conf.broker_url = "redis://127.0.0.1:9/1"  # the discard port: nothing listens
        reset_pools()
        try:
            yield
        finally:
            app.conf.broker_url = original
            reset_pools()

    return down
