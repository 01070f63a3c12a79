"""The audit log: filters, cursor pages, CSV export (guarded against formulas), append-only."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Subscriber, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(subscriber: Subscriber, other_subscriber: Subscriber, agent: User) -> list[AuditEvent]:
    made = []
    for i in range(60):
        made.append(
            audit_record(
                actor=agent if i % 2 else None,
                actor_label="" if i % 2 else "api:crm",
                action="exemption.grant" if i % 3 else "submission.suspend",
                obj=subscriber if i % 4 else other_subscriber,
                subscriber=subscriber if i % 4 else other_subscriber,
                reason=f"reason {i}",
            )
        )
    return made


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_audit_log_pages_newest_first(auditor_client: Client, events: list) -> None:
    first = auditor_client.get(reverse("console:audit_log"))
    ids = [e.pk for e in first.context["page"].rows]
    assert ids == [e.pk for e in reversed(events)][:50]
    second = auditor_client.get(
        reverse("console:audit_log") + "?" + first.context["page"].next_query
    )
    assert [e.pk for e in second.context["page"].rows] == [e.pk for e in reversed(events)][50:]
    assert second.context["page"].next_query is None


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"actor": "api:crm"}, 30),
        ({"action": "submission.suspend"}, 20),
        ({"action": "exemption."}, 40),
        ({"account_id": "hanako"}, 15),
        ({"account_id": "hanako", "actor": "agent"}, 0),
        ({"since": "2000-01-01"}, 60),
        ({"until": "2000-01-01"}, 0),
    ],
)
def test_audit_log_filters(auditor_client: Client, events: list, params: dict, count: int) -> None:
    response = auditor_client.get(reverse("console:audit_log"), params)
    rows = response.context["page"].rows
    while response.context["page"].next_query:
        response = auditor_client.get(
            reverse("console:audit_log") + "?" + response.context["page"].next_query
        )
        rows += response.context["page"].rows
    assert len(rows) == count


def test_audit_log_bad_dates_show_an_error(auditor_client: Client, events: list) -> None:
    response = auditor_client.get(
        reverse("console:audit_log"),
        {"since": "2026-02-01", "until": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "must not be before" in response.content.decode()
    assert response.context["page"].rows == []


def test_audit_log_csv_exports_the_filtered_events(auditor_client: Client, events: list) -> None:
    response = auditor_client.get(reverse("console:audit_log_csv"), {"account_id": "hanako"})
    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert len(rows) == 16
    assert {row[6] for row in rows[1:]} == {"hanako"}


def test_audit_log_csv_guards_against_formulas(
    auditor_client: Client, subscriber: Subscriber
) -> None:
    audit_record(
        actor=None,
        actor_label="=cmd|' /C calc'!A0",
        action="exemption.grant",
        obj=subscriber,
        subscriber=subscriber,
        reason="+SUM(1,2)",
    )
    row = csv_rows(auditor_client.get(reverse("console:audit_log_csv")))[1]
    assert (row[2], row[8]) == ("'=cmd|' /C calc'!A0", "'+SUM(1,2)")


def test_audit_log_list_queries_stay_flat(
    auditor_client: Client, events: list, django_assert_num_queries
) -> None:
    auditor_client.get(reverse("console:home"))
    # user, device, roles with permissions, events with their subscribers (the session is
    # read from the cache)
    with django_assert_num_queries(4):
        auditor_client.get(reverse("console:audit_log"))


def test_audit_events_are_append_only(events: list) -> None:
    event = events[0]
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_console_actions_are_in_the_audit_log(agent_client: Client, auditor_client, subscriber):
    agent_client.post(
        reverse("console:exemption_grant", args=["taro@eadsl"]),
        {
            "ends_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "reason": "own server",
        },
    )
    rows = auditor_client.get(reverse("console:audit_log"), {"actor": "agent"}).context["page"].rows
    assert [(e.action, e.subscriber.account_id, e.source_ip) for e in rows] == [
        ("exemption.grant", "taro", "127.0.0.1")
    ]
