"""JSON log lines, request IDs from headers, and task IDs in a Celery task's records."""

import json
import logging
import sys

import pytest

from portal.celery import app
from portal.observability.logs import JsonFormatter
from portal.observability.request_id import RequestIdFilter, request_id_from_header


def make_record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("blocking.sync", logging.WARNING, __file__, 1, message, args, None)
    record.created = 1_149_087_600.25  # 2006-05-31T15:00:00.250Z, the night before stage 1
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_formatter_writes_the_stable_keys() -> None:
    record = make_record("line %s stale", "taro@eadsl", request_id="r-1")
    assert json.loads(JsonFormatter().format(record)) == {
        "time": "2006-05-31T15:00:00.250+00:00",
        "level": "WARNING",
        "logger": "blocking.sync",
        "message": "line taro@eadsl stale",
        "request_id": "r-1",
    }


def test_json_formatter_keeps_simple_extras_and_drops_objects() -> None:
    record = make_record("x", status=503, backend="mail", request=object())
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["status"], entry["backend"]) == (503, "mail")
    assert "request" not in entry


def test_json_formatter_one_line_with_traceback() -> None:
    try:
        raise ValueError("bad payload")
    except ValueError:
        record = make_record("delivery failed")
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["exc_info"].endswith("ValueError: bad payload")


def test_json_formatter_keeps_japanese_readable() -> None:
    line = JsonFormatter().format(make_record("例外を承認しました"))
    assert "例外を承認しました" in line


@pytest.mark.parametrize(
    "header",
    ["0b6f4f0e-3c2a-4c1e-9d55-6a1f0f2b8e11", "01HZY3V6M8Q4T9X2K7R5N0W1PJ", "lb.a:42-b_c"],
)
def test_request_id_from_header_keeps_plausible_ids(header: str) -> None:
    assert request_id_from_header(header) == header


@pytest.mark.parametrize(
    "header", [None, "", "has space", "new\nline", "-leading-dash", "x" * 129, "日本"]
)
def test_request_id_from_header_replaces_others(header: str | None) -> None:
    made = request_id_from_header(header)
    assert made != header
    assert len(made) == 32


def test_request_id_filter_marks_records_outside_requests() -> None:
    record = make_record("sweep")
    RequestIdFilter().filter(record)
    assert (record.request_id, record.task_id) == ("-", "-")


@app.task(name="tests.ops.log_inside_task")
def log_inside_task() -> dict[str, str]:
    record = make_record("inside")
    RequestIdFilter().filter(record)
    return {"task_id": record.task_id, "request_id": record.request_id}


def test_request_id_filter_names_the_celery_task() -> None:
    result = log_inside_task.apply(task_id="task-7e1")
    assert result.get() == {"task_id": "task-7e1", "request_id": "-"}
