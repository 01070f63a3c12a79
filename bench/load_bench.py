"""Announcement-week load: the portal's busiest pages under gunicorn on the million-subscriber demo.

`make bench` runs it after the sync benchmark and writes the table between
`<!-- bench:load -->` and `<!-- /bench:load -->` in docs/benchmarks.md.

Real parts only: PostgreSQL (the sync benchmark's database, `portal_bench`, with the
million-subscriber demo; built here when missing), Redis (the API throttle's cache and the
portal's short cache), gunicorn with 2 sync workers (as bin/prod-local runs it) and the
production settings (DEBUG off, JSON logs to a file with the portal's access line, Prometheus
multiprocess files), and wrk on loopback. Each endpoint is loaded for BENCH_LOAD_SECONDS (10)
with 2 connections per core and reported as requests per second, its ratio to a bare Django
view (`bench/urls_bench.py`: same server, same middleware; measured before and after the
endpoints, the mean) and its p99 latency.

The API throttle is raised for this server (PORTAL_API_THROTTLE_RATE=1000000/min): a single
benchmark client would otherwise be throttled at the production rate of 1,200 a minute.

Environment: BENCH_DATABASE_URL, BENCH_LOAD_REDIS_URL (redis://127.0.0.1:6379/12), BENCH_SUBSCRIBERS
(1000000), BENCH_LOAD_SECONDS (10), BENCH_LOAD_CONNECTIONS (2 per core), BENCH_LOAD_WORKERS
(2), BENCH_LOAD_ONLY (comma-separated endpoint keys, for profiling runs).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/12")
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000000"))
CORES = os.cpu_count() or 1
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", str(2 * CORES)))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))  # as bin/prod-local runs it
ONLY = set(filter(None, os.environ.get("BENCH_LOAD_ONLY", "").split(",")))
RESULTS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:load -->", "<!-- /bench:load -->"
LOGS = ROOT / "var" / "bench"

BULK_PASSWORD = "demo-bulk-2006"  # noqa: S105 - the demo's published password
AGENT_PASSWORD = "demo-agent-2006"  # noqa: S105 - the demo's published password

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "PORTAL_HTTPS": "0",
    "PORTAL_STATIC_MANIFEST": "0",
    # As production runs: JSON lines at INFO, so the portal's access line is written.
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "json",
    "PORTAL_API_THROTTLE_RATE": "1000000/min",
    "PROMETHEUS_MULTIPROC_DIR": str(LOGS / "load-prometheus"),
    "PORTAL_VAR_DIR": str(LOGS / "load-var"),
}


def say(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def manage(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**ENV, "LOG_LEVEL": "WARNING"},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def database_ensure() -> None:
    """The database with the million-subscriber demo: made, migrated and filled if needed."""
    url = urlparse(DATABASE_URL)
    params = {"host": url.hostname, "port": url.port or 5432, "user": url.username}
    name = url.path.lstrip("/")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            say(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v", "0")
    with psycopg.connect(dbname=name, **params) as connection:
        row = connection.execute("SELECT count(*) FROM accounts_subscriber").fetchone()
    if row is None or row[0] < SUBSCRIBERS:
        say(f"loading the bulk demo ({SUBSCRIBERS} subscribers; a few minutes)")
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "demo",
                "--subscribers",
                str(SUBSCRIBERS),
                "--no-progress",
            ],
            cwd=ROOT,
            env={**ENV, "LOG_LEVEL": "WARNING"},
            check=True,
        )


def wrk_ensure() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    found = shutil.which("wrk")
    if not found:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn as production runs it (bin/prod-local), on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.log = LOGS / "load-gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        shutil.rmtree(ENV["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
        Path(ENV["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        args = [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        args += ["--config", "python:portal.observability.gunicorn", "--workers", str(WORKERS)]
        args += ["--timeout", "30", "--graceful-timeout", "5"]
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=ENV, stderr=self.log.open("w"), start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/bench/bare", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within 30 s; see {self.log}")

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process = None


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass
class Endpoint:
    key: str
    label: str
    requests: list[Request]
    expect: int = 200
    aim: float = 0.5
    floor: str = ""  # the key of the yardstick with the same login and framing, if any


@dataclass
class Result:
    endpoint: Endpoint
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    total: int


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(items: list[Request]) -> str:
    """A wrk script that sends the requests in turn, each thread from its own start."""
    entries = []
    for item in items:
        headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in item.headers.items()
        )
        body = _lua_string(item.body) if item.body else "nil"
        entries.append(
            f"{{{_lua_string(item.method)}, {_lua_string(item.path)}, {{{headers}}}, {body}}}"
        )
    return (
        "local specs = {" + ",\n".join(entries) + "}\n"
        "local built = {}\n"
        "local i = 0\n"
        "local counter = 0\n"
        "setup = function(thread) counter = counter + 1; thread:set('offset', counter * 7) end\n"
        "init = function(args)\n"
        "  for n, s in ipairs(specs) do built[n] = wrk.format(s[1], s[2], s[3], s[4]) end\n"
        "  i = (offset or 0) % #built\n"
        "end\n"
        "request = function() i = i % #built + 1; return built[i] end\n"
    )


def wrk_run(wrk: str, server: Server, endpoint: Endpoint, seconds: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(endpoint.requests))
    try:
        done = subprocess.run(
            [
                *(wrk, "--latency", "-t", str(min(CORES, CONNECTIONS)), "-c", str(CONNECTIONS)),
                *("-d", f"{seconds}s", "--timeout", "10s", "-s", script.name, server.base),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(script.name)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed on {endpoint.key}: {done.stdout}{done.stderr}")
    return wrk_parse(done.stdout, endpoint)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk_parse(output: str, endpoint: Endpoint) -> Result:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    if not (rate and p50 and p99 and total):
        raise SystemExit(f"wrk's output not understood:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        endpoint=endpoint,
        rate=float(rate.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=errors,
        total=int(total.group(1)),
    )


# ---------------------------------------------------------------------------
# Who the requests come from: a bulk subscriber, the demo agent past TOTP, an API key.
# ---------------------------------------------------------------------------
def _csrf_form(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    page.raise_for_status()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def subscriber_cookie(server: Server, account_id: str) -> str:
    session = requests.Session()
    token = _csrf_form(session, f"{server.base}/login/")
    answer = session.post(
        f"{server.base}/login/",
        data={"csrfmiddlewaretoken": token, "username": account_id, "password": BULK_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, f"login of {account_id}: {answer.status_code}"
    return f"sessionid={session.cookies['sessionid']}"


def staff_cookie(server: Server) -> str:
    session = requests.Session()
    token = _csrf_form(session, f"{server.base}/staff/login/")
    answer = session.post(
        f"{server.base}/staff/login/",
        data={"csrfmiddlewaretoken": token, "username": "agent", "password": AGENT_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, f"staff login: {answer.status_code}"
    # A code is accepted once: on a refusal (a run a moment ago used it), the next one.
    for _attempt in range(3):
        code = manage("totp_code", "agent").strip().splitlines()[-1].strip()
        token = _csrf_form(session, f"{server.base}/staff/login/code/")
        answer = session.post(
            f"{server.base}/staff/login/code/",
            data={"csrfmiddlewaretoken": token, "token": code},
            allow_redirects=False,
            timeout=10,
        )
        if answer.status_code == 302:
            return f"sessionid={session.cookies['sessionid']}"
        time.sleep(31 - time.time() % 30)
    raise SystemExit("the agent's TOTP code was refused three times")


def api_key() -> str:
    name = f"bench-load-{datetime.now(UTC):%Y%m%d%H%M%S}"
    return manage("create_api_key", name, "--scopes", "read").strip().splitlines()[-1].strip()


def samples() -> dict[str, list[str]]:
    """Bulk subscribers spread over the table, and their mailboxes."""
    url = urlparse(DATABASE_URL)
    with psycopg.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, dbname=url.path.lstrip("/")
    ) as connection:
        accounts = [
            row[0]
            for row in connection.execute(
                "SELECT account_id FROM accounts_subscriber WHERE account_id = ANY(%s)",
                [[f"s{n:07d}" for n in range(1, SUBSCRIBERS + 1, max(SUBSCRIBERS // 50, 1))]],
            )
        ]
        addresses = [
            row[0]
            for row in connection.execute(
                "SELECT m.address FROM accounts_mailbox m JOIN accounts_subscriber s "
                "ON s.id = m.subscriber_id WHERE s.account_id = ANY(%s) ORDER BY m.address",
                [accounts],
            )
        ]
        names = [
            row[0]
            for row in connection.execute(
                "SELECT split_part(name, ' ', 1) FROM accounts_subscriber "
                "WHERE account_id = ANY(%s)",
                [accounts],
            )
        ]
    if not (accounts and addresses):
        raise SystemExit("no bulk subscribers in the database")
    return {"accounts": accounts, "addresses": addresses, "names": names}


AUTODISCOVER = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/'
    'requestschema/2006"><Request><EMailAddress>{address}</EMailAddress>'
    "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/"
    "responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>"
)


def endpoints(server: Server) -> list[Endpoint]:
    found = samples()
    accounts, addresses = found["accounts"], found["addresses"]
    ja = {"Accept-Language": "ja"}
    # A few logged-in subscribers with one or two lines each, taken in turn.
    dashboards = [{**ja, "Cookie": subscriber_cookie(server, account)} for account in accounts[:4]]
    staff = {**ja, "Cookie": staff_cookie(server)}
    bearer = {"Authorization": f"Bearer {api_key()}", "Accept": "application/json"}
    autoconfig = "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress="
    return [
        Endpoint(
            "layout",
            "an empty page in the site's layout (`/bench/layout`, anonymous): the floor",
            [Request("/bench/layout", headers=ja)],
            aim=0,
        ),
        Endpoint(
            "subscriber",
            '"ok" for a logged-in subscriber (`/bench/subscriber`): the floor of their pages',
            [Request("/bench/subscriber", headers=h) for h in dashboards],
            aim=0,
        ),
        Endpoint(
            "api",
            "an empty API answer (`/bench/api`, API key): the floor of the API",
            [Request("/bench/api", headers=bearer)],
            aim=0,
        ),
        Endpoint(
            "staff",
            '"ok" for staff past TOTP (`/bench/staff`): the floor of the console',
            [Request("/bench/staff", headers=staff)],
            aim=0,
        ),
        Endpoint(
            "notice", "`/` the notice (anonymous, ja)", [Request("/", headers=ja)], floor="layout"
        ),
        Endpoint(
            "dashboard",
            "`/my/` the dashboard (a bulk subscriber, 4 in turn)",
            [Request("/my/", headers=h) for h in dashboards],
            floor="subscriber",
        ),
        Endpoint(
            "guide",
            "`/guides/thunderbird/` (anonymous)",
            [Request("/guides/thunderbird/", headers=ja)],
            floor="layout",
        ),
        Endpoint(
            "guide_subscriber",
            "`/guides/thunderbird/` (logged in: filled in)",
            [Request("/guides/thunderbird/", headers=h) for h in dashboards],
            floor="subscriber",
        ),
        Endpoint(
            "autoconfig",
            "Thunderbird autoconfig (50 addresses in turn)",
            [Request(autoconfig + a) for a in addresses[:50]],
            aim=0.7,
        ),
        Endpoint(
            "autodiscover",
            "`POST /autodiscover/autodiscover.xml` (50 addresses)",
            [
                Request(
                    "/autodiscover/autodiscover.xml",
                    method="POST",
                    headers={"Content-Type": "text/xml"},
                    body=AUTODISCOVER.format(address=a),
                )
                for a in addresses[:50]
            ],
            aim=0.7,
        ),
        Endpoint(
            "api_subscribers",
            "`/api/v1/subscribers/` (API key, first page)",
            [Request("/api/v1/subscribers/", headers=bearer)],
            floor="api",
        ),
        Endpoint(
            "api_lines",
            "`/api/v1/lines/` (API key, first page, with status)",
            [Request("/api/v1/lines/", headers=bearer)],
            floor="api",
        ),
        Endpoint(
            "api_exemptions",
            "`/api/v1/exemptions/` (API key, first page)",
            [Request("/api/v1/exemptions/", headers=bearer)],
            floor="api",
        ),
        Endpoint(
            "search_id",
            "`/staff/search/?q=<account ID>` (agent; 50 IDs, a redirect each)",
            [Request(f"/staff/search/?q={a}", headers=staff) for a in accounts],
            expect=302,
            floor="staff",
        ),
        Endpoint(
            "search_name",
            "`/staff/search/?q=<family name>` (agent; a page of 20 results)",
            [Request(f"/staff/search/?q={quote(n)}", headers=staff) for n in found["names"][:20]],
            floor="staff",
        ),
    ]


def endpoint_check(server: Server, endpoint: Endpoint) -> None:
    """Each request answers as expected (not a login redirect, not an error) before loading."""
    for item in endpoint.requests[:5]:
        answer = requests.request(
            item.method,
            server.base + item.path,
            headers=item.headers,
            data=item.body.encode() or None,
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != endpoint.expect:
            raise SystemExit(
                f"{endpoint.key}: {item.method} {item.path} answered {answer.status_code}, "
                f"expected {endpoint.expect}"
            )


NOTES = """\
Aims: pages ≥ 0.5 of the bare view, auto-configuration ≥ 0.7. The last column compares each \
page with the yardstick that logs in and frames the same way (`bench/urls_bench.py`): what \
the page itself costs once its reader is known.

