"""Log output for machines: one JSON object per line, and errors pushed to a chat webhook.

Selected in settings by LOG_FORMAT (json|plain). The JSON keys are stable, so a log
pipeline (Loki, Elasticsearch, CloudWatch) can index them: time, level, logger, message,
request_id, task_id, exc_info, and any simple `extra=` values a caller passed.
"""

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import requests

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "task_id"}
)


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        task_id = getattr(record, "task_id", "-")
        if task_id != "-":
            entry["task_id"] = task_id
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str | int | float | bool | None):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ErrorWebhookHandler(logging.Handler):
    """POSTs error records to a chat webhook (Slack, Mattermost, Rocket.Chat: `{"text": ...}`).

    The same error repeated within `quiet_seconds` is sent once, so an outage does not flood
    the channel or hold every failing request up on the webhook. The webhook's own failure is
    written to stderr once and never raised into the request.
    """

    def __init__(self, url: str, quiet_seconds: float = 60.0, timeout: float = 3.0) -> None:
        super().__init__(level=logging.ERROR)
        self.url = url
        self.quiet_seconds = quiet_seconds
        self.timeout = timeout
        self._last_sent: dict[tuple[str, str], float] = {}
        self._sent_lock = threading.Lock()

    def _due(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._sent_lock:
            last = self._last_sent.get(key)
            if last is not None and now - last < self.quiet_seconds:
                return False
            self._last_sent[key] = now
            return True

    def emit(self, record: logging.LogRecord) -> None:
        if not self.url or not self._due(record):
            return
        try:
            text = self.format(record)
            requests.post(self.url, json={"text": text[:3500]}, timeout=self.timeout)
        except Exception:
            self.handleError(record)
