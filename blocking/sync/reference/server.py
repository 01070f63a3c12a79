"""The reference backends' HTTP side: routing, bearer auth, one error body, faults.

ThreadingHTTPServer with HTTP/1.1 keep-alive, so the portal's pooled connections
are reused. Faults (error rate and status, 429 with Retry-After, added latency,
dropped connections) apply to /v1/ and are switched at run time with
`PUT /_admin/faults`; `POST /_admin/reset` forgets all state.
"""

import argparse
import hmac
import json
import logging
import os
import random
import re
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from blocking.sync.reference.contract import (
    MAX_BATCH,
    Invalid,
    Stale,
    exemption_in_force,
    mail_store,
    network_store,
    stage_now,
    utc_now,
)

logger = logging.getLogger("reference-backend")

MAX_BODY = 16 * 1024 * 1024
SINGLETON = "default"


@dataclass
class Faults:
    """What goes wrong, on purpose. Rates are probabilities per request (0 to 1)."""

    error_rate: float = 0.0
    error_status: int = 500
    rate_limit_rate: float = 0.0
    retry_after: float = 1.0
    latency_ms: int = 0
    drop_rate: float = 0.0

    def update(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name not in asdict(self):
                raise Invalid("unknown fault", {name: f"one of {sorted(asdict(self))}"})
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise Invalid("invalid fault", {name: "a number >= 0 is required"})
            setattr(self, name, type(getattr(self, name))(value))


# (method, pattern, collection, route kind)
Route = tuple[str, re.Pattern[str], str, str]


def _routes(kind: str) -> list[Route]:
    def r(method: str, pattern: str, collection: str, what: str) -> Route:
        return (method, re.compile(f"^{pattern}$"), collection, what)

    if kind == "network":
        return [
            r("PUT", r"/v1/lines/(?P<key>[^/]+)/exemption", "exemptions", "put"),
            r("GET", r"/v1/lines/(?P<key>[^/]+)/exemption", "exemptions", "get"),
            r("GET", r"/v1/exemptions", "exemptions", "list"),
            r("POST", r"/v1/exemptions:batch", "exemptions", "batch"),
            r("PUT", r"/v1/schedules/(?P<key>[^/]+/[^/]+)", "schedules", "put"),
            r("GET", r"/v1/schedules/(?P<key>[^/]+/[^/]+)", "schedules", "get"),
            r("GET", r"/v1/schedules", "schedules", "list"),
            r("PUT", r"/v1/destination-lists/(?P<key>[^/]+)", "destination-lists", "put"),
            r("GET", r"/v1/destination-lists/(?P<key>[^/]+)", "destination-lists", "get"),
            r("GET", r"/v1/destination-lists", "destination-lists", "list"),
        ]
    return [
        r("PUT", r"/v1/submission-service", "submission-service", "put"),
        r("GET", r"/v1/submission-service", "submission-service", "get"),
        r("PUT", r"/v1/mailboxes/(?P<key>[^/]+)/submission", "mailboxes", "put"),
        r("GET", r"/v1/mailboxes/(?P<key>[^/]+)/submission", "mailboxes", "get"),
        r("GET", r"/v1/mailboxes", "mailboxes", "list"),
        r("POST", r"/v1/mailboxes:batch", "mailboxes", "batch"),
    ]


class Backend:
    """One backend: its kind, token, state, faults and routes."""

    def __init__(self, kind: str, token: str, state_file: Path | None = None) -> None:
        self.kind = kind
        self.token = token
        self.store = network_store() if kind == "network" else mail_store()
        self.faults = Faults()
        self.routes = _routes(kind)
        self.state_file = state_file
        self.requests = 0
        if state_file and state_file.exists():
            self.store.load(json.loads(state_file.read_text()))

    def save(self) -> None:
        if self.state_file is None:
            return
        partial = self.state_file.with_suffix(".tmp")
        try:
            partial.write_text(json.dumps(self.store.dump()))
            partial.replace(self.state_file)
        except OSError:
            logger.exception("could not write the state file %s", self.state_file)

    def saver(self) -> None:
        """Write the state file at most once a second while it changes."""
        while True:
            self.store.changed.wait()
            self.store.changed.clear()
            self.save()
            time.sleep(1)

    def decorate(self, collection: str, item: dict[str, Any]) -> dict[str, Any]:
        """What people read besides the stored document: what is enforced now."""
        if collection == "schedules":
            return {**item, "stage_now": stage_now(item["phases"], utc_now())}
        if collection == "exemptions":
            return {**item, "in_force": exemption_in_force(item, utc_now())}
        return item


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "op25b-reference-backend/1"
    # Headers and body go out in two writes; without TCP_NODELAY the second waits
    # for the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True
    backend: Backend  # set on the subclass made by `serve`

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    # -- responses ---------------------------------------------------------

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_error_body(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        error: dict[str, Any] = {"code": code, "message": message, **extra}
        if details:
            error["details"] = details
        self.send_json(status, {"error": error}, headers)

    # -- request handling --------------------------------------------------

    def do_GET(self) -> None:
        self.handle_request("GET")

    def do_PUT(self) -> None:
        self.handle_request("PUT")

    def do_POST(self) -> None:
        self.handle_request("POST")

    def do_DELETE(self) -> None:
        self.handle_request("DELETE")

    def read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise Invalid(f"the body is larger than {MAX_BODY} bytes")
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"null")
        except ValueError:
            raise Invalid("the body is not JSON") from None

    def authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.backend.token.encode()
        )

    def handle_request(self, method: str) -> None:
        backend = self.backend
        url = urlsplit(self.path)
        path = url.path
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            if path in ("/healthz", "/readyz") and method == "GET":
                self.read_body()
                self.send_json(200, {"status": "ok", "backend": backend.kind})
                return
            body = self.read_body() if method in ("PUT", "POST") else None
            if not self.authorised():
                self.send_error_body(
                    401,
                    "unauthorized",
                    "A bearer token is required.",
                    headers={"WWW-Authenticate": 'Bearer realm="op25b"'},
                )
                return
            if path.startswith("/_admin/"):
                self.admin(method, path, body)
                return
            backend.requests += 1
            if self.inject_faults():
                return
            self.api(method, path, query, body)
        except Invalid as error:
            self.send_error_body(400, "invalid_request", str(error), details=error.details)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def inject_faults(self) -> bool:
        """Apply the faults switched on; True if the request was answered (or dropped)."""
        faults = self.backend.faults
        if faults.drop_rate and random.random() < faults.drop_rate:  # noqa: S311 - not crypto
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if faults.rate_limit_rate and random.random() < faults.rate_limit_rate:  # noqa: S311
            self.send_error_body(
                429,
                "rate_limited",
                "Too many requests; try again later.",
                headers={"Retry-After": f"{faults.retry_after:g}"},
            )
            return True
        if faults.error_rate and random.random() < faults.error_rate:  # noqa: S311
            self.send_error_body(
                faults.error_status, "injected_fault", "A fault was injected on purpose."
            )
            return True
        return False

    def api(self, method: str, path: str, query: dict[str, str], body: Any) -> None:
        backend = self.backend
        allowed = []
        for route_method, pattern, collection, what in backend.routes:
            match = pattern.match(path)
            if not match:
                continue
            allowed.append(route_method)
            if route_method != method:
                continue
            key = unquote(match.groupdict().get("key", SINGLETON))
            if what == "put":
                self.put(collection, key, body)
            elif what == "get":
                item = backend.store.get(collection, key)
                if item is None:
                    self.send_error_body(404, "not_found", f"No {collection} resource {key!r}.")
                else:
                    self.send_json(200, backend.decorate(collection, item))
            elif what == "list":
                self.list(collection, query)
            else:
                self.batch(collection, body)
            return
        if allowed:
            self.send_error_body(
                405,
                "method_not_allowed",
                f"{method} is not allowed here.",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        else:
            self.send_error_body(404, "not_found", f"No route for {path}.")

    def put(self, collection: str, key: str, body: Any) -> None:
        try:
            document = self.backend.store.put(collection, key, body)
        except Stale as stale:
            self.send_error_body(409, "stale_version", str(stale), current_version=stale.current)
            return
        self.send_json(200, document)

    def list(self, collection: str, query: dict[str, str]) -> None:
        try:
            limit = min(max(int(query.get("limit", "1000")), 1), 10_000)
        except ValueError:
            raise Invalid("invalid parameter", {"limit": "an integer is required"}) from None
        items, after = self.backend.store.page(collection, query.get("after", ""), limit)
        self.send_json(
            200,
            {"items": [self.backend.decorate(collection, item) for item in items], "next": after},
        )

    def batch(self, collection: str, body: Any) -> None:
        """Each item applied as its own PUT would be; one result per item, in order."""
        name = self.backend.store.collections[collection].key_fields[0]
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 0 < len(items) <= MAX_BATCH:
            raise Invalid("invalid field", {"items": f"a list of 1 to {MAX_BATCH} items"})
        results = []
        for item in items:
            key = item.pop(name, None) if isinstance(item, dict) else None
            if not isinstance(key, str):
                results.append({name: key, "outcome": "invalid", "error": f"{name} is required"})
                continue
            try:
                self.backend.store.put(collection, key, item)
                results.append({name: key, "outcome": "applied"})
            except Stale as stale:
                results.append({name: key, "outcome": "stale", "current_version": stale.current})
            except Invalid as error:
                results.append(
                    {name: key, "outcome": "invalid", "error": f"{error} {error.details}"}
                )
        self.send_json(200, {"results": results})

    def admin(self, method: str, path: str, body: Any) -> None:
        backend = self.backend
        if path == "/_admin/faults" and method == "GET":
            self.send_json(200, asdict(backend.faults))
        elif path == "/_admin/faults" and method == "PUT":
            if not isinstance(body, dict):
                raise Invalid("the body must be a JSON object")
            backend.faults.update(body)
            self.send_json(200, asdict(backend.faults))
        elif path == "/_admin/faults" and method == "DELETE":
            backend.faults = Faults()
            self.send_json(200, asdict(backend.faults))
        elif path == "/_admin/reset" and method == "POST":
            backend.store.reset()
            self.send_json(200, {"reset": True})
        elif path == "/_admin/stats" and method == "GET":
            self.send_json(
                200,
                {
                    "backend": backend.kind,
                    "requests": backend.requests,
                    **backend.store.stats,
                    "resources": dict(backend.store.iter_counts()),
                },
            )
        elif path.startswith("/_admin/history/") and method == "GET":
            # /_admin/history/<collection>/<key>: the versions applied, oldest first.
            _, _, rest = path.partition("/_admin/history/")
            collection, _, key = rest.partition("/")
            target = backend.store.collections.get(collection)
            if target is None:
                self.send_error_body(404, "not_found", f"No collection {collection!r}.")
                return
            with backend.store.lock:
                versions = list(target.history.get(unquote(key) or SINGLETON, []))
            self.send_json(200, {"versions": versions})
        else:
            self.send_error_body(404, "not_found", f"No admin route {method} {path}.")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def serve(backend: Backend, host: str, port: int) -> Server:
    handler = type("BoundHandler", (Handler,), {"backend": backend})
    return Server((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m blocking.sync.reference",
        description="Run the reference network or mail backend.",
    )
    parser.add_argument("kind", choices=("network", "mail"))
    parser.add_argument("--host", default=os.environ.get("REFERENCE_BACKEND_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, help="0 picks a free port (default 8101 / 8102)")
    parser.add_argument("--token", help="bearer token (default dev-network-token / dev-mail-token)")
    parser.add_argument("--state-file", type=Path, help="keep the state in this JSON file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    port = args.port if args.port is not None else (8101 if args.kind == "network" else 8102)
    token = args.token or os.environ.get("REFERENCE_BACKEND_TOKEN") or f"dev-{args.kind}-token"
    backend = Backend(args.kind, token, args.state_file)
    server = serve(backend, args.host, port)
    if args.state_file:
        threading.Thread(target=backend.saver, daemon=True).start()

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, bound_port = server.server_address[:2]
    # The first line tells a parent process which port was picked.
    sys.stdout.write(f"{args.kind} backend listening on http://{host}:{bound_port}\n")
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    backend.save()
    return 0
