"""Exemptions from the console: grant, extend, revoke, decide; lists; the subscriber page."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Line, Mailbox, Subscriber
from blocking.console.forms import jst_start_of
from blocking.models import Exemption, ExemptionState
from blocking.sync.models import SyncChange, SyncState
from tests.conftest import make_line, make_subscriber

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


def grant(client: Client, line_id: str, days: int, reason: str = "Own mail server"):
    return client.post(
        reverse("console:exemption_grant", args=[line_id]),
        {"ends_on": (today() + timedelta(days=days)).isoformat(), "reason": reason},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def active(subscriber: Subscriber, days: int = 10) -> Exemption:
    now = timezone.now()
    return Exemption.objects.create(
        line=subscriber.lines.get(),
        state=ExemptionState.ACTIVE,
        reason="own server",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=days),
    )


def test_agent_grants_an_exemption_recorded_for_sync(agent_client: Client, subscriber) -> None:
    response = grant(agent_client, "taro@eadsl", 30)

    assert response["Location"] == reverse("console:subscriber", args=["taro"])
    exemption = Exemption.objects.get(line__line_id="taro@eadsl")
    assert (exemption.state, exemption.ends_at, exemption.decided_by.username) == (
        ExemptionState.ACTIVE,
        jst_start_of(today() + timedelta(days=30)),
        "agent",
    )
    event = AuditEvent.objects.get(action="exemption.grant")
    assert (event.actor_label, event.subscriber, event.reason) == (
        "agent",
        subscriber,
        "Own mail server",
    )
    change = SyncChange.objects.get(resource="line-exemption", resource_key="taro@eadsl")
    assert (change.state, change.subscriber) == (SyncState.PENDING, subscriber)


def test_subscriber_page_shows_the_pending_sync(agent_client: Client, subscriber) -> None:
    grant(agent_client, "taro@eadsl", 30)
    body = agent_client.get(
        reverse("console:subscriber", args=["taro"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "state-pending" in body
    assert "<code>taro@eadsl</code>" in body


def test_agent_cannot_grant_beyond_the_agent_limit(agent_client: Client, subscriber) -> None:
    response = grant(agent_client, "taro@eadsl", 120)

    assert response.status_code == 200
    assert "at most 90 days" in response.content.decode()
    assert Exemption.objects.count() == 0


def test_supervisor_grants_beyond_the_agent_limit(supervisor_client: Client, subscriber) -> None:
    grant(supervisor_client, "taro@eadsl", 200)
    assert Exemption.objects.get().state == ExemptionState.ACTIVE


def test_agent_limit_follows_the_setting(agent_client: Client, subscriber, settings) -> None:
    settings.PORTAL_EXEMPTION_MAX_DAYS_AGENT = 20
    response = grant(agent_client, "taro@eadsl", 30)
    assert "at most 20 days" in response.content.decode()


def test_grant_needs_a_reason_and_a_date(agent_client: Client, subscriber) -> None:
    response = agent_client.post(
        reverse("console:exemption_grant", args=["taro@eadsl"]),
        {"ends_on": "not a date", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="errorlist') == 2
    assert Exemption.objects.count() == 0


def test_second_grant_on_a_line_is_refused(agent_client: Client, subscriber) -> None:
    active(subscriber)
    response = grant(agent_client, "taro@eadsl", 30)
    assert "already has an active exemption" in response.content.decode()
    assert Exemption.objects.count() == 1


def test_grant_on_an_unknown_line_is_not_found(agent_client: Client, subscriber) -> None:
    assert grant(agent_client, "nobody@eadsl", 30).status_code == 404


def test_agent_extends_an_exemption(agent_client: Client, subscriber) -> None:
    exemption = active(subscriber)
    response = agent_client.post(
        reverse("console:exemption_extend", args=[exemption.pk]),
        {"ends_on": (today() + timedelta(days=40)).isoformat(), "reason": "moving to 587"},
    )
    exemption.refresh_from_db()
    assert response.status_code == 302
    assert exemption.ends_at == jst_start_of(today() + timedelta(days=40))
    assert AuditEvent.objects.get(action="exemption.extend").reason == "moving to 587"


def test_extension_that_shortens_is_refused(agent_client: Client, subscriber) -> None:
    exemption = active(subscriber, days=30)
    response = agent_client.post(
        reverse("console:exemption_extend", args=[exemption.pk]),
        {"ends_on": (today() + timedelta(days=5)).isoformat(), "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "must end later" in response.content.decode()


def test_agent_revokes_an_exemption(agent_client: Client, subscriber) -> None:
    exemption = active(subscriber)
    agent_client.post(
        reverse("console:exemption_revoke", args=[exemption.pk]), {"reason": "spam from line"}
    )
    exemption.refresh_from_db()
    assert (exemption.state, exemption.revoked_by.username) == (ExemptionState.REVOKED, "agent")


def test_revoking_a_revoked_exemption_is_not_found(agent_client: Client, subscriber) -> None:
    exemption = active(subscriber)
    url = reverse("console:exemption_revoke", args=[exemption.pk])
    agent_client.post(url, {"reason": "spam"})
    assert agent_client.post(url, {"reason": "again"}).status_code == 404


@pytest.fixture
def request_waiting(other_subscriber: Subscriber) -> Exemption:
    now = timezone.now()
    return Exemption.objects.create(
        line=other_subscriber.lines.get(),
        state=ExemptionState.REQUESTED,
        reason="clinic server",
        starts_at=now,
        ends_at=now + timedelta(days=90),
    )


def test_agent_approves_a_request(agent_client: Client, request_waiting: Exemption) -> None:
    response = agent_client.post(
        reverse("console:exemption_decide", args=[request_waiting.pk]),
        {
            "decision": "approve",
            "ends_on": (today() + timedelta(days=60)).isoformat(),
            "message": "Granted while you move to port 587.",
        },
    )
    request_waiting.refresh_from_db()
    assert response["Location"] == reverse("console:exemption_requests")
    assert (request_waiting.state, request_waiting.decision_message) == (
        ExemptionState.ACTIVE,
        "Granted while you move to port 587.",
    )


def test_approval_needs_an_end_date(agent_client: Client, request_waiting: Exemption) -> None:
    response = agent_client.post(
        reverse("console:exemption_decide", args=[request_waiting.pk]),
        {"decision": "approve", "ends_on": "", "message": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose the date the exemption ends." in response.content.decode()


def test_agent_denies_a_request_with_a_message(
    agent_client: Client, request_waiting: Exemption
) -> None:
    agent_client.post(
        reverse("console:exemption_decide", args=[request_waiting.pk]),
        {"decision": "deny", "message": "Please use port 587."},
    )
    request_waiting.refresh_from_db()
    assert (request_waiting.state, request_waiting.decision_message) == (
        ExemptionState.DENIED,
        "Please use port 587.",
    )


def test_denial_without_a_message_is_refused(
    agent_client: Client, request_waiting: Exemption
) -> None:
    response = agent_client.post(
        reverse("console:exemption_decide", args=[request_waiting.pk]),
        {"decision": "deny", "message": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    request_waiting.refresh_from_db()
    assert "Tell the subscriber why" in response.content.decode()
    assert request_waiting.state == ExemptionState.REQUESTED


def _requests(count: int, announcement: None) -> None:
    now = timezone.now()
    for i in range(count):
        s = make_subscriber(f"req{i:03d}")
        line = make_line(s, f"req{i:03d}@eadsl")
        Exemption.objects.create(
            line=line,
            state=ExemptionState.REQUESTED,
            reason=f"reason {i}",
            starts_at=now,
            ends_at=now + timedelta(days=90 - i),
        )
        Exemption.objects.filter(line=line).update(requested_at=now - timedelta(hours=100 - i))


def test_requests_list_pages_by_cursor(agent_client: Client, announcement: None) -> None:
    _requests(55, announcement)
    first = agent_client.get(reverse("console:exemption_requests"))
    body = first.content.decode()
    assert [e.line.line_id for e in first.context["page"].rows] == [
        f"req{i:03d}@eadsl" for i in range(50)
    ]
    assert "req049@eadsl" in body
    next_page = reverse("console:exemption_requests") + "?" + first.context["page"].next_query
    second = agent_client.get(next_page)
    assert [e.line.line_id for e in second.context["page"].rows] == [
        f"req{i:03d}@eadsl" for i in range(50, 55)
    ]


def test_requests_list_queries_stay_flat(
    agent_client: Client, announcement: None, django_assert_num_queries
) -> None:
    _requests(3, announcement)
    agent_client.get(reverse("console:home"))
    with django_assert_num_queries(4):  # user, device, roles with permissions, rows
        agent_client.get(reverse("console:exemption_requests"))
    now = timezone.now()
    for i in range(20):
        s = make_subscriber(f"more{i:03d}")
        Exemption.objects.create(
            line=make_line(s, f"more{i:03d}@eadsl"),
            state=ExemptionState.REQUESTED,
            reason="r",
            starts_at=now,
            ends_at=now + timedelta(days=9),
        )
    with django_assert_num_queries(4):
        agent_client.get(reverse("console:exemption_requests"))


def test_expiring_list_shows_exemptions_ending_soon(
    agent_client: Client, subscriber, other_subscriber
) -> None:
    active(subscriber, days=5)
    active(other_subscriber, days=25)
    response = agent_client.get(reverse("console:exemptions_expiring"), {"days": "14"})
    assert [e.line.line_id for e in response.context["page"].rows] == ["taro@eadsl"]
    response = agent_client.get(reverse("console:exemptions_expiring"), {"days": "30"})
    assert [e.line.line_id for e in response.context["page"].rows] == [
        "taro@eadsl",
        "hanako@flets",
    ]
    assert (
        agent_client.get(reverse("console:exemptions_expiring"), {"days": "x"}).status_code == 200
    )


def test_subscriber_page_queries_stay_flat(
    agent_client: Client, subscriber: Subscriber, django_assert_num_queries
) -> None:
    grant(agent_client, "taro@eadsl", 30)
    agent_client.get(reverse("console:home"))
    url = reverse("console:subscriber", args=["taro"])
    # user, device, roles with permissions, subscriber, lines, phases, exemption windows,
    # exemptions, their events, trail, mailboxes, sync changes
    with django_assert_num_queries(12):
        agent_client.get(url)
    for i in range(4):
        line = make_line(subscriber, f"taro-{i}@eadsl")
        grant(agent_client, line.line_id, 10 + i)
        Mailbox.objects.create(subscriber=subscriber, address=f"t{i}@example.ne.jp", login=f"t{i}")
    with django_assert_num_queries(12):
        response = agent_client.get(url)
    assert len(response.context["lines"]) == 5
    assert len(response.context["exemptions"]) == 5
    assert [len(e.history) for e in response.context["exemptions"]] == [1] * 5


def test_subscriber_page_shows_status_now_and_next(agent_client: Client, subscriber) -> None:
    line = Line.objects.get(line_id="taro@eadsl")
    response = agent_client.get(
        reverse("console:subscriber", args=["taro"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    row = response.context["lines"][0]
    assert row["line"] == line
    assert row["status"].effective.value in ("open", "mobile", "full")
    assert "Grant exemption" in response.content.decode()


def test_unknown_subscriber_is_not_found(agent_client: Client, announcement: None) -> None:
    assert agent_client.get(reverse("console:subscriber", args=["nobody"])).status_code == 404