- **Anonymous pages** (the notice, the guides): a reader with no session, no pending message \
and no query string sees the same page as every other in a language, so the whole page is \
kept for up to 30 s (`portal/published.py`) and dropped when staff change the schedule or the \
submission service. The language switch is a GET form, so such pages carry no CSRF token. \
They now run faster than the empty layout page, which is rendered each time.
- **Auto-configuration** answers are built from the kept submission service without templates.
- **Subscriber pages** cannot be shared. Sessions are read from Redis (`cached_db`, falling back \
to PostgreSQL), the customer account comes in the same query as the user \
(`accounts/backends.py`), and the dashboard reads lines, exemptions (once, for both the \
statuses and the history) and mailboxes: 4 queries, with the schedule from the shared cache. \
What remains is Django's ORM compiling those queries and the template engine rendering a \
page made for one reader; the floor itself (session, user, account) is a quarter of the bare \
view.
- **API lists** write their rows by hand from values rows (byte-identical to the DRF \
serializers, which a test compares on varied data), compute each distinct line status once, \
skip django-filter when no filter is asked, throttle in one Redis script, and look keys up \
with SQL compiled once per process.
- **Console search**: one UNION ALL per kind of query text, the staff member's roles and \
permissions in one query, rows prepared for the template: 4 queries for an ID (user, TOTP \
device, roles, the search), 5 for a page of names.

