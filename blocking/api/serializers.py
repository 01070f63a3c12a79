"""What the admin API reads and writes. Field names are the domain's words (design §2).

The serializers of the busiest reads (subscribers, lines with their status, exemptions)
declare their fields for the schema and for the browsable API, but write their output
themselves: DRF's generic `to_representation` walks every field of every row (sources,
`get_attribute`, a time zone lookup per date), which cost more than the rest of the request.
Each hand-written `to_representation` must give what the generic one gives, field for field;
tests/integration/api/test_representations.py compares the two.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Language, Line, Mailbox, Subscriber, User
from blocking.models import (
    AuthMethod,
    DestinationEntry,
    DestinationKind,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccessState,
)
from blocking.policy import Advice, LineStatus, Rule
from blocking.selectors import GroupFacts
from blocking.stages import SCHEDULABLE_STAGES, Stage
from blocking.sync.models import SyncAttempt, SyncBackend, SyncChange, SyncOutcome, SyncResource
from blocking.sync.models import SyncState as SyncChangeState

# ---------------------------------------------------------------------------
# Output written by hand (see the module's docstring)
# ---------------------------------------------------------------------------

_DATETIME = serializers.DateTimeField()


def datetime_text(value: datetime | None, tz: tzinfo) -> str | None:
    """`DateTimeField().to_representation(value)` with the current time zone `tz` looked up once.

    ISO 8601 in that zone, `Z` for UTC, as DATETIME_FORMAT "iso-8601" asks.
    """
    if value is None:
        return None
    if value.utcoffset() is None:  # naive: never from the database, so leave it to DRF
        return _DATETIME.to_representation(value)
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def current_timezone() -> tzinfo:
    """The zone DateTimeField writes in (None only with USE_TZ off, which the portal never is)."""
    return timezone.get_current_timezone()


# ---------------------------------------------------------------------------
# Status (computed, never stored: blocking.policy.line_status)
# ---------------------------------------------------------------------------


class StatusPhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="phase_id", allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices)
    effective_at = serializers.DateTimeField()


class StatusExemptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="exemption_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class StatusChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    effective = serializers.ChoiceField(choices=Stage.choices)
    rule = serializers.ChoiceField(choices=[(r.value, r.value) for r in Rule])


class LineStatusSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="The moment the status is computed for.")
    scheduled = serializers.ChoiceField(
        choices=Stage.choices, help_text="The stage in force for the line's group."
    )
    effective = serializers.ChoiceField(
        choices=Stage.choices, help_text="What the network enforces on this line."
    )
    blocked = serializers.BooleanField()
    rule = serializers.ChoiceField(choices=[(r.value, r.value) for r in Rule])
    advice = serializers.ChoiceField(choices=[(a.value, a.value) for a in Advice])
    phase = StatusPhaseSerializer(allow_null=True)
    exemption = StatusExemptionSerializer(allow_null=True)
    next_change = StatusChangeSerializer(allow_null=True)

    def to_representation(self, instance: LineStatus) -> dict[str, Any]:
        return status_representation(instance, current_timezone())


def status_representation(status: LineStatus, tz: tzinfo) -> dict[str, Any]:
    """LineStatusSerializer's output, nested serializers included."""
    phase, exemption, change = status.phase, status.exemption, status.next_change
    return {
        "at": datetime_text(status.at, tz),
        "scheduled": status.scheduled.value,
        "effective": status.effective.value,
        "blocked": status.blocked,
        "rule": status.rule.value,
        "advice": status.advice.value,
        "phase": None
        if phase is None
        else {
            "id": phase.phase_id,
            "stage": phase.stage.value,
            "effective_at": datetime_text(phase.effective_at, tz),
        },
        "exemption": None
        if exemption is None
        else {
            "id": exemption.exemption_id,
            "starts_at": datetime_text(exemption.starts_at, tz),
            "ends_at": datetime_text(exemption.ends_at, tz),
        },
        "next_change": None
        if change is None
        else {
            "at": datetime_text(change.at, tz),
            "effective": change.effective.value,
            "rule": change.rule.value,
        },
    }


# ---------------------------------------------------------------------------
# Subscribers, lines, mailboxes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineWithStatus:
    line: Line
    status: LineStatus


