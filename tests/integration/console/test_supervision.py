"""Supervisor pages: the schedule with its impact preview, the destination list, port 587
access, the sync queue and API keys."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.api_keys import api_key_authenticate
from accounts.models import AccessService, ApiKey, AuditEvent, LineGroup, Mailbox, Subscriber
from blocking.models import DestinationEntry, RolloutPhase, SubmissionAccess, SubmissionAccessState
from blocking.selectors import phase_impact
from blocking.stages import Stage
from blocking.sync.models import SyncChange, SyncState
from tests.conftest import make_line, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_group(subscriber: Subscriber) -> LineGroup:
    group = LineGroup.objects.create(
        access_service=AccessService.objects.get(code="eadsl"), code="eadsl-9", name="Group 9"
    )
    for i in range(3):
        make_line(subscriber, f"g9-{i}@eadsl", group="eadsl-9")
    return group


def schedule_form(group: LineGroup, days: int, **extra: str) -> dict[str, str]:
    return {
        "line_group": str(group.pk),
        "stage": "mobile",
        "effective_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "effective_time": "00:00",
        "reason": "Carrier asked for a later date",
        **extra,
    }


def test_schedule_preview_shows_the_impact_and_changes_nothing(
    supervisor_client: Client, new_group: LineGroup
) -> None:
    response = supervisor_client.post(
        reverse("console:schedule_change"), schedule_form(new_group, 10), HTTP_ACCEPT_LANGUAGE="en"
    )
    impact = response.context["impact"]
    assert (impact.lines, impact.from_stage, impact.to_stage, impact.moved_from) == (
        3,
        Stage.OPEN,
        Stage.MOBILE,
        None,
    )
    assert "Moves 3 lines of" in response.content.decode()
    assert RolloutPhase.objects.filter(line_group=new_group).count() == 0


def test_schedule_confirm_adds_the_phase(supervisor_client: Client, new_group: LineGroup) -> None:
    response = supervisor_client.post(
        reverse("console:schedule_change"), schedule_form(new_group, 10, confirm="1")
    )
    assert response["Location"] == reverse("console:schedule")
    phase = RolloutPhase.objects.get(line_group=new_group)
    assert phase.stage == Stage.MOBILE
    assert AuditEvent.objects.get(action="schedule.add").reason == "Carrier asked for a later date"
    assert SyncChange.objects.get(resource="schedule").state == SyncState.PENDING
    history = supervisor_client.get(reverse("console:schedule")).context["history"]
    assert [e.action for e in history] == ["schedule.add"]


def test_schedule_move_previews_the_old_date(supervisor_client: Client, new_group) -> None:
    supervisor_client.post(
        reverse("console:schedule_change"), schedule_form(new_group, 10, confirm="1")
    )
    impact = phase_impact(
        line_group=new_group,
        stage=Stage.MOBILE,
        effective_at=timezone.now() + timedelta(days=20),
    )
    assert impact.moved_from == RolloutPhase.objects.get(line_group=new_group).effective_at


def test_schedule_preview_refuses_a_phase_in_force(
    supervisor_client: Client, announcement: None
) -> None:
    group = LineGroup.objects.get(code="eadsl-1")  # its 2006 phases began long ago
    response = supervisor_client.post(
        reverse("console:schedule_change"), schedule_form(group, 10), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "it cannot be moved" in body
    assert 'name="confirm"' not in body


def test_schedule_in_the_past_is_refused(supervisor_client: Client, new_group) -> None:
    response = supervisor_client.post(
        reverse("console:schedule_change"),
        schedule_form(new_group, -3, confirm="1"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "cannot start in the past" in response.content.decode()
    assert RolloutPhase.objects.filter(line_group=new_group).count() == 0


def test_agent_cannot_change_the_schedule(agent_client: Client, new_group: LineGroup) -> None:
    response = agent_client.post(
        reverse("console:schedule_change"), schedule_form(new_group, 10, confirm="1")
    )
    assert response.status_code == 403
    assert RolloutPhase.objects.filter(line_group=new_group).count() == 0


def test_phase_impact_queries(new_group: LineGroup, django_assert_num_queries) -> None:
    with django_assert_num_queries(4):  # phases, lines, active exemptions, static lines
        phase_impact(
            line_group=new_group, stage=Stage.FULL, effective_at=timezone.now() + timedelta(days=5)
        )


def test_destination_entry_added_and_removed(supervisor_client: Client, announcement) -> None:
    response = supervisor_client.post(
        reverse("console:destination_add"),
        {
            "carrier": "New Mobile",
            "kind": "network",
            "value": "192.0.2.0/25",
            "source": "https://carrier.example/mail-servers",
        },
    )
    assert response["Location"] == reverse("console:destinations")
    entry = DestinationEntry.objects.get(value="192.0.2.0/25")
    assert SyncChange.objects.get(resource="destination-list").state == SyncState.PENDING

    supervisor_client.post(
        reverse("console:destination_remove", args=[entry.pk]), {"reason": "carrier moved"}
    )
    assert DestinationEntry.objects.filter(value="192.0.2.0/25").exists() is False
    assert AuditEvent.objects.filter(action__startswith="destination.").count() == 2


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("network", "192.0.2.1/24", "CIDR form"),
        ("network", "not a network", "CIDR form"),
        ("domain", "Not A Domain!", "mail domain in lower case"),
    ],
)
def test_destination_entry_invalid_is_shown_on_the_form(
    supervisor_client: Client, announcement, kind: str, value: str, message: str
) -> None:
    before = DestinationEntry.objects.count()
    response = supervisor_client.post(
        reverse("console:destination_add"),
        {"carrier": "X", "kind": kind, "value": value, "source": "doc"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DestinationEntry.objects.count() == before


def test_agent_suspends_and_restores_port_587(agent_client: Client, subscriber) -> None:
    url = reverse("console:submission_access", args=["taro@example.ne.jp", "suspend"])
    response = agent_client.post(url, {"reason": "spam through 587"})
    assert response["Location"] == reverse("console:subscriber", args=["taro"])
    access = SubmissionAccess.objects.get(mailbox__address="taro@example.ne.jp")
    assert (access.state, access.reason) == (SubmissionAccessState.SUSPENDED, "spam through 587")
    assert SyncChange.objects.get(resource="mailbox-submission").state == SyncState.PENDING

    again = agent_client.post(url, {"reason": "twice"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "already" in again.content.decode()

    agent_client.post(
        reverse("console:submission_access", args=["taro@example.ne.jp", "restore"]),
        {"reason": "password changed"},
    )
    access.refresh_from_db()
    assert access.state == SubmissionAccessState.ENABLED


def test_suspension_needs_a_reason(agent_client: Client, subscriber) -> None:
    url = reverse("console:submission_access", args=["taro@example.ne.jp", "suspend"])
    response = agent_client.post(url, {"reason": " "})
    assert response.status_code == 200
    assert SubmissionAccess.objects.count() == 0


def test_unknown_submission_action_is_not_found(agent_client: Client, subscriber) -> None:
    assert (
        agent_client.get("/staff/mailboxes/taro@example.ne.jp/submission/delete/").status_code
        == 404
    )


def failed_change(subscriber: Subscriber | None, key: str) -> SyncChange:
    return SyncChange.objects.create(
        backend="network",
        resource="line-exemption",
        resource_key=key,
        version=1,
        payload={"exempt": True},
        state=SyncState.FAILED,
        attempts=8,
        next_attempt_at=timezone.now(),
        last_error="HTTP 503 from the network backend",
        last_status_code=503,
        subscriber=subscriber,
    )


def test_sync_queue_counts_and_lists_failed(supervisor_client: Client, subscriber) -> None:
    failed_change(subscriber, "taro@eadsl")
    response = supervisor_client.get(reverse("console:sync_queue"), HTTP_ACCEPT_LANGUAGE="en")
    counts = {state.value: n for state, n in response.context["counts"]}
    assert counts == {"pending": 0, "applied": 0, "failed": 1, "superseded": 0}
    assert "HTTP 503 from the network backend" in response.content.decode()


def test_sync_retry_one_and_all(supervisor_client: Client, subscriber, other_subscriber) -> None:
    one = failed_change(subscriber, "taro@eadsl")
    two = failed_change(other_subscriber, "hanako@flets")
    supervisor_client.post(reverse("console:sync_retry", args=[one.pk]))
    one.refresh_from_db()
    assert (one.state, one.attempts) == (SyncState.PENDING, 0)

    supervisor_client.post(reverse("console:sync_retry_all"))
    two.refresh_from_db()
    assert two.state == SyncState.PENDING
    assert AuditEvent.objects.filter(action="sync_change.retry").count() == 2


def test_sync_queue_queries_stay_flat(
    supervisor_client: Client, subscriber, django_assert_num_queries
) -> None:
    failed_change(subscriber, "a")
    supervisor_client.get(reverse("console:home"))
    # user, device, roles with permissions, counts, rows
    with django_assert_num_queries(5):
        supervisor_client.get(reverse("console:sync_queue"))
    for i in range(10):
        failed_change(subscriber, f"k{i}")
    with django_assert_num_queries(5):
        supervisor_client.get(reverse("console:sync_queue"))


def test_api_key_is_shown_once_and_works(supervisor_client: Client, announcement) -> None:
    response = supervisor_client.post(
        reverse("console:api_key_add"), {"name": "crm", "scopes": ["read", "exemptions:write"]}
    )
    raw = response.context["new_key"]
    key = ApiKey.objects.get(name="crm")
    assert api_key_authenticate(raw_key=raw) == key
    assert key.scopes == ["read", "exemptions:write"]
    assert raw not in supervisor_client.get(reverse("console:api_keys")).content.decode()

    supervisor_client.post(reverse("console:api_key_revoke", args=[key.pk]))
    assert api_key_authenticate(raw_key=raw) is None


def test_api_key_with_a_taken_name_is_refused(supervisor_client: Client, announcement) -> None:
    supervisor_client.post(reverse("console:api_key_add"), {"name": "crm", "scopes": ["read"]})
    response = supervisor_client.post(
        reverse("console:api_key_add"),
        {"name": "crm", "scopes": ["read"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert ApiKey.objects.count() == 1


def test_mailbox_of_another_subscriber_has_its_own_page(
    agent_client: Client, subscriber, other_subscriber
) -> None:
    mailbox = Mailbox.objects.get(address="hanako@example.ne.jp")
    response = agent_client.get(
        reverse("console:submission_access", args=[mailbox.address, "suspend"])
    )
    assert response.context["mailbox"].subscriber.account_id == "hanako"


def test_bulk_subscriber_lines_count(new_group: LineGroup) -> None:
    extra = make_subscriber("extra")
    make_line(extra, "extra@eadsl", group="eadsl-9")
    impact = phase_impact(
        line_group=new_group, stage=Stage.MOBILE, effective_at=timezone.now() + timedelta(days=1)
    )
    assert impact.lines == 4
