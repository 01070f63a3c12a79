"""The one seam to the backends: an HTTP client per backend, errors that say retry or not.

Every call has a (connect, read) timeout and reuses connections (one
`requests.Session` per thread). Retrying is not done here: Celery and the outbox
decide when to call again, so a slow backend never holds a worker in a loop.
"""

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from blocking.sync.models import SyncBackend
from blocking.sync.resources import RESOURCES, Payload


class BackendError(Exception):
    """A call that did not succeed. `permanent` errors are not worth retrying."""

    permanent = False

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after


class TransientError(BackendError):
    """Connection refused or dropped, a timeout, 5xx, 429: try again later."""


class PermanentError(BackendError):
    """The backend refused the request itself (400, 401, 403, 404, 422): retrying won't help."""

    permanent = True


@dataclass(frozen=True, slots=True)
class PutResult:
    status_code: int
    applied: bool  # False: the backend already held this version or a newer one (409)
    current_version: int | None = None


@dataclass(frozen=True, slots=True)
class BatchItemResult:
    key: str
    outcome: str  # "applied", "stale" or "invalid"
    error: str = ""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date is allowed, but our backends send seconds


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"{response.status_code} {error.get('code', '')}: {error.get('message', '')}"
    except (ValueError, AttributeError):
        return f"{response.status_code} {response.text[:200]}"


class BackendClient:
    """A REST client of one backend; see docs/<backend>-backend.openapi.yaml."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: tuple[float, float] = (3.05, 10.0),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._token = token
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # The backend's address is configured; proxy variables and ~/.netrc must not
            # apply, and looking them up on every call costs more than the call itself.
            session.trust_env = False
            session.headers["Authorization"] = f"Bearer {self._token}"
            session.headers["User-Agent"] = "op25b-portal-sync/1"
            self._local.session = session
        return session

    def request(self, method: str, path: str, *, json: Any = None) -> requests.Response:
        """One call; a response that is not 2xx or 409 raises."""
        try:
            response = self.session.request(
                method, self.base_url + path, json=json, timeout=self.timeout
            )
        except requests.Timeout as error:
            raise TransientError(f"timeout: {error.__class__.__name__}") from error
        except requests.ConnectionError as error:
            # A dropped keep-alive connection may leave the pool unusable: start afresh.
            self._local.session = None
            raise TransientError(f"connection failed: {error}") from error
        if response.status_code < 300 or response.status_code == 409:
            return response
        message = _error_message(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(
                message, status_code=response.status_code, retry_after=_retry_after(response)
            )
        raise PermanentError(message, status_code=response.status_code)

    def put(self, *, resource: str, key: str, version: int, payload: Payload) -> PutResult:
        """PUT the full desired state of one resource at `version`."""
        response = self.request(
            "PUT", RESOURCES[resource].path(key), json={"version": version, **payload}
        )
        if response.status_code == 409:
            current = response.json().get("error", {}).get("current_version")
            return PutResult(status_code=409, applied=False, current_version=current)
        return PutResult(status_code=response.status_code, applied=True)

    def put_batch(
        self, *, resource: str, items: Sequence[tuple[str, int, Payload]]
    ) -> tuple[int, list[BatchItemResult]]:
        """Many resources in one call (the contract's batch form): status and per-item outcome."""
        spec = RESOURCES[resource]
        if spec.batch_path is None:
            raise ValueError(f"{resource} has no batch form")
        body = {
            "items": [
                {spec.batch_key: key, "version": version, **payload}
                for key, version, payload in items
            ]
        }
        response = self.request("POST", spec.batch_path, json=body)
        results = [
            BatchItemResult(key=r[spec.batch_key], outcome=r["outcome"], error=r.get("error", ""))
            for r in response.json()["results"]
        ]
        return response.status_code, results

    def get(self, *, resource: str, key: str) -> dict[str, Any] | None:
        """The backend's state of one resource, or None if it holds none."""
        try:
            return dict(self.request("GET", RESOURCES[resource].path(key)).json())
        except PermanentError as error:
            if error.status_code == 404:
                return None
            raise

    def list(self, *, resource: str, page_size: int = 5000) -> Iterator[dict[str, Any]]:
        """Every resource of one kind on the backend, in key order, page by page."""
        path = RESOURCES[resource].collection_path
        after: str | None = ""
        while after is not None:
            params = f"?limit={page_size}" + (f"&after={quote(after)}" if after else "")
            page = self.request("GET", path + params).json()
            yield from page["items"]
            after = page.get("next")


_clients: dict[str, BackendClient] = {}
_clients_lock = threading.Lock()


def backend_client(backend: str) -> BackendClient:
    """The process's client of a backend, configured from settings (PORTAL_*_BACKEND_*)."""
    with _clients_lock:
        client = _clients.get(backend)
        url, token = _backend_settings(backend)
        if client is None or client.base_url != url.rstrip("/"):
            client = BackendClient(
                base_url=url,
                token=token,
                timeout=(settings.PORTAL_SYNC_CONNECT_TIMEOUT, settings.PORTAL_SYNC_READ_TIMEOUT),
            )
            _clients[backend] = client
        return client


def _backend_settings(backend: str) -> tuple[str, str]:
    if backend == SyncBackend.NETWORK:
        return settings.PORTAL_NETWORK_BACKEND_URL, settings.PORTAL_NETWORK_BACKEND_TOKEN
    if backend == SyncBackend.MAIL:
        return settings.PORTAL_MAIL_BACKEND_URL, settings.PORTAL_MAIL_BACKEND_TOKEN
    raise ValueError(f"unknown backend {backend!r}")
