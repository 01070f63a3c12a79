"""Reads of the outbox for staff pages, the API and metrics."""

from django.db.models import Count, QuerySet

from accounts.models import Subscriber
from blocking.sync.models import SyncChange, SyncState


def sync_change_counts() -> dict[str, int]:
    """How many sync changes are in each state (every state present, zeros included): one query."""
    counts = {state.value: 0 for state in SyncState}
    rows = SyncChange.objects.order_by().values_list("state").annotate(n=Count("id"))
    for state, n in rows:
        counts[state] = n
    return counts


def sync_changes_list(
    *, state: str | None = None, subscriber: Subscriber | None = None
) -> QuerySet[SyncChange]:
    """Sync changes, newest first, optionally of one state and/or one subscriber."""
    changes = SyncChange.objects.select_related("subscriber").order_by("-created_at", "-id")
    if state is not None:
        changes = changes.filter(state=state)
    if subscriber is not None:
        changes = changes.filter(subscriber=subscriber)
    return changes


def sync_change_get(*, change_id: int) -> SyncChange:
    """One sync change with its subscriber; raises SyncChange.DoesNotExist."""
    return SyncChange.objects.select_related("subscriber").get(pk=change_id)


def sync_target_latest(*, resource: str, resource_key: str) -> SyncChange | None:
    """The newest sync change of one backend resource: is what staff decided applied yet?"""
    return (
        SyncChange.objects.filter(resource=resource, resource_key=resource_key)
        .order_by("-version")
        .first()
    )
