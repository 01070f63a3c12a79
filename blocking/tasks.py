"""Celery discovers `<app>.tasks`; the backend sync's tasks live in `blocking.sync.tasks`."""

from blocking.sync.tasks import deliver, deliver_batch, exemptions_expire, reconcile, sweep

__all__ = ["deliver", "deliver_batch", "exemptions_expire", "reconcile", "sweep"]
