"""The outbox: what the backends must be told, written in the caller's transaction.

Every service that changes desired state calls one of these functions inside its
own `transaction.atomic()` block, so the change and its sync change commit or roll
back together. Delivery (Celery), retries and reconciliation live beside this
module in `blocking.sync`.

Each function first locks the row the resource hangs off (the line, the line
group, the list, the mailboxes, the service), then reads the desired state and
records it with a version above every earlier one of that resource. Two
transactions changing the same resource therefore record in commit order, and the
later one carries everything the earlier one changed.
"""

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import Line, LineGroup, Mailbox
from blocking.models import DestinationList, SubmissionService
from blocking.sync.models import SyncChange, SyncResource, SyncState
from blocking.sync.queue import lease_until, sync_changes_enqueue_on_commit
from blocking.sync.resources import (
    RESOURCES,
    SUBMISSION_SERVICE_KEY,
    Payload,
    destination_list_payload,
    exemption_payloads,
    mailbox_payload,
    schedule_key,
    schedule_payloads,
    submission_service_payload,
)

# (resource key, desired state, subscriber pk)
Target = tuple[str, Payload, int | None]


def clock_version() -> int:
    # Microseconds since the epoch: a restored database still versions above what
    # the backends already hold, which a plain counter would not.
    return time.time_ns() // 1000


def sync_changes_record(
    *, resource: str, targets: Sequence[Target], enqueue: bool = True
) -> list[SyncChange]:
    """Record one sync change per target, superseding older undelivered ones.

    The caller holds the lock of each target's anchor row (or knows no one else
    writes it); see the module docstring.
    """
    if not targets:
        return []
    spec = RESOURCES[resource]
    keys = [key for key, _payload, _subscriber in targets]
    latest: dict[str, int] = dict(
        SyncChange.objects.filter(resource=resource, resource_key__in=keys)
        .order_by()
        .values_list("resource_key")
        .annotate(latest=Max("version"))
    )
    clock = clock_version()
    due = lease_until()
    changes = [
        SyncChange(
            backend=spec.backend,
            resource=resource,
            resource_key=key,
            version=max(clock, latest.get(key, 0) + 1),
            payload=payload,
            state=SyncState.PENDING,
            next_attempt_at=due,
            subscriber_id=subscriber_id,
        )
        for key, payload, subscriber_id in targets
    ]
    SyncChange.objects.bulk_create(changes)
    if latest:
        # The new change holds the whole desired state: older ones need not be sent.
        SyncChange.objects.filter(
            resource=resource,
            resource_key__in=list(latest),
            state__in=(SyncState.PENDING, SyncState.FAILED),
            id__lt=min(c.pk for c in changes),
        ).update(state=SyncState.SUPERSEDED)
    if enqueue:
        sync_changes_enqueue_on_commit(changes=changes)
    return changes


def line_exemption_changed(*, line: Line) -> None:
    """The line's exemption was granted, extended, revoked or expired (network backend)."""
    lines_exemption_changed(lines=[line])


def lines_exemption_changed(*, lines: Iterable[Line], enqueue: bool = True) -> list[SyncChange]:
    with transaction.atomic(savepoint=False):
        rows = list(
            Line.objects.select_for_update()
            .filter(pk__in=[line.pk for line in lines])
            .order_by("pk")
            .values_list("pk", "line_id", "subscriber_id")
        )
        payloads = exemption_payloads(line_ids=[pk for pk, _l, _s in rows])
        return sync_changes_record(
            resource=SyncResource.LINE_EXEMPTION,
            targets=[(line_id, payloads[pk], sub) for pk, line_id, sub in rows],
            enqueue=enqueue,
        )


def schedule_changed(*, line_group: LineGroup) -> None:
    """A phase of the line group was added, moved or removed (network backend)."""
    schedules_changed(line_groups=[line_group])


def schedules_changed(*, line_groups: Iterable[LineGroup]) -> list[SyncChange]:
    with transaction.atomic(savepoint=False):
        groups = list(
            LineGroup.objects.select_for_update(of=("self",))
            .select_related("access_service")
            .filter(pk__in=[g.pk for g in line_groups])
            .order_by("pk")
        )
        payloads = schedule_payloads(group_ids=[g.pk for g in groups])
        return sync_changes_record(
            resource=SyncResource.SCHEDULE,
            targets=[(schedule_key(line_group=g), payloads[g.pk], None) for g in groups],
        )


def destination_list_changed(*, destination_list: DestinationList) -> None:
    """An entry of the destination list was added, edited or removed (network backend)."""
    with transaction.atomic(savepoint=False):
        locked = DestinationList.objects.select_for_update().get(pk=destination_list.pk)
        sync_changes_record(
            resource=SyncResource.DESTINATION_LIST,
            targets=[(locked.slug, destination_list_payload(destination_list=locked), None)],
        )


def mailbox_submission_changed(*, mailboxes: Iterable[Mailbox]) -> None:
    """The mailboxes' submission access was suspended, restored or edited (mail backend)."""
    mailboxes_submission_record(mailbox_ids=[m.pk for m in mailboxes])


def mailboxes_submission_record(
    *, mailbox_ids: Sequence[int], enqueue: bool = True
) -> list[SyncChange]:
    with transaction.atomic(savepoint=False):
        locked = list(
            Mailbox.objects.select_for_update(of=("self",))
            .select_related("submission_access")
            .filter(pk__in=list(mailbox_ids))
            .order_by("pk")
        )
        return sync_changes_record(
            resource=SyncResource.MAILBOX_SUBMISSION,
            targets=[(m.address, mailbox_payload(mailbox=m), m.subscriber_id) for m in locked],
            enqueue=enqueue,
        )


def submission_service_changed(*, service: SubmissionService) -> None:
    """The submission service's port, start, methods or window changed (mail backend)."""
    with transaction.atomic(savepoint=False):
        locked = SubmissionService.objects.select_for_update().get(pk=service.pk)
        sync_changes_record(
            resource=SyncResource.SUBMISSION_SERVICE,
            targets=[(SUBMISSION_SERVICE_KEY, submission_service_payload(service=locked), None)],
        )


def line_exemption_payload_record(*, line_id: str, payload: Payload) -> list[SyncChange]:
    """Tell the network backend a line's exemption state that no longer matches a line row
    (reconciliation found an exemption on a line we do not have, or not active here)."""
    with transaction.atomic(savepoint=False):
        line: Any = (
            Line.objects.select_for_update().filter(line_id=line_id).values("subscriber_id").first()
        )
        return sync_changes_record(
            resource=SyncResource.LINE_EXEMPTION,
            targets=[(line_id, payload, line["subscriber_id"] if line else None)],
        )
