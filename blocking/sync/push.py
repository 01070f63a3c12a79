"""The full push: record the whole desired state of a backend, e.g. for a new backend.

Used by `manage.py sync_push`, by `make run` after the demo data, and for the
initial sync of every mailbox (batched: one transaction and one batch call per
chunk of PORTAL_SYNC_BATCH_SIZE mailboxes).
"""

from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Line, LineGroup, Mailbox
from blocking.models import (
    DestinationList,
    ExemptionState,
    SubmissionAccessState,
    SubmissionService,
)
from blocking.sync import outbox
from blocking.sync.models import SyncBackend, SyncChange, SyncResource, SyncState
from blocking.sync.queue import delivery_groups, lease_until, sync_changes_publish


def _push_schedules() -> int:
    with transaction.atomic():
        return len(outbox.schedules_changed(line_groups=list(LineGroup.objects.all())))


def _push_destination_lists() -> int:
    lists = list(DestinationList.objects.all())
    with transaction.atomic():
        for destination_list in lists:
            outbox.destination_list_changed(destination_list=destination_list)
    return len(lists)


def _push_exemptions() -> int:
    line_ids = list(
        Line.objects.filter(exemptions__state=ExemptionState.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.PORTAL_SYNC_BATCH_SIZE
    for start in range(0, len(line_ids), size):
        chunk = [Line(pk=pk) for pk in line_ids[start : start + size]]
        with transaction.atomic():
            outbox.lines_exemption_changed(lines=chunk)
    return len(line_ids)


def _push_submission_service() -> int:
    service = SubmissionService.objects.order_by("pk").first()
    if service is None:
        return 0
    with transaction.atomic():
        outbox.submission_service_changed(service=service)
    return 1


# The initial push of every mailbox, one statement a chunk on PostgreSQL: it locks the
# chunk's mailboxes (so a concurrent staff change is either read or records after us),
# builds each payload as `resources.mailbox_payload` does, versions it above the
# mailbox's last change, and returns the new rows.
_MAILBOXES_RECORD_SQL = """
WITH locked AS (
    SELECT m.id, m.address, m.subscriber_id, a.state, a.auth_methods
    FROM accounts_mailbox m LEFT JOIN blocking_submissionaccess a ON a.mailbox_id = m.id
    WHERE m.id = ANY(%(ids)s)
    ORDER BY m.id
    FOR UPDATE OF m
), latest AS (
    SELECT resource_key, MAX(version) AS version FROM blocking_syncchange
    WHERE resource = %(resource)s AND resource_key IN (SELECT address FROM locked)
    GROUP BY resource_key
)
INSERT INTO blocking_syncchange (
    backend, resource, resource_key, version, payload, state, attempts, next_attempt_at,
    last_error, last_status_code, subscriber_id, created_at, applied_at
)
SELECT %(backend)s, %(resource)s, l.address,
    GREATEST(%(clock)s, COALESCE(latest.version, 0) + 1),
    jsonb_build_object(
        'enabled', COALESCE(l.state, %(enabled)s) <> %(suspended)s,
        'auth_methods', CASE WHEN jsonb_typeof(l.auth_methods) = 'array' THEN COALESCE(
            (SELECT jsonb_agg(m ORDER BY m COLLATE "C")
             FROM jsonb_array_elements_text(l.auth_methods) m), '[]'::jsonb)
            ELSE '[]'::jsonb END
    ),
    %(pending)s, 0, %(due)s, '', NULL, l.subscriber_id, %(now)s, NULL
FROM locked l LEFT JOIN latest ON latest.resource_key = l.address
ORDER BY l.id
RETURNING id, resource_key
"""


def _mailboxes_record_sql(ids: list[int]) -> list[int]:
    now = timezone.now()
    with connection.cursor() as cursor:
        # A chunk lost to a crash before the disk has it is recorded again by the next
        # push or by reconciliation: this commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            _MAILBOXES_RECORD_SQL,
            {
                "ids": ids,
                "backend": SyncBackend.MAIL.value,
                "resource": SyncResource.MAILBOX_SUBMISSION.value,
                "clock": outbox.clock_version(),
                "enabled": SubmissionAccessState.ENABLED.value,
                "suspended": SubmissionAccessState.SUSPENDED.value,
                "pending": SyncState.PENDING.value,
                "due": lease_until(now),
                "now": now,
            },
        )
        rows = cursor.fetchall()
    new_ids = [row[0] for row in rows]
    if new_ids:
        SyncChange.objects.filter(
            resource=SyncResource.MAILBOX_SUBMISSION,
            resource_key__in=[row[1] for row in rows],
            state__in=(SyncState.PENDING, SyncState.FAILED),
            id__lt=min(new_ids),
        ).update(state=SyncState.SUPERSEDED)
        groups = delivery_groups((pk, SyncResource.MAILBOX_SUBMISSION) for pk in new_ids)
        transaction.on_commit(lambda: sync_changes_publish(groups=groups), robust=True)
    return new_ids


def mailboxes_push(*, progress: Callable[[int], None] | None = None) -> int:
    """Every mailbox's submission access, a chunk per transaction, in key order."""
    size = settings.PORTAL_SYNC_PUSH_CHUNK
    fast = connection.vendor == "postgresql"
    last = 0
    pushed = 0
    while True:
        ids = list(
            Mailbox.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            return pushed
        with transaction.atomic():
            if fast:
                _mailboxes_record_sql(ids)
            else:
                outbox.mailboxes_submission_record(mailbox_ids=ids)
        pushed += len(ids)
        last = ids[-1]
        if progress:
            progress(pushed)


PUSHES: dict[str, list[tuple[Promise, Callable[[], int]]]] = {
    SyncBackend.NETWORK: [
        (_("schedules"), _push_schedules),
        (_("destination lists"), _push_destination_lists),
        (_("active exemptions"), _push_exemptions),
    ],
    SyncBackend.MAIL: [
        (_("submission service"), _push_submission_service),
        (_("mailboxes"), mailboxes_push),
    ],
}


def sync_push(*, backend: str | None = None) -> dict[str, int]:
    """Record the full desired state of one backend (or both); counts per kind of resource."""
    counts: dict[str, int] = {}
    for name in [backend] if backend else list(PUSHES):
        for label, push in PUSHES[name]:
            counts[str(label)] = push()
    return counts
