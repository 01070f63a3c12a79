"""Each backend resource: its key, where it lives on the backend, and its desired state.

The desired state is built from the database as the full document the backend
should hold (a PUT), so sending it twice, or an older one after a newer one, is
harmless. These functions only read.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from accounts.models import Line, LineGroup, Mailbox
from blocking.models import (
    DestinationEntry,
    DestinationKind,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccessState,
    SubmissionService,
)
from blocking.sync.models import SyncBackend, SyncResource

Payload = dict[str, Any]

# The submission service is one resource on the mail backend, whatever its row.
SUBMISSION_SERVICE_KEY = "default"


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """Where a resource lives on its backend."""

    backend: SyncBackend
    item_path: str  # with {key}, quoted
    collection_path: str  # GET, paginated with ?after=<key>&limit=N
    batch_path: str | None = None  # POST {"items": [...]} where the contract has a batch form
    batch_key: str = ""  # how an item of the batch names its resource
    key_safe: str = "@"  # characters of the key left as they are in the path

    def path(self, key: str) -> str:
        return self.item_path.format(key=quote(key, safe=self.key_safe))


RESOURCES: dict[str, ResourceSpec] = {
    SyncResource.LINE_EXEMPTION: ResourceSpec(
        SyncBackend.NETWORK,
        "/v1/lines/{key}/exemption",
        "/v1/exemptions",
        batch_path="/v1/exemptions:batch",
        batch_key="line_id",
    ),
    SyncResource.SCHEDULE: ResourceSpec(
        SyncBackend.NETWORK, "/v1/schedules/{key}", "/v1/schedules", key_safe="/"
    ),
    SyncResource.DESTINATION_LIST: ResourceSpec(
        SyncBackend.NETWORK, "/v1/destination-lists/{key}", "/v1/destination-lists"
    ),
    SyncResource.SUBMISSION_SERVICE: ResourceSpec(
        SyncBackend.MAIL, "/v1/submission-service", "/v1/submission-service"
    ),
    SyncResource.MAILBOX_SUBMISSION: ResourceSpec(
        SyncBackend.MAIL,
        "/v1/mailboxes/{key}/submission",
        "/v1/mailboxes",
        batch_path="/v1/mailboxes:batch",
        batch_key="address",
    ),
}

RESOURCES_BY_BACKEND: dict[str, tuple[str, ...]] = {
    backend: tuple(name for name, spec in RESOURCES.items() if spec.backend == backend)
    for backend in SyncBackend.values
}


def timestamp(value: datetime | None) -> str | None:
    """An instant as the contract writes it: ISO 8601 in UTC with `Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


def schedule_key(*, line_group: LineGroup) -> str:
    return f"{line_group.access_service.code}/{line_group.code}"


# ---------------------------------------------------------------------------
# Desired state, in bulk: {key: payload}
# ---------------------------------------------------------------------------


def exemption_payloads(*, line_ids: Iterable[int]) -> dict[int, Payload]:
    """Each line's exemption as the network enforces it: one query."""
    payloads: dict[int, Payload] = {
        line_id: {"exempt": False, "starts_at": None, "ends_at": None} for line_id in line_ids
    }
    active = Exemption.objects.filter(line_id__in=list(payloads), state=ExemptionState.ACTIVE)
    for exemption in active.only("line_id", "starts_at", "ends_at"):
        payloads[exemption.line_id] = {
            "exempt": True,
            "starts_at": timestamp(exemption.starts_at),
            "ends_at": timestamp(exemption.ends_at),
        }
    return payloads


def schedule_payloads(*, group_ids: Iterable[int]) -> dict[int, Payload]:
    """Every phase of each line group, future ones included: one query."""
    payloads: dict[int, Payload] = {group_id: {"phases": []} for group_id in group_ids}
    phases = RolloutPhase.objects.filter(line_group_id__in=list(payloads)).order_by(
        "effective_at", "stage"
    )
    for phase in phases:
        payloads[phase.line_group_id]["phases"].append(
            {"stage": phase.stage, "effective_at": timestamp(phase.effective_at)}
        )
    return payloads


def destination_list_payload(*, destination_list: DestinationList) -> Payload:
    entries = DestinationEntry.objects.filter(destination_list=destination_list).order_by(
        "kind", "value"
    )
    domains: list[dict[str, Any]] = []
    networks: list[str] = []
    for entry in entries:
        if entry.kind == DestinationKind.DOMAIN:
            domains.append({"domain": entry.value, "include_subdomains": entry.include_subdomains})
        else:
            networks.append(entry.value)
    return {"name": destination_list.name, "domains": domains, "networks": networks}


def mailbox_payload(*, mailbox: Mailbox) -> Payload:
    """A mailbox's submission access; needs `submission_access` fetched with it.

    No access row means the service's defaults: enabled, every method it offers
    (an empty list says so).
    """
    access = getattr(mailbox, "submission_access", None)
    if access is None:
        return {"enabled": True, "auth_methods": []}
    return {
        "enabled": access.state != SubmissionAccessState.SUSPENDED,
        "auth_methods": sorted(access.auth_methods or []),
    }


def submission_service_payload(*, service: SubmissionService) -> Payload:
    return {
        "host": service.host,
        "port": service.port,
        "implicit_tls_port": service.implicit_tls_port,
        "starts_at": timestamp(service.starts_at),
        "auth_methods": list(service.auth_methods or []),
        "pop_before_smtp_window_minutes": service.pop_before_smtp_window_minutes,
    }


# ---------------------------------------------------------------------------
# Everything the backends should hold, for a full push and for reconciliation
# ---------------------------------------------------------------------------


def desired_schedules() -> dict[str, Payload]:
    groups = list(LineGroup.objects.select_related("access_service"))
    payloads = schedule_payloads(group_ids=[g.pk for g in groups])
    return {schedule_key(line_group=g): payloads[g.pk] for g in groups}


def desired_destination_lists() -> dict[str, Payload]:
    return {
        d.slug: destination_list_payload(destination_list=d) for d in DestinationList.objects.all()
    }


def desired_exemptions() -> dict[str, Payload]:
    """Lines with an active exemption; every other line's desired state is "not exempt"."""
    rows = Exemption.objects.filter(state=ExemptionState.ACTIVE).values_list(
        "line__line_id", "starts_at", "ends_at"
    )
    return {
        line_id: {"exempt": True, "starts_at": timestamp(start), "ends_at": timestamp(end)}
        for line_id, start, end in rows
    }


def desired_submission_service() -> dict[str, Payload]:
    service = SubmissionService.objects.order_by("pk").first()
    if service is None:
        return {}
    return {SUBMISSION_SERVICE_KEY: submission_service_payload(service=service)}


NOT_EXEMPT: Payload = {"exempt": False, "starts_at": None, "ends_at": None}


def line_ids_by_line_key(*, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Line ID -> (pk, subscriber pk): one query."""
    return {
        line_id: (pk, subscriber_id)
        for pk, line_id, subscriber_id in Line.objects.filter(line_id__in=list(keys)).values_list(
            "pk", "line_id", "subscriber_id"
        )
    }
