"""Celery tasks of the backend sync: thin adapters with stable names and keyword-only IDs."""

import logging

from celery import shared_task

from blocking.sync.delivery import sync_changes_deliver, sync_changes_sweep

logger = logging.getLogger(__name__)


@shared_task(name="blocking.sync.deliver", ignore_result=True)  # type: ignore[untyped-decorator]
def deliver(*, change_id: int) -> None:
    sync_changes_deliver(change_ids=[change_id])


@shared_task(name="blocking.sync.deliver_batch", ignore_result=True)  # type: ignore[untyped-decorator]
def deliver_batch(*, change_ids: list[int]) -> None:
    sync_changes_deliver(change_ids=change_ids)


@shared_task(name="blocking.sync.sweep", ignore_result=True)  # type: ignore[untyped-decorator]
def sweep() -> None:
    queued = sync_changes_sweep()
    if queued:
        logger.info("sync sweep queued %d changes", queued)


@shared_task(name="blocking.sync.exemptions_expire", ignore_result=True)  # type: ignore[untyped-decorator]
def exemptions_expire() -> None:
    from blocking.services import exemptions_expire as expire  # the services import the outbox

    expired = expire()
    if expired:
        logger.info("%d exemptions expired", expired)


@shared_task(  # type: ignore[untyped-decorator]
    name="blocking.sync.reconcile", ignore_result=True, soft_time_limit=3000, time_limit=3600
)
def reconcile(*, backend: str) -> None:
    from blocking.sync.reconcile import backend_reconcile

    report = backend_reconcile(backend=backend, dry_run=False)
    logger.info("reconciled %s: %s", backend, report.summary())
