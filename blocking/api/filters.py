"""Query filters of the list endpoints: exact matches on indexed columns only."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request

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


class ApiFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, skipped when the request names none of the view's filters.

    Unfiltered lists are the common request, and building the filter set's form and
    validating it cost more than the list's own query, to filter nothing. A parameter
    starting with a filter's name (a widget's suffixed part, say) still goes through it.
    """

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            key.startswith(name)
            for key in request.query_params
            for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


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
