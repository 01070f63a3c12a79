"""Error reports: to the admins by mail and to a chat webhook, as the environment says."""

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.core import mail
from pytest_django.fixtures import Settings

from portal.observability.logs import ErrorWebhookHandler
from portal.observability.request_id import RequestIdFilter

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A chat webhook on loopback: its URL and the bodies it received."""
    received: list[dict[str, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/ops", received
    server.shutdown()
    server.server_close()


def error_record(message: str) -> logging.LogRecord:
    return logging.LogRecord("blocking.sync.tasks", logging.ERROR, __file__, 1, message, (), None)


def test_webhook_posts_an_error_once_while_it_repeats(
    webhook: tuple[str, list[dict[str, str]]],
) -> None:
    url, received = webhook
    handler = ErrorWebhookHandler(url, quiet_seconds=60)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s"))
    for _ in range(3):
        handler.handle(error_record("mail backend refused the batch"))
    handler.handle(error_record("network backend down"))
    assert [body["text"] for body in received] == [
        "ERROR blocking.sync.tasks [-] mail backend refused the batch",
        "ERROR blocking.sync.tasks [-] network backend down",
    ]


def test_webhook_unreachable_does_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    handler = ErrorWebhookHandler("http://127.0.0.1:9/unreachable", timeout=0.5)
    handler.handle(error_record("still logged"))
    assert "ConnectionError" in capsys.readouterr().err


def test_errors_are_mailed_to_the_admins(settings: Settings) -> None:
    settings.ADMINS = ["Ops <ops@example.ne.jp>"]
    logging.getLogger("blocking.sync.tasks").error("delivery of change %s failed", 42)
    [message] = mail.outbox
    assert message.to == ["Ops <ops@example.ne.jp>"]
    assert "delivery of change 42 failed" in message.subject


def test_no_admins_no_mail(settings: Settings) -> None:
    settings.ADMINS = []
    logging.getLogger("blocking.sync.tasks").error("nobody to tell")
    assert mail.outbox == []


def test_log_format_other_than_json_or_plain_stops_start_up() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain, not 'xml'" in result.stderr