class LineSerializer(serializers.Serializer):
    line_id = serializers.CharField(source="line.line_id")
    account_id = serializers.CharField(source="line.subscriber.account_id")
    access_service = serializers.CharField(source="line.line_group.access_service.code")
    line_group = serializers.CharField(source="line.line_group.code")
    ip_assignment = serializers.CharField(source="line.ip_assignment")
    ip_network = serializers.CharField(
        source="line.ip_network", help_text="A static line's address and prefix; empty if dynamic."
    )
    created_at = serializers.DateTimeField(source="line.created_at")
    status = LineStatusSerializer()

    def to_representation(self, instance: LineWithStatus) -> dict[str, Any]:
        tz = current_timezone()
        line = instance.line
        group = line.line_group
        return line_representation(
            line,
            account_id=line.subscriber.account_id,
            access_service=group.access_service.code,
            line_group=group.code,
            status=status_representation(instance.status, tz),
            tz=tz,
        )


# Read as attributes, so both a Line and a row of its values (a SimpleNamespace) will do; the
# model's own properties compute what is derived.
LINE_ROW_FIELDS = (
    "id",
    "line_id",
    "line_group_id",
    "ip_assignment",
    "ip_address",
    "ip_prefix_length",
    "created_at",
    "subscriber__account_id",
)
_ip_network = Line.ip_network.fget
line_static_ip = Line.static_ip.fget


def line_representation(
    line: Line | SimpleNamespace,
    *,
    account_id: str,
    access_service: str,
    line_group: str,
    status: dict[str, Any],
    tz: tzinfo,
) -> dict[str, Any]:
    """LineSerializer's output."""
    return {
        "line_id": line.line_id,
        "account_id": account_id,
        "access_service": access_service,
        "line_group": line_group,
        "ip_assignment": line.ip_assignment,
        "ip_network": _ip_network(line),
        "created_at": datetime_text(line.created_at, tz),
        "status": status,
    }


def line_rows_representation(
    rows: list[SimpleNamespace], statuses: list[LineStatus], groups: Mapping[int, GroupFacts]
) -> list[dict[str, Any]]:
    """LineSerializer(many=True)'s output for rows of LINE_ROW_FIELDS.

    Lines of one status object (see `line_statuses`) share its dict: the output is only read.
    """
    tz = current_timezone()
    written: dict[int, dict[str, Any]] = {}
    found = []
    for row, status in zip(rows, statuses, strict=True):
        key = id(status)  # `statuses` keeps each object alive, so its id stays its own
        if key not in written:
            written[key] = status_representation(status, tz)
        group = groups[row.line_group_id]
        found.append(
            line_representation(
                row,
                account_id=row.subscriber__account_id,
                access_service=group.service_code,
                line_group=group.code,
                status=written[key],
                tz=tz,
            )
        )
    return found


class SubmissionSettingsSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=SubmissionAccessState.choices)
    auth_methods = serializers.ListField(
        child=serializers.ChoiceField(choices=AuthMethod.choices),
        help_text="Empty means every method the submission service offers.",
    )
    reason = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField(allow_null=True)


_DEFAULT_SUBMISSION = {
    "state": SubmissionAccessState.ENABLED.value,
    "auth_methods": [],
    "reason": "",
    "updated_at": None,
}


class MailboxSerializer(serializers.ModelSerializer):
    account_id = serializers.CharField(source="subscriber.account_id")
    submission = serializers.SerializerMethodField()

    class Meta:
        model = Mailbox
        fields = ["address", "login", "account_id", "submission", "created_at"]

    @extend_schema_field(SubmissionSettingsSerializer)
    def get_submission(self, mailbox: Mailbox) -> dict:
        # No row means the service's defaults apply.
        access = getattr(mailbox, "submission_access", None)
        if access is None:
            return _DEFAULT_SUBMISSION
        return dict(SubmissionSettingsSerializer(access).data)


class SubscriberSerializer(serializers.ModelSerializer):
    preferred_language = serializers.ChoiceField(choices=Language.choices)
    # Set by accounts.selectors.subscriber_identifiers_attach: two queries for a whole page.
    line_ids = serializers.ListField(child=serializers.CharField(), read_only=True)
    mailboxes = serializers.ListField(
        child=serializers.CharField(), source="mailbox_addresses", read_only=True
    )

    class Meta:
        model = Subscriber
        fields = [
            "account_id",
            "name",
            "email",
            "preferred_language",
            "created_at",
            "line_ids",
            "mailboxes",
        ]

    def to_representation(self, instance: Subscriber) -> dict[str, Any]:
        return subscriber_representation(instance, current_timezone())


SUBSCRIBER_ROW_FIELDS = ("id", "account_id", "name", "email", "preferred_language", "created_at")


