"""Queueing deliveries: once the transaction commits, and never as the only record.

The outbox row is the truth. A message lost here (broker down, process killed
before commit hooks ran) only delays delivery until the sweep finds the row again
after its lease.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blocking.sync.models import SyncChange
from blocking.sync.resources import RESOURCES

logger = logging.getLogger(__name__)

# Publishing must not hold a staff request for long when the broker is down.
_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}


def lease_until(now: datetime | None = None) -> datetime:
    """When a change queued now may be queued again if nobody has finished it."""
    return (now or timezone.now()) + timedelta(seconds=settings.PORTAL_SYNC_LEASE_SECONDS)


def delivery_groups(changes: Iterable[tuple[int, str]]) -> list[list[int]]:
    """Change IDs grouped into tasks: a resource with a batch form goes in batches of
    PORTAL_SYNC_BATCH_SIZE (one call each); others in groups of PORTAL_SYNC_GROUP_SIZE
    (one PUT each, but one task and a few queries for the group)."""
    by_resource: dict[str, list[int]] = {}
    for change_id, resource in changes:
        by_resource.setdefault(resource, []).append(change_id)
    groups: list[list[int]] = []
    for resource, ids in by_resource.items():
        batched = RESOURCES[resource].batch_path is not None
        size = settings.PORTAL_SYNC_BATCH_SIZE if batched else settings.PORTAL_SYNC_GROUP_SIZE
        groups.extend(ids[i : i + size] for i in range(0, len(ids), size))
    return groups


def sync_changes_publish(*, groups: Sequence[list[int]]) -> int:
    """Send one task per group to the broker; returns how many went out."""
    # Imported here: the tasks module imports this one.
    from blocking.sync.tasks import deliver, deliver_batch

    sent = 0
    try:
        for group in groups:
            if len(group) == 1:
                deliver.apply_async(
                    kwargs={"change_id": group[0]}, retry_policy=_PUBLISH_RETRY_POLICY
                )
            else:
                deliver_batch.apply_async(
                    kwargs={"change_ids": group}, retry_policy=_PUBLISH_RETRY_POLICY
                )
            sent += 1
    except Exception:
        # The change is saved; the sweep queues it once the broker is back.
        logger.warning(
            "Broker unreachable: %d of %d deliveries left to the sweep",
            len(groups) - sent,
            len(groups),
            exc_info=True,
        )
    return sent


def sync_changes_enqueue_on_commit(*, changes: Iterable[SyncChange]) -> None:
    """Queue the changes' delivery when the current transaction commits."""
    groups = delivery_groups((c.pk, c.resource) for c in changes)
    if groups:
        transaction.on_commit(lambda: sync_changes_publish(groups=groups), robust=True)
