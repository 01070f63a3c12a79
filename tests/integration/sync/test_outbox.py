"""The outbox and its staff reads and actions, without a worker: what is recorded, when."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent, LineGroup, Mailbox
from blocking import services
from blocking.models import DestinationList, SubmissionService
from blocking.sync import outbox
from blocking.sync.models import SyncChange, SyncResource, SyncState
from blocking.sync.selectors import sync_change_counts, sync_change_get, sync_changes_list
from blocking.sync.services import sync_change_retry, sync_changes_retry_failed

pytestmark = pytest.mark.django_db
STAFF = Actor.system("test:supervisor")


def test_grant_records_exemption_change_in_its_transaction(subscriber):
    line = subscriber.lines.get()
    ends_at = timezone.now() + timedelta(days=7)
    exemption = services.exemption_grant(
        line=line, actor=STAFF, reason="own server", ends_at=ends_at
    )

    change = SyncChange.objects.get()
    assert (change.backend, change.resource, change.resource_key, change.state) == (
        "network",
        SyncResource.LINE_EXEMPTION,
        "taro@eadsl",
        SyncState.PENDING,
    )
    assert change.payload == {
        "exempt": True,
        "starts_at": exemption.starts_at.isoformat().replace("+00:00", "Z"),
        "ends_at": exemption.ends_at.isoformat().replace("+00:00", "Z"),
    }
    assert change.subscriber == subscriber


def test_refused_grant_records_no_change(subscriber):
    with pytest.raises(ValidationError):
        services.exemption_grant(
            line=subscriber.lines.get(), actor=STAFF, reason="", ends_at=timezone.now()
        )
    assert SyncChange.objects.count() == 0


def test_newer_change_supersedes_pending_and_failed_and_versions_grow(announcement):
    group = LineGroup.objects.get(code="eadsl-1")
    outbox.schedule_changed(line_group=group)
    first = SyncChange.objects.get()
    SyncChange.objects.filter(pk=first.pk).update(state=SyncState.FAILED)
    outbox.schedule_changed(line_group=group)
    outbox.schedule_changed(line_group=group)

    rows = list(SyncChange.objects.order_by("id").values_list("state", "version"))
    assert [state for state, _v in rows] == [
        SyncState.SUPERSEDED,
        SyncState.SUPERSEDED,
        SyncState.PENDING,
    ]
    assert rows[0][1] < rows[1][1] < rows[2][1]


def test_schedule_payload_holds_every_phase_in_time_order(announcement):
    outbox.schedule_changed(line_group=LineGroup.objects.get(code="eadsl-1"))
    change = SyncChange.objects.get()
    assert (change.resource_key, change.payload) == (
        "eadsl/eadsl-1",
        {
            "phases": [
                {"stage": "mobile", "effective_at": "2006-05-31T15:00:00Z"},
                {"stage": "full", "effective_at": "2006-09-30T15:00:00Z"},
            ]
        },
    )


def test_destination_list_and_service_payloads(announcement):
    outbox.destination_list_changed(destination_list=DestinationList.objects.get())
    outbox.submission_service_changed(service=SubmissionService.objects.get())
    carriers, service = SyncChange.objects.order_by("id")
    assert carriers.resource_key == "mobile-carriers"
    assert "docomo.ne.jp" in [d["domain"] for d in carriers.payload["domains"]]
    assert all("/" in network for network in carriers.payload["networks"])
    assert (service.resource_key, service.payload["port"], service.payload["host"]) == (
        "default",
        587,
        "smtp.example.ne.jp",
    )


def test_mailbox_suspension_records_mailbox_change(subscriber):
    mailbox = Mailbox.objects.get()
    services.submission_access_suspend(mailbox=mailbox, actor=STAFF, reason="spam")
    change = SyncChange.objects.get()
    assert (change.backend, change.resource_key, change.payload) == (
        "mail",
        "taro@example.ne.jp",
        {"enabled": False, "auth_methods": []},
    )


def _failed_change(subscriber=None) -> SyncChange:
    return SyncChange.objects.create(
        backend="network",
        resource=SyncResource.LINE_EXEMPTION,
        resource_key="taro@eadsl",
        version=1,
        payload={"exempt": False, "starts_at": None, "ends_at": None},
        state=SyncState.FAILED,
        attempts=12,
        next_attempt_at=timezone.now(),
        last_error="503 injected_fault",
        subscriber=subscriber,
    )


def test_retry_moves_failed_change_to_pending_and_audits(subscriber):
    change = _failed_change(subscriber)
    retried = sync_change_retry(change=change, actor=STAFF)

    assert (retried.state, retried.attempts) == (SyncState.PENDING, 0)
    event = AuditEvent.objects.get(action="sync_change.retry")
    assert (event.object_id, event.subscriber, event.actor_label) == (
        str(change.pk),
        subscriber,
        "test:supervisor",
    )


def test_retry_refuses_change_that_is_not_failed(subscriber):
    change = _failed_change(subscriber)
    SyncChange.objects.filter(pk=change.pk).update(state=SyncState.APPLIED)
    with pytest.raises(ValidationError):
        sync_change_retry(change=change, actor=STAFF)
    assert AuditEvent.objects.filter(action="sync_change.retry").count() == 0


def test_retry_failed_retries_every_failed_change(subscriber):
    _failed_change(subscriber)
    _failed_change(subscriber)
    assert sync_changes_retry_failed(actor=STAFF) == 2
    assert sync_change_counts() == {"pending": 2, "applied": 0, "failed": 0, "superseded": 0}


def test_selectors_filter_by_state_and_subscriber_in_constant_queries(
    subscriber, other_subscriber, django_assert_num_queries
):
    mine = _failed_change(subscriber)
    _failed_change(other_subscriber)
    with django_assert_num_queries(1):
        assert [c.pk for c in sync_changes_list(state="failed", subscriber=subscriber)] == [mine.pk]
    with django_assert_num_queries(1):
        assert sync_change_counts()["failed"] == 2
    assert sync_change_get(change_id=mine.pk).subscriber == subscriber


def test_mailboxes_push_records_what_mailbox_payload_says(subscriber, other_subscriber):
    from blocking.models import SubmissionAccess, SubmissionAccessState
    from blocking.sync.push import mailboxes_push
    from blocking.sync.resources import mailbox_payload

    hanako = Mailbox.objects.get(address="hanako@example.ne.jp")
    SubmissionAccess.objects.create(
        mailbox=hanako,
        state=SubmissionAccessState.ENABLED,
        auth_methods=["smtp-auth-tls", "pop-before-smtp"],
    )
    extra = Mailbox.objects.create(
        subscriber=subscriber, address="jiro@example.ne.jp", login="jiro"
    )
    SubmissionAccess.objects.create(mailbox=extra, state=SubmissionAccessState.SUSPENDED)
    outbox.mailbox_submission_changed(mailboxes=[extra])  # an older change, to be superseded

    assert mailboxes_push() == 3

    pending = SyncChange.objects.filter(state=SyncState.PENDING).order_by("resource_key")
    expected = {
        m.address: mailbox_payload(mailbox=m)
        for m in Mailbox.objects.select_related("submission_access")
    }
    assert {c.resource_key: c.payload for c in pending} == expected
    assert expected["hanako@example.ne.jp"] == {
        "enabled": True,
        "auth_methods": ["pop-before-smtp", "smtp-auth-tls"],
    }
    assert [c.subscriber for c in pending] == [other_subscriber, subscriber, subscriber]
    older = SyncChange.objects.exclude(state=SyncState.PENDING).get()
    assert (older.resource_key, older.state) == ("jiro@example.ne.jp", SyncState.SUPERSEDED)
    assert all(c.version > older.version for c in pending)
