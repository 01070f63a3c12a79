"""Fixtures of the operations tests: the reference backends as real processes."""

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class ReferenceBackend:
    kind: str
    url: str
    token: str


def reference_backend_start(kind: str, token: str) -> tuple[subprocess.Popen[str], str]:
    """Starts `python -m blocking.sync.reference KIND --port 0`; returns it and its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "blocking.sync.reference", kind, "--port", "0", "--token", token],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()  # "<kind> backend listening on http://host:port"
    if "listening on " not in first_line:
        process.kill()
        pytest.fail(f"the {kind} reference backend did not start: {first_line!r}")
    return process, first_line.rsplit(" ", 1)[-1].strip()


@pytest.fixture(scope="session")
def reference_backends() -> Iterator[dict[str, ReferenceBackend]]:
    started: list[subprocess.Popen[str]] = []
    backends = {}
    try:
        for kind in ("network", "mail"):
            token = f"ops-test-{kind}-token"
            process, url = reference_backend_start(kind, token)
            started.append(process)
            backends[kind] = ReferenceBackend(kind=kind, url=url, token=token)
        yield backends
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def backends_configured(
    settings: Settings, reference_backends: dict[str, ReferenceBackend]
) -> dict[str, ReferenceBackend]:
    """Settings pointing the portal at the running reference backends."""
    settings.PORTAL_NETWORK_BACKEND_URL = reference_backends["network"].url
    settings.PORTAL_NETWORK_BACKEND_TOKEN = reference_backends["network"].token
    settings.PORTAL_MAIL_BACKEND_URL = reference_backends["mail"].url
    settings.PORTAL_MAIL_BACKEND_TOKEN = reference_backends["mail"].token
    return reference_backends
