"""One ID per request (or Celery task), carried into every log record.

The reverse proxy's X-Request-ID is kept when it looks like an ID, so one request can be
followed from the proxy's log to ours; otherwise we make one. The ID lives in a context
variable, set as the request enters and cleared once its response is closed.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from celery import current_task
from django.core.signals import request_finished

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and the separators UUIDs, ULIDs and proxies' IDs use; nothing that
# could break a log line or a header.
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_current() -> str | None:
    """The ID of the request being handled in this context, if any."""
    return _request_id.get()


def request_id_from_header(value: str | None) -> str:
    """The proxy's ID when it is a plausible one, else a new random one."""
    if value and _VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request's ID (request.request_id, the log context, the response header)."""

    def __init__(self, get_response: Callable[["HttpRequest"], "HttpResponse"]) -> None:
        self.get_response = get_response

    def __call__(self, request: "HttpRequest") -> "HttpResponse":
        request_id = request_id_from_header(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared by request_finished, not here: Django logs 4xx/5xx answers (django.request)
        # after the middleware chain returns, and those lines must carry the ID too.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_id_clear(**kwargs: object) -> None:
    _request_id.set(None)


# Sent when the server closes the response, after Django's last log line for it.
request_finished.connect(_request_id_clear, dispatch_uid="portal.observability.request_id")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` and `task_id` to every record a handler emits ("-" when none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        if not hasattr(record, "task_id"):
            # Celery's current task is per worker thread/process; outside a task it is None.
            task = current_task
            task_id = getattr(task.request, "id", None) if task else None
            record.task_id = task_id or "-"
        return True