def subscriber_representation(
    subscriber: Subscriber | SimpleNamespace, tz: tzinfo
) -> dict[str, Any]:
    """SubscriberSerializer's output, for a subscriber or a row of SUBSCRIBER_ROW_FIELDS with
    `line_ids` and `mailbox_addresses` set (accounts.selectors.subscriber_identifiers_attach)."""
    return {
        "account_id": subscriber.account_id,
        "name": subscriber.name,
        "email": subscriber.email,
        "preferred_language": subscriber.preferred_language,
        "created_at": datetime_text(subscriber.created_at, tz),
        "line_ids": list(subscriber.line_ids),
        "mailboxes": list(subscriber.mailbox_addresses),
    }


def subscriber_rows_representation(rows: list[SimpleNamespace]) -> list[dict[str, Any]]:
    tz = current_timezone()
    return [subscriber_representation(row, tz) for row in rows]


class SubscriberDetailSerializer(serializers.ModelSerializer):
    preferred_language = serializers.ChoiceField(choices=Language.choices)
    lines = LineSerializer(many=True, source="lines_with_status")
    mailboxes = MailboxSerializer(many=True, source="mailbox_list")

    class Meta:
        model = Subscriber
        fields = [
            "account_id",
            "name",
            "email",
            "preferred_language",
            "created_at",
            "lines",
            "mailboxes",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Kept in the audit trail.")


# ---------------------------------------------------------------------------
# Exemptions and exemption requests
# ---------------------------------------------------------------------------


class ExemptionSerializer(serializers.ModelSerializer):
    line_id = serializers.CharField(source="line.line_id")
    account_id = serializers.CharField(source="line.subscriber.account_id")
    state = serializers.ChoiceField(choices=ExemptionState.choices)
    in_force_until = serializers.DateTimeField(allow_null=True)
    requested_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    revoked_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Exemption
        fields = [
            "id",
            "line_id",
            "account_id",
            "state",
            "reason",
            "server_host",
            "contact",
            "starts_at",
            "ends_at",
            "in_force_until",
            "requested_by",
            "requested_at",
            "terms_version",
            "terms_accepted_at",
            "decided_by",
            "decided_at",
            "decision_message",
            "revoked_by",
            "revoked_at",
        ]

    def to_representation(self, instance: Exemption) -> dict[str, Any]:
        """For an exemption with line__subscriber and the three users (as _EXEMPTIONS reads)."""
        return exemption_representation(
            instance,
            line_id=instance.line.line_id,
            account_id=instance.line.subscriber.account_id,
            requested_by=_username(instance.requested_by),
            decided_by=_username(instance.decided_by),
            revoked_by=_username(instance.revoked_by),
            tz=current_timezone(),
        )


def _username(user: User | None) -> str | None:
    return None if user is None else user.username


# A row of an exemption list: its own columns, and its line's IDs through one join. The
# users' names come from `usernames_by_id`: three more joins cost more to plan than a query.
EXEMPTION_ROW_FIELDS = (
    "id",
    "state",
    "reason",
    "server_host",
    "contact",
    "starts_at",
    "ends_at",
    "requested_by_id",
    "requested_at",
    "terms_version",
    "terms_accepted_at",
    "decided_by_id",
    "decided_at",
    "decision_message",
    "revoked_by_id",
    "revoked_at",
    "line__line_id",
    "line__subscriber__account_id",
)
EXEMPTION_ROW_USERS = ("requested_by_id", "decided_by_id", "revoked_by_id")
_in_force_until = Exemption.in_force_until.fget


def exemption_rows_representation(
    rows: list[SimpleNamespace], usernames: Mapping[int, str]
) -> list[dict[str, Any]]:
    """ExemptionSerializer(many=True)'s output for rows of EXEMPTION_ROW_FIELDS."""
    tz = current_timezone()
    return [
        exemption_representation(
            row,
            line_id=row.line__line_id,
            account_id=row.line__subscriber__account_id,
            requested_by=usernames.get(row.requested_by_id),
            decided_by=usernames.get(row.decided_by_id),
            revoked_by=usernames.get(row.revoked_by_id),
            tz=tz,
        )
        for row in rows
    ]


def exemption_representation(
    exemption: Exemption | SimpleNamespace,
    *,
    line_id: str,
    account_id: str,
    requested_by: str | None,
    decided_by: str | None,
    revoked_by: str | None,
    tz: tzinfo,
) -> dict[str, Any]:
    """ExemptionSerializer's output, given what it reads through the exemption's relations."""
    return {
        "id": exemption.id,
        "line_id": line_id,
        "account_id": account_id,
        "state": exemption.state,
        "reason": exemption.reason,
        "server_host": exemption.server_host,
        "contact": exemption.contact,
        "starts_at": datetime_text(exemption.starts_at, tz),
        "ends_at": datetime_text(exemption.ends_at, tz),
        "in_force_until": datetime_text(_in_force_until(exemption), tz),
        "requested_by": requested_by,
        "requested_at": datetime_text(exemption.requested_at, tz),
        "terms_version": exemption.terms_version,
        "terms_accepted_at": datetime_text(exemption.terms_accepted_at, tz),
        "decided_by": decided_by,
        "decided_at": datetime_text(exemption.decided_at, tz),
        "decision_message": exemption.decision_message,
        "revoked_by": revoked_by,
        "revoked_at": datetime_text(exemption.revoked_at, tz),
    }


class ExemptionGrantSerializer(serializers.Serializer):
    # A plain string, resolved by the view: a choice field would list every line in
    # the browsable API's form.
    line_id = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=2000)
    starts_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    ends_at = serializers.DateTimeField()
    server_host = serializers.CharField(max_length=253, required=False, default="")
    contact = serializers.CharField(max_length=200, required=False, default="")


class ExemptionExtendSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField(help_text="The new end; later than the current one.")
    reason = serializers.CharField(max_length=2000)


class ExemptionApproveSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField()
    message = serializers.CharField(
        max_length=2000, required=False, default="", help_text="Shown to the subscriber."
    )


class ExemptionDenySerializer(serializers.Serializer):
    message = serializers.CharField(max_length=2000, help_text="Shown to the subscriber.")


# ---------------------------------------------------------------------------
# The schedule and the destination list
# ---------------------------------------------------------------------------

SCHEDULABLE_STAGE_CHOICES = [(stage.value, stage.label) for stage in SCHEDULABLE_STAGES]


class PhaseSerializer(serializers.ModelSerializer):
    access_service = serializers.CharField(source="line_group.access_service.code")
    line_group = serializers.CharField(source="line_group.code")
    stage = serializers.ChoiceField(choices=SCHEDULABLE_STAGE_CHOICES)

    class Meta:
        model = RolloutPhase
        fields = ["id", "access_service", "line_group", "stage", "effective_at", "note"]


class PhaseScheduleSerializer(serializers.Serializer):
    access_service = serializers.CharField(max_length=32)
    line_group = serializers.CharField(max_length=32)
    stage = serializers.ChoiceField(choices=SCHEDULABLE_STAGE_CHOICES)
    effective_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000)


class DestinationEntrySerializer(serializers.ModelSerializer):
    destination_list = serializers.CharField(source="destination_list.slug")
    kind = serializers.ChoiceField(choices=DestinationKind.choices)

    class Meta:
        model = DestinationEntry
        fields = [
            "id",
            "destination_list",
            "carrier",
            "kind",
            "value",
            "include_subdomains",
            "source",
            "last_checked",
            "note",
        ]


class DestinationEntryAddSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=DestinationKind.choices)
    value = serializers.CharField(max_length=253)
    include_subdomains = serializers.BooleanField(default=False)
    source = serializers.CharField(max_length=300)
    note = serializers.CharField(max_length=300, required=False, default="")


# ---------------------------------------------------------------------------
# Sync changes (the outbox)
# ---------------------------------------------------------------------------


class SyncAttemptSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=SyncOutcome.choices)

    class Meta:
        model = SyncAttempt
        fields = ["started_at", "duration_ms", "status_code", "error", "outcome"]


class SyncChangeSerializer(serializers.ModelSerializer):
    backend = serializers.ChoiceField(choices=SyncBackend.choices)
    resource = serializers.ChoiceField(choices=SyncResource.choices)
    state = serializers.ChoiceField(choices=SyncChangeState.choices)
    account_id = serializers.CharField(source="subscriber.account_id", allow_null=True)
    payload = serializers.JSONField(help_text="The desired state sent to the backend.")

    class Meta:
        model = SyncChange
        fields = [
            "id",
            "backend",
            "resource",
            "resource_key",
            "version",
            "payload",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "last_status_code",
            "account_id",
            "created_at",
            "applied_at",
        ]


class SyncChangeDetailSerializer(SyncChangeSerializer):
    history = SyncAttemptSerializer(many=True)

    class Meta(SyncChangeSerializer.Meta):
        fields = [*SyncChangeSerializer.Meta.fields, "history"]


class SyncChangeCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    applied = serializers.IntegerField()
    failed = serializers.IntegerField()
    superseded = serializers.IntegerField()
