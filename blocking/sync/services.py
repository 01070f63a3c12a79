"""Staff actions on the outbox: retrying what failed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record_by
from blocking.sync.models import SyncChange, SyncState
from blocking.sync.queue import lease_until, sync_changes_enqueue_on_commit


@transaction.atomic
def sync_change_retry(*, change: SyncChange, actor: Actor) -> SyncChange:
    """A failed change goes back to pending and is queued once the transaction commits."""
    locked = SyncChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != SyncState.FAILED:
        raise ValidationError(
            _("Only a failed sync change can be retried; this one is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    locked.state = SyncState.PENDING
    locked.attempts = 0
    locked.next_attempt_at = lease_until()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record_by(
        actor,
        action="sync_change.retry",
        obj=locked,
        subscriber=locked.subscriber,
        before={"state": SyncState.FAILED.value, "last_error": locked.last_error},
        after={"state": SyncState.PENDING.value},
    )
    sync_changes_enqueue_on_commit(changes=[locked])
    return locked


@transaction.atomic
def sync_changes_retry_failed(*, actor: Actor) -> int:
    """Every failed change goes back to pending; returns how many."""
    failed = list(
        SyncChange.objects.select_for_update(skip_locked=True)
        .filter(state=SyncState.FAILED)
        .order_by("id")
    )
    for change in failed:
        change.state = SyncState.PENDING
        change.attempts = 0
        change.next_attempt_at = lease_until()
        audit_record_by(
            actor,
            action="sync_change.retry",
            obj=change,
            subscriber=change.subscriber,
            before={"state": SyncState.FAILED.value, "last_error": change.last_error},
            after={"state": SyncState.PENDING.value},
        )
    SyncChange.objects.bulk_update(failed, ["state", "attempts", "next_attempt_at"])
    sync_changes_enqueue_on_commit(changes=failed)
    return len(failed)
