"""What the admin API reads and writes. Field names are the domain's words (design §2)."""

from dataclasses import dataclass

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Language, Line, Mailbox, Subscriber
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
from blocking.stages import SCHEDULABLE_STAGES, Stage
from blocking.sync.models import SyncAttempt, SyncBackend, SyncChange, SyncOutcome, SyncResource
from blocking.sync.models import SyncState as SyncChangeState

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
