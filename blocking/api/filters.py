"""Query filters of the list endpoints: exact matches on indexed columns only."""

import django_filters
from django.db.models import QuerySet

from accounts.models import Line, Mailbox, Subscriber
from blocking.models import (
    DestinationEntry,
    DestinationKind,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccessState,
)
from blocking.stages import SCHEDULABLE_STAGES
from blocking.sync.models import SyncBackend, SyncChange, SyncResource, SyncState


class SubscriberFilter(django_filters.FilterSet):
    account_id = django_filters.CharFilter()
    email = django_filters.CharFilter()
    line_id = django_filters.CharFilter(field_name="lines__line_id")
    mailbox = django_filters.CharFilter(field_name="mailboxes__address", label="mailbox address")

    class Meta:
        model = Subscriber
        fields = ["account_id", "email", "line_id", "mailbox"]


class LineFilter(django_filters.FilterSet):
    account_id = django_filters.CharFilter(field_name="subscriber__account_id")
    access_service = django_filters.CharFilter(field_name="line_group__access_service__code")
    line_group = django_filters.CharFilter(field_name="line_group__code")

    class Meta:
        model = Line
        fields = ["account_id", "access_service", "line_group"]


class MailboxFilter(django_filters.FilterSet):
    account_id = django_filters.CharFilter(field_name="subscriber__account_id")
    submission_state = django_filters.ChoiceFilter(
        choices=SubmissionAccessState.choices, method="filter_submission_state"
    )

    class Meta:
        model = Mailbox
        fields = ["account_id", "submission_state"]

    def filter_submission_state(
        self, queryset: QuerySet[Mailbox], name: str, value: str
    ) -> QuerySet[Mailbox]:
        # A mailbox without its own row is enabled.
        suspended = SubmissionAccessState.SUSPENDED
        if value == suspended:
            return queryset.filter(submission_access__state=suspended)
        return queryset.exclude(submission_access__state=suspended)


class ExemptionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ExemptionState.choices)
    line_id = django_filters.CharFilter(field_name="line__line_id")
    account_id = django_filters.CharFilter(field_name="line__subscriber__account_id")

    class Meta:
        model = Exemption
        fields = ["state", "line_id", "account_id"]


class ExemptionRequestFilter(django_filters.FilterSet):
    line_id = django_filters.CharFilter(field_name="line__line_id")
    account_id = django_filters.CharFilter(field_name="line__subscriber__account_id")

    class Meta:
        model = Exemption
        fields = ["line_id", "account_id"]


class PhaseFilter(django_filters.FilterSet):
    access_service = django_filters.CharFilter(field_name="line_group__access_service__code")
    line_group = django_filters.CharFilter(field_name="line_group__code")
    stage = django_filters.ChoiceFilter(
        choices=[(stage.value, stage.label) for stage in SCHEDULABLE_STAGES]
    )

    class Meta:
        model = RolloutPhase
        fields = ["access_service", "line_group", "stage"]


class DestinationEntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DestinationKind.choices)
    carrier = django_filters.CharFilter()

    class Meta:
        model = DestinationEntry
        fields = ["kind", "carrier"]


class SyncChangeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SyncState.choices)
    backend = django_filters.ChoiceFilter(choices=SyncBackend.choices)
    resource = django_filters.ChoiceFilter(choices=SyncResource.choices)
    resource_key = django_filters.CharFilter()
    account_id = django_filters.CharFilter(field_name="subscriber__account_id")

    class Meta:
        model = SyncChange
        fields = ["state", "backend", "resource", "resource_key", "account_id"]
