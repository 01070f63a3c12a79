"""The outbox: what the backends must be told, written in the caller's transaction.

Every service that changes desired state calls one of these functions inside its
own `transaction.atomic()` block, so the change and its sync change commit or roll
back together. Delivery (Celery), retries and reconciliation live beside this
module in `blocking.sync`.
"""

from collections.abc import Iterable

from accounts.models import Line, LineGroup, Mailbox
from blocking.models import DestinationList, SubmissionService


def line_exemption_changed(*, line: Line) -> None:
    """The line's exemption was granted, extended, revoked or expired (network backend)."""


def schedule_changed(*, line_group: LineGroup) -> None:
    """A phase of the line group was added, moved or removed (network backend)."""


def destination_list_changed(*, destination_list: DestinationList) -> None:
    """An entry of the destination list was added, edited or removed (network backend)."""


def mailbox_submission_changed(*, mailboxes: Iterable[Mailbox]) -> None:
    """The mailboxes' submission access was suspended, restored or edited (mail backend)."""


def submission_service_changed(*, service: SubmissionService) -> None:
    """The submission service's port, start, methods or window changed (mail backend)."""
