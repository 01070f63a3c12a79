"""List endpoints run a constant number of queries: the same at 2 rows as at 20."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessService, LineGroup, Mailbox
from blocking.models import (
    DestinationEntry,
    DestinationKind,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
)
from blocking.stages import Stage
from blocking.sync.models import SyncBackend, SyncChange, SyncResource, SyncState
from tests.conftest import make_line, make_subscriber

pytestmark = pytest.mark.django_db


def _subscribers(start: int, stop: int) -> None:
    for i in range(start, stop):
        subscriber = make_subscriber(f"qc{i:03d}")
        make_line(subscriber, f"qc{i:03d}@eadsl")
        make_line(subscriber, f"qc{i:03d}-b@eadsl")
        mailbox = Mailbox.objects.create(
            subscriber=subscriber, address=f"qc{i:03d}@example.ne.jp", login=f"qc{i:03d}"
        )
        SubmissionAccess.objects.create(mailbox=mailbox)


def _exemptions(state: ExemptionState, days: int) -> Callable[[int, int], None]:
    def make(start: int, stop: int) -> None:
        now = timezone.now()
        for i in range(start, stop):
            subscriber = make_subscriber(f"qe{i:03d}")
            line = make_line(subscriber, f"qe{i:03d}@eadsl")
            Exemption.objects.create(
                line=line,
                state=state,
                reason="test",
                starts_at=now,
                ends_at=now + timedelta(days=days),
                requested_by=subscriber.user,
                decided_by=subscriber.user if state == ExemptionState.ACTIVE else None,
            )

    return make


def _phases(start: int, stop: int) -> None:
    service, _created = AccessService.objects.get_or_create(
        code="qc-service", defaults={"name": "QC", "op25b_in_scope": True}
    )
    for i in range(start, stop):
        group = LineGroup.objects.create(access_service=service, code=f"qc-{i}", name=f"QC {i}")
        RolloutPhase.objects.create(
            line_group=group, stage=Stage.MOBILE, effective_at=timezone.now() + timedelta(days=i)
        )


def _entries(start: int, stop: int) -> None:
    destination_list = DestinationList.objects.get(slug=DestinationList.MOBILE_CARRIERS)
    for i in range(start, stop):
        DestinationEntry.objects.create(
            destination_list=destination_list,
            carrier="QC Mobile",
            kind=DestinationKind.DOMAIN,
            value=f"qc{i}.example.jp",
            source="test",
            last_checked=timezone.localdate(),
        )


def _sync_changes(start: int, stop: int) -> None:
    for i in range(start, stop):
        SyncChange.objects.create(
            backend=SyncBackend.MAIL,
            resource=SyncResource.MAILBOX_SUBMISSION,
            resource_key=f"qc{i}@example.ne.jp",
            version=1,
            payload={"enabled": True},
            state=SyncState.FAILED,
            next_attempt_at=timezone.now(),
        )


# (path with the filter that selects only the rows made here, maker, queries per page)
LISTS = {
    # key, page, the lines and the mailboxes of the page
    "subscribers": ("/api/v1/subscribers/", _subscribers, 4),
    # key, page with the subscribers' account IDs, the line groups with their services and
    # phases, the lines' exemptions
    "lines": ("/api/v1/lines/?line_group=eadsl-1", _subscribers, 4),
    "mailboxes": ("/api/v1/mailboxes/?submission_state=enabled", _subscribers, 2),
    # key, page with the lines' IDs, the users' names (by primary key: joining the user
    # table three times made planning the page's query cost more than running both)
    "exemptions": (
        "/api/v1/exemptions/?state=active",
        _exemptions(ExemptionState.ACTIVE, 60),
        3,
    ),
    "exemptions expiring": (
        "/api/v1/exemptions/expiring/?within_days=7",
        _exemptions(ExemptionState.ACTIVE, 3),
        3,
    ),
    "exemption requests": (
        "/api/v1/exemption-requests/",
        _exemptions(ExemptionState.REQUESTED, 30),
        3,
    ),
    "schedule": ("/api/v1/schedule/?access_service=qc-service", _phases, 2),
    "destinations": ("/api/v1/destinations/?carrier=QC+Mobile", _entries, 2),
    "sync changes": ("/api/v1/sync-changes/?backend=mail&state=failed", _sync_changes, 2),
}


def _count(api: Client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_constant(name: str, api: Client, announcement: None):
    path, make, expected = LISTS[name]
    rows_per_item = 2 if name == "lines" else 1
    api.get("/api/v1/sync-changes/counts/")  # the key's last-use time is written once a minute

    make(0, 2)
    at_2 = _count(api, path)
    make(2, 20)
    at_20 = _count(api, path)

    assert (at_2, at_20) == ((expected, 2 * rows_per_item), (expected, 20 * rows_per_item))
