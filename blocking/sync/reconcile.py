"""Reconciliation: compare a backend's state with the desired state and repair drift.

Drift is repaired by recording a new sync change (so the repair has a version above
whatever the backend holds, and a history staff can read). Resources with a change
still pending are left alone: that change is on its way.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Line, LineGroup, Mailbox
from blocking.models import DestinationList, SubmissionService
from blocking.sync import outbox
from blocking.sync.client import BackendError, backend_client
from blocking.sync.models import (
    SyncBackend,
    SyncChange,
    SyncReconciliation,
    SyncResource,
    SyncState,
)
from blocking.sync.resources import (
    NOT_EXEMPT,
    SUBMISSION_SERVICE_KEY,
    Payload,
    desired_destination_lists,
    desired_exemptions,
    desired_schedules,
    desired_submission_service,
    mailbox_payload,
)

FINDINGS_KEPT = 500
DISABLED_MAILBOX: Payload = {"enabled": False, "auth_methods": []}


@dataclass(frozen=True, slots=True)
class Finding:
    resource: str
    key: str
    kind: str  # "missing" on the backend, "different", or "extra" (the backend has, we don't)
    desired: Payload | None
    actual: Payload | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "key": self.key,
            "kind": self.kind,
            "desired": self.desired,
            "actual": self.actual,
        }


@dataclass
class ReconcileReport:
    backend: str
    dry_run: bool
    checked: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    drifted: int = 0
    repaired: int = 0
    error: str = ""

    def summary(self) -> str:
        checked = sum(self.checked.values())
        action = "would repair" if self.dry_run else "repaired"
        return f"{checked} checked, {self.drifted} drifted, {action} {self.repaired}" + (
            f", error: {self.error}" if self.error else ""
        )


def _comparable(desired: Payload, actual: dict[str, Any]) -> Payload:
    return {name: actual.get(name) for name in desired}


def _pending_keys(resource: str) -> set[str]:
    return set(
        SyncChange.objects.filter(resource=resource, state=SyncState.PENDING).values_list(
            "resource_key", flat=True
        )
    )


def _compare(
    *,
    resource: str,
    desired: Iterable[tuple[str, Payload]],
    actual: dict[str, dict[str, Any]],
    report: ReconcileReport,
    absent_means: Payload | None = None,
) -> Iterator[Finding]:
    """Drift between desired and actual; `absent_means` is what a missing desired entry implies."""
    pending = _pending_keys(resource)
    checked = 0
    seen: set[str] = set()
    for key, want in desired:
        checked += 1
        seen.add(key)
        if key in pending:
            continue
        have = actual.get(key)
        if have is None:
            yield Finding(resource, key, "missing", want, None)
        elif _comparable(want, have) != want:
            yield Finding(resource, key, "different", want, _comparable(want, have))
    for key, have in actual.items():
        if key in seen or key in pending:
            continue
        checked += 1
        if absent_means is not None and _comparable(absent_means, have) != absent_means:
            yield Finding(resource, key, "extra", absent_means, _comparable(absent_means, have))
    report.checked[resource] = checked


def _listing(backend: str, resource: str, key_of: Any) -> dict[str, dict[str, Any]]:
    return {key_of(item): item for item in backend_client(backend).list(resource=resource)}


def _network_findings(report: ReconcileReport) -> Iterator[Finding]:
    client = SyncBackend.NETWORK
    yield from _compare(
        resource=SyncResource.SCHEDULE,
        desired=desired_schedules().items(),
        actual=_listing(
            client, SyncResource.SCHEDULE, lambda i: f"{i['service']}/{i['line_group']}"
        ),
        report=report,
    )
    yield from _compare(
        resource=SyncResource.DESTINATION_LIST,
        desired=desired_destination_lists().items(),
        actual=_listing(client, SyncResource.DESTINATION_LIST, lambda i: i["slug"]),
        report=report,
    )
    yield from _compare(
        resource=SyncResource.LINE_EXEMPTION,
        desired=desired_exemptions().items(),
        actual=_listing(client, SyncResource.LINE_EXEMPTION, lambda i: i["line_id"]),
        report=report,
        absent_means=NOT_EXEMPT,
    )


def _desired_mailboxes() -> Iterator[tuple[str, Payload]]:
    mailboxes = Mailbox.objects.select_related("submission_access").order_by("pk")
    for mailbox in mailboxes.iterator(chunk_size=5000):
        yield mailbox.address, mailbox_payload(mailbox=mailbox)


def _mail_findings(report: ReconcileReport) -> Iterator[Finding]:
    service = backend_client(SyncBackend.MAIL).get(
        resource=SyncResource.SUBMISSION_SERVICE, key=SUBMISSION_SERVICE_KEY
    )
    yield from _compare(
        resource=SyncResource.SUBMISSION_SERVICE,
        desired=desired_submission_service().items(),
        actual={SUBMISSION_SERVICE_KEY: service} if service else {},
        report=report,
    )
    yield from _compare(
        resource=SyncResource.MAILBOX_SUBMISSION,
        desired=_desired_mailboxes(),
        actual=_listing(SyncBackend.MAIL, SyncResource.MAILBOX_SUBMISSION, lambda i: i["address"]),
        report=report,
        absent_means=DISABLED_MAILBOX,
    )


def _repair(findings: list[Finding]) -> int:
    """Record a sync change for each drifted resource; returns how many were recorded."""
    by_resource: dict[str, list[Finding]] = {}
    for finding in findings:
        by_resource.setdefault(finding.resource, []).append(finding)
    recorded = 0
    size = settings.PORTAL_SYNC_BATCH_SIZE
    for resource, found in by_resource.items():
        keys = [f.key for f in found]
        for start in range(0, len(keys), size):
            chunk = keys[start : start + size]
            with transaction.atomic():
                recorded += _repair_chunk(resource, chunk)
    return recorded


def _repair_chunk(resource: str, keys: list[str]) -> int:
    if resource == SyncResource.SCHEDULE:
        groups = [
            g
            for g in LineGroup.objects.select_related("access_service")
            if f"{g.access_service.code}/{g.code}" in set(keys)
        ]
        return len(outbox.schedules_changed(line_groups=groups))
    if resource == SyncResource.DESTINATION_LIST:
        lists = list(DestinationList.objects.filter(slug__in=keys))
        for destination_list in lists:
            outbox.destination_list_changed(destination_list=destination_list)
        return len(lists)
    if resource == SyncResource.SUBMISSION_SERVICE:
        service = SubmissionService.objects.order_by("pk").first()
        if service:
            outbox.submission_service_changed(service=service)
        return 1 if service else 0
    if resource == SyncResource.LINE_EXEMPTION:
        lines = list(Line.objects.filter(line_id__in=keys))
        recorded = len(outbox.lines_exemption_changed(lines=lines))
        known = {line.line_id for line in lines}
        for key in keys:
            if key not in known:  # a line we do not have must not stay exempt
                recorded += len(
                    outbox.line_exemption_payload_record(line_id=key, payload=NOT_EXEMPT)
                )
        return recorded
    mailboxes = dict(Mailbox.objects.filter(address__in=keys).values_list("address", "pk"))
    recorded = len(outbox.mailboxes_submission_record(mailbox_ids=list(mailboxes.values())))
    unknown = [(key, DISABLED_MAILBOX, None) for key in keys if key not in mailboxes]
    return recorded + len(
        outbox.sync_changes_record(resource=SyncResource.MAILBOX_SUBMISSION, targets=unknown)
    )


def backend_reconcile(*, backend: str, dry_run: bool = False) -> ReconcileReport:
    """Compare one backend with the desired state, repair drift unless a dry run, keep a record."""
    report = ReconcileReport(backend=backend, dry_run=dry_run)
    record = SyncReconciliation.objects.create(
        backend=backend, started_at=timezone.now(), dry_run=dry_run
    )
    findings: list[Finding] = []
    try:
        source = _network_findings if backend == SyncBackend.NETWORK else _mail_findings
        findings = list(source(report))
    except BackendError as error:
        report.error = str(error)
    report.findings = findings
    report.drifted = len(findings)
    if not report.error:
        report.repaired = len(findings) if dry_run else _repair(findings)
    record.finished_at = timezone.now()
    record.checked = sum(report.checked.values())
    record.drifted = report.drifted
    record.repaired = report.repaired
    record.findings = [f.as_dict() for f in findings[:FINDINGS_KEPT]]
    record.error = report.error
    record.save()
    return report