Capacity: announcement week's busiest traffic is anonymous (the notice, the guides) and the \
mail programs' auto-configuration, served here near the bare view's rate by two workers on two \
shared cores. Even if every one of the million subscribers opened the dashboard during the week, \
and a tenth of them in its busiest hour, that is 28 dashboards/s, well within what these two \
workers serve (above); web processes scale out (docs/operations.md)."""


def results_write(
    bare: list[Result], results: list[Result], started: datetime, load: tuple[float, float]
) -> None:
    bare_rate = sum(r.rate for r in bare) / len(bare)
    floors = {r.endpoint.key: r.rate for r in results}
    rows = [
        "| endpoint | requests/s | ratio to bare | p50 | p99 | aim | | ratio to its floor |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for when, result in zip(("first", "last"), bare, strict=True):
        rows.append(
            f"| bare Django view (`/bench/bare`), {when} | {result.rate:,.0f} | "
            f"{result.rate / bare_rate:.2f} | "
            f"{result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms | | | |"
        )
    for result in results:
        ratio = result.rate / bare_rate
        aim = f"≥ {result.endpoint.aim}" if result.endpoint.aim else "reference"
        met = (
            ""
            if not result.endpoint.aim
            else "met"
            if ratio >= result.endpoint.aim
            else "**short**"
        )
        errors = f" ({result.errors} errors)" if result.errors else ""
        floor_rate = floors.get(result.endpoint.floor)
        to_floor = f"{result.rate / floor_rate:.2f} ({result.endpoint.floor})" if floor_rate else ""
        rows.append(
            f"| {result.endpoint.label} | {result.rate:,.0f} | {ratio:.2f} | "
            f"{result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms | {aim} | {met}{errors} | "
            f"{to_floor} |"
        )
    section = "\n".join(
        [
            START,
            "## Announcement-week load (`bench/load_bench.py`)",
            "",
            f"Measured {started:%Y-%m-%d %H:%M} UTC by `make bench` on this project's machine "
            f"({CORES} cores; PostgreSQL, Redis, gunicorn and wrk all on it). gunicorn with "
            f"{WORKERS} sync workers and the production settings (DEBUG off, JSON logs with the "
            f"access line, Prometheus multiprocess metrics), the million-subscriber demo; wrk "
            f"with {CONNECTIONS} connections for {SECONDS} s per endpoint after a warm-up. "
            f"The bare view was measured first and last: the ratios are against their mean "
            f"({bare_rate:,.0f}/s). The API's throttle was raised for the run "
            f"(`PORTAL_API_THROTTLE_RATE`). Load average (1 min) {load[0]:.1f} before, "
            f"{load[1]:.1f} after.",
            "",
            *rows,
            "",
            NOTES,
            "",
            END,
        ]
    )
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    wrk = wrk_ensure()
    database_ensure()
    server = Server()
    server.start()
    try:
        say(f"gunicorn on {server.base} ({WORKERS} workers)")
        chosen = [e for e in endpoints(server) if not ONLY or e.key in ONLY]
        baseline = Endpoint("bare", "bare", [Request("/bench/bare")])
        for endpoint in [baseline, *chosen]:
            endpoint_check(server, endpoint)
            wrk_run(wrk, server, endpoint, 2)  # warm-up: every worker, connection and cache
        load_before = os.getloadavg()[0]
        bare = [wrk_run(wrk, server, baseline, SECONDS)]
        say(f"bare view: {bare[0].rate:,.0f}/s, p99 {bare[0].p99_ms:.1f} ms")
        results = []
        for endpoint in chosen:
            result = wrk_run(wrk, server, endpoint, SECONDS)
            results.append(result)
            say(
                f"{endpoint.key}: {result.rate:,.0f}/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, errors {result.errors}/{result.total}"
            )
        bare.append(wrk_run(wrk, server, baseline, SECONDS))
        say(f"bare view again: {bare[1].rate:,.0f}/s, p99 {bare[1].p99_ms:.1f} ms")
        load_after = os.getloadavg()[0]
    finally:
        server.stop()
    if ONLY:
        say("BENCH_LOAD_ONLY set: docs/benchmarks.md left as it was")
    else:
        results_write(bare, results, started, (load_before, load_after))
        say(f"results written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
