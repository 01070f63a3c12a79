"""The admin API's endpoints: parse, call one selector or service, serialize.

Every write goes through the same service function as the staff console (one
rule, two doors), which audits it under the client's name (`api:<key name>`) in
the same transaction.
"""

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, ClassVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Line, LineGroup, Mailbox, Subscriber
from accounts.selectors import subscriber_identifiers_attach
from blocking import services
from blocking.api import filters
from blocking.api import serializers as s
from blocking.api.authentication import request_actor
from blocking.api.errors import Conflict
from blocking.api.etags import exemption_etag, if_match_check
from blocking.api.idempotency import idempotent
from blocking.api.permissions import Access, ClientAccess, read
from blocking.console import roles
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
)
from blocking.selectors import (
    LineRef,
    group_facts_by_id,
    line_statuses,
    lines_with_status,
    subscriber_lines_with_status,
    usernames_by_id,
)
from blocking.sync import selectors as sync_selectors
from blocking.sync import services as sync_services

_NO_BODY = OpenApiResponse(description="Done; no body.")


class ApiView(generics.GenericAPIView):
    """Every endpoint: a key's scope or a verified staff member's permission, per method."""

    permission_classes = [ClientAccess]
    filter_backends = [filters.ApiFilterBackend]
    access: ClassVar[dict[str, Access]] = {}
    if_match: ClassVar[bool] = False


def object_or_404[M: Model](queryset: QuerySet[M], **lookup: Any) -> M:
    # A NUL byte cannot be in any stored value, and PostgreSQL refuses to compare it.
    if any("\x00" in str(value) for value in lookup.values()):
        raise exceptions.NotFound()
    found = queryset.filter(**lookup).first()
    if found is None:
        raise exceptions.NotFound()
    return found


class AtQuerySerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="Status at this moment; default now.")


AT_PARAMETER = OpenApiParameter(
    "at", datetime, description="Compute the status at this moment instead of now."
)


def _status_at(request: Request) -> datetime:
    if "at" not in request.query_params:
        return timezone.now()  # what the serializer's validation comes to, at less cost
    query = AtQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("at") or timezone.now()


# ---------------------------------------------------------------------------
# Subscribers, lines, mailboxes
# ---------------------------------------------------------------------------


class SubscriberList(ApiView, generics.ListAPIView):
    """Subscribers, by account ID. Filter by account ID, e-mail, line ID or mailbox."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.SubscriberSerializer
    filterset_class = filters.SubscriberFilter
    ordering = "account_id"
    queryset = Subscriber.objects.all()

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows of values, not models (they cost more than the queries); the selector reads
        # `pk` and sets the two lists, which a row does as well as a Subscriber.
        subscribers = self.filter_queryset(self.get_queryset()).values(*s.SUBSCRIBER_ROW_FIELDS)
        page = self.paginate_queryset(subscribers) or []
        rows = [SimpleNamespace(pk=row["id"], **row) for row in page]
        subscriber_identifiers_attach(subscribers=rows)  # type: ignore[arg-type]
        return self.get_paginated_response(s.subscriber_rows_representation(rows))


class SubscriberDetail(ApiView):
    """One subscriber with their lines (and each line's status now) and mailboxes."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.SubscriberDetailSerializer

    @extend_schema(parameters=[AT_PARAMETER])
    def get(self, request: Request, account_id: str) -> Response:
        at = _status_at(request)
        subscriber = object_or_404(Subscriber.objects.all(), account_id=account_id)
        subscriber.lines_with_status = [  # type: ignore[attr-defined]
            s.LineWithStatus(line, line_status)
            for line, line_status in subscriber_lines_with_status(subscriber=subscriber, at=at)
        ]
        subscriber.mailbox_list = list(  # type: ignore[attr-defined]
            subscriber.mailboxes.select_related("submission_access").order_by("address")
        )
        return Response(s.SubscriberDetailSerializer(subscriber).data)


_LINES = Line.objects.select_related("subscriber", "line_group__access_service")


class LineList(ApiView, generics.ListAPIView):
    """Lines with their status, computed now (never stored): a constant number of queries."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.LineSerializer
    filterset_class = filters.LineFilter
    ordering = "line_id"
    queryset = _LINES

    @extend_schema(parameters=[AT_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        at = _status_at(request)
        # Rows of values, not Lines: the page's models cost more than its queries. The line
        # groups, their services and schedule come in one query for the whole page.
        lines = self.filter_queryset(self.get_queryset()).values(*s.LINE_ROW_FIELDS)
        rows = [SimpleNamespace(**row) for row in self.paginate_queryset(lines) or []]
        groups = group_facts_by_id(group_ids={row.line_group_id for row in rows})
        statuses = line_statuses(
            lines=[LineRef(row.id, row.line_group_id, s.line_static_ip(row)) for row in rows],
            groups=groups,
            at=at,
        )
        return self.get_paginated_response(s.line_rows_representation(rows, statuses, groups))


class LineDetail(ApiView):
    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.LineSerializer

    @extend_schema(parameters=[AT_PARAMETER])
    def get(self, request: Request, line_id: str) -> Response:
        at = _status_at(request)
        line = object_or_404(_LINES, line_id=line_id)
        [(line, line_status)] = lines_with_status(lines=[line], at=at)
        return Response(s.LineSerializer(s.LineWithStatus(line, line_status)).data)


_MAILBOXES = Mailbox.objects.select_related("subscriber", "submission_access")


class MailboxList(ApiView, generics.ListAPIView):
    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.MailboxSerializer
    filterset_class = filters.MailboxFilter
    ordering = "address"
    queryset = _MAILBOXES


class MailboxDetail(ApiView, generics.RetrieveAPIView):
    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.MailboxSerializer

    def get_object(self) -> Mailbox:
        return object_or_404(_MAILBOXES, address=self.kwargs["address"])


class _MailboxSubmissionChange(ApiView):
    access = {"POST": Access("mailboxes:write", roles.CHANGE_SUBMISSION_ACCESS)}
    serializer_class = s.ReasonSerializer
    service = staticmethod(services.submission_access_suspend)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.MailboxSerializer})
    @idempotent
    def post(self, request: Request, address: str) -> Response:
        mailbox = object_or_404(_MAILBOXES, address=address)
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self.service(mailbox=mailbox, actor=request_actor(request), **body.validated_data)
        return Response(s.MailboxSerializer(_MAILBOXES.get(pk=mailbox.pk)).data)


class MailboxSuspend(_MailboxSubmissionChange):
    """Stop the mailbox sending through port 587 (e.g. a hijacked account)."""

    service = staticmethod(services.submission_access_suspend)


class MailboxRestore(_MailboxSubmissionChange):
    """Let the mailbox send through port 587 again."""

    service = staticmethod(services.submission_access_restore)


# ---------------------------------------------------------------------------
# Exemptions and exemption requests
# ---------------------------------------------------------------------------

_EXEMPTIONS = Exemption.objects.select_related(
    "line__subscriber", "requested_by", "decided_by", "revoked_by"
)


def _exemption_response(exemption: Exemption, *, code: int = status.HTTP_200_OK) -> Response:
    exemption = _EXEMPTIONS.get(pk=exemption.pk)
    return Response(
        s.ExemptionSerializer(exemption).data,
        status=code,
        headers={"ETag": exemption_etag(exemption)},
    )


class _ExemptionRows(generics.ListAPIView):
    """GET of an exemption list: rows of values, not models (they cost more than the queries)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exemptions = self.filter_queryset(self.get_queryset()).values(*s.EXEMPTION_ROW_FIELDS)
        rows = [SimpleNamespace(**row) for row in self.paginate_queryset(exemptions) or []]
        users = usernames_by_id(
            ids=[getattr(row, field) for row in rows for field in s.EXEMPTION_ROW_USERS]
        )
        return self.get_paginated_response(s.exemption_rows_representation(rows, users))


class ExemptionList(ApiView, _ExemptionRows):
    """Exemptions, newest first; POST grants one (active from `starts_at`, default now)."""

    access = {
        "GET": Access("read", roles.VIEW_CONSOLE),
        "POST": Access("exemptions:write", roles.GRANT_EXEMPTION),
    }
    filterset_class = filters.ExemptionFilter
    ordering = "-id"
    queryset = _EXEMPTIONS

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.request is not None and self.request.method == "POST":
            return s.ExemptionGrantSerializer
        return s.ExemptionSerializer

    @extend_schema(request=s.ExemptionGrantSerializer, responses={201: s.ExemptionSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        body = s.ExemptionGrantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        line = Line.objects.filter(line_id=data.pop("line_id")).first()
        if line is None:
            raise exceptions.ValidationError({"line_id": [_("No line has this line ID.")]})
        exemption = services.exemption_grant(line=line, actor=request_actor(request), **data)
        return _exemption_response(exemption, code=status.HTTP_201_CREATED)


class ExpiringQuerySerializer(serializers.Serializer):
    within_days = serializers.IntegerField(min_value=1, max_value=366, default=14)


class ExemptionExpiringList(ApiView, _ExemptionRows):
    """Active exemptions that end within `within_days` days, soonest first."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.ExemptionSerializer
    ordering = "ends_at"

    def get_queryset(self) -> QuerySet[Exemption]:
        query = ExpiringQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        until = timezone.now() + timedelta(days=query.validated_data["within_days"])
        return _EXEMPTIONS.filter(state=ExemptionState.ACTIVE, ends_at__lt=until)

    @extend_schema(parameters=[OpenApiParameter("within_days", int, description="1-366; 14.")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ExemptionDetail(ApiView):
    """One exemption, with its ETag for If-Match on extend and revoke."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.ExemptionSerializer

    def get(self, request: Request, pk: int) -> Response:
        return _exemption_response(object_or_404(_EXEMPTIONS, pk=pk))


class _ExemptionChange(ApiView):
    """A change to an exemption two people may make at once: If-Match guards it."""

    access = {"POST": Access("exemptions:write", roles.CHANGE_EXEMPTION)}
    if_match = True

    def change(self, request: Request, exemption: Exemption, data: dict[str, Any]) -> Exemption:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        exemption = object_or_404(Exemption.objects.all(), pk=pk)
        with transaction.atomic():
            # The line's lock (taken first, as the services take it) makes the
            # ETag compared here the one the service then changes.
            Line.objects.select_for_update().filter(pk=exemption.line_id).first()
            exemption = _EXEMPTIONS.get(pk=pk)
            if_match_check(request, etag=exemption_etag(exemption))
            exemption = self.change(request, exemption, body.validated_data)
        return _exemption_response(exemption)


class ExemptionExtend(_ExemptionChange):
    """Move an active exemption's end later."""

    serializer_class = s.ExemptionExtendSerializer

    def change(self, request: Request, exemption: Exemption, data: dict[str, Any]) -> Exemption:
        return services.exemption_extend(exemption=exemption, actor=request_actor(request), **data)

    @extend_schema(request=s.ExemptionExtendSerializer, responses={200: s.ExemptionSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ExemptionRevoke(_ExemptionChange):
    """End an active exemption now."""

    serializer_class = s.ReasonSerializer

    def change(self, request: Request, exemption: Exemption, data: dict[str, Any]) -> Exemption:
        return services.exemption_revoke(exemption=exemption, actor=request_actor(request), **data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.ExemptionSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ExemptionRequestList(ApiView, _ExemptionRows):
    """Subscribers' requests waiting for a decision, oldest first."""

    access = read(roles.VIEW_CONSOLE)
    serializer_class = s.ExemptionSerializer
    filterset_class = filters.ExemptionRequestFilter
    ordering = "id"
    queryset = _EXEMPTIONS.filter(state=ExemptionState.REQUESTED)


class ExemptionApprove(_ExemptionChange):
    """Accept a request: the exemption is active from now until `ends_at`."""

    serializer_class = s.ExemptionApproveSerializer

    def change(self, request: Request, exemption: Exemption, data: dict[str, Any]) -> Exemption:
        return services.exemption_approve(exemption=exemption, actor=request_actor(request), **data)

    @extend_schema(request=s.ExemptionApproveSerializer, responses={200: s.ExemptionSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ExemptionDeny(_ExemptionChange):
    """Refuse a request, telling the subscriber why."""

    serializer_class = s.ExemptionDenySerializer

    def change(self, request: Request, exemption: Exemption, data: dict[str, Any]) -> Exemption:
        return services.exemption_deny(exemption=exemption, actor=request_actor(request), **data)

    @extend_schema(request=s.ExemptionDenySerializer, responses={200: s.ExemptionSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


# ---------------------------------------------------------------------------
# The schedule and the destination list
# ---------------------------------------------------------------------------

_PHASES = RolloutPhase.objects.select_related("line_group__access_service")


class PhaseList(ApiView, generics.ListAPIView):
    """The schedule: every line group's phases by start. POST adds a phase or moves it."""

    access = {
        "GET": Access("read", roles.VIEW_SCHEDULE),
        "POST": Access("schedule:write", roles.CHANGE_SCHEDULE),
    }
    filterset_class = filters.PhaseFilter
    ordering = ("effective_at", "id")
    queryset = _PHASES

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.request is not None and self.request.method == "POST":
            return s.PhaseScheduleSerializer
        return s.PhaseSerializer

    @extend_schema(
        request=s.PhaseScheduleSerializer,
        responses={200: s.PhaseSerializer, 201: s.PhaseSerializer},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = s.PhaseScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        line_group = LineGroup.objects.filter(
            access_service__code=data.pop("access_service"), code=data.pop("line_group")
        ).first()
        if line_group is None:
            raise exceptions.ValidationError(
                {"line_group": [_("No line group has this code on this access service.")]}
            )
        existed = RolloutPhase.objects.filter(line_group=line_group, stage=data["stage"]).exists()
        phase = services.phase_schedule(line_group=line_group, actor=request_actor(request), **data)
        return Response(
            s.PhaseSerializer(_PHASES.get(pk=phase.pk)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class PhaseDetail(ApiView, generics.RetrieveAPIView):
    access = read(roles.VIEW_SCHEDULE)
    serializer_class = s.PhaseSerializer
    queryset = _PHASES


class PhaseRemove(ApiView):
    """Take a phase out of the schedule (the one way to undo blocking by data)."""

    access = {"POST": Access("schedule:write", roles.CHANGE_SCHEDULE)}
    serializer_class = s.ReasonSerializer

    @extend_schema(request=s.ReasonSerializer, responses={204: _NO_BODY})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        phase = object_or_404(RolloutPhase.objects.all(), pk=pk)
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.phase_remove(phase=phase, actor=request_actor(request), **body.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


_ENTRIES = DestinationEntry.objects.select_related("destination_list").filter(
    destination_list__slug=DestinationList.MOBILE_CARRIERS
)


class DestinationEntryList(ApiView, generics.ListAPIView):
    """The mobile carriers' mail domains and networks blocked in stage `mobile`."""

    access = {
        "GET": Access("read", roles.VIEW_DESTINATIONS),
        "POST": Access("destinations:write", roles.CHANGE_DESTINATIONS),
    }
    filterset_class = filters.DestinationEntryFilter
    ordering = "id"
    queryset = _ENTRIES

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.request is not None and self.request.method == "POST":
            return s.DestinationEntryAddSerializer
        return s.DestinationEntrySerializer

    @extend_schema(
        request=s.DestinationEntryAddSerializer, responses={201: s.DestinationEntrySerializer}
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = s.DestinationEntryAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        destination_list = DestinationList.objects.filter(
            slug=DestinationList.MOBILE_CARRIERS
        ).first()
        if destination_list is None:
            raise Conflict(_("The destination list does not exist yet."))
        entry = services.destination_entry_add(
            destination_list=destination_list,
            actor=request_actor(request),
            **body.validated_data,
        )
        return Response(s.DestinationEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class DestinationEntryDetail(ApiView, generics.RetrieveAPIView):
    access = read(roles.VIEW_DESTINATIONS)
    serializer_class = s.DestinationEntrySerializer
    queryset = _ENTRIES


class DestinationEntryRemove(ApiView):
    """Take an entry off the destination list."""

    access = {"POST": Access("destinations:write", roles.CHANGE_DESTINATIONS)}
    serializer_class = s.ReasonSerializer

    @extend_schema(request=s.ReasonSerializer, responses={204: _NO_BODY})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        entry = object_or_404(_ENTRIES, pk=pk)
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.destination_entry_remove(
            entry=entry, actor=request_actor(request), **body.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------
# Sync changes (the outbox towards the backends)
# ---------------------------------------------------------------------------


class SyncChangeList(ApiView, generics.ListAPIView):
    """What the backends were or are to be told, newest first."""

    access = read(roles.VIEW_SYNC)
    serializer_class = s.SyncChangeSerializer
    filterset_class = filters.SyncChangeFilter
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Any]:
        return sync_selectors.sync_changes_list()


class SyncChangeCounts(ApiView):
    """How many sync changes are in each state."""

    access = read(roles.VIEW_SYNC)
    serializer_class = s.SyncChangeCountsSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        return Response(s.SyncChangeCountsSerializer(sync_selectors.sync_change_counts()).data)


class SyncChangeDetail(ApiView, generics.RetrieveAPIView):
    access = read(roles.VIEW_SYNC)
    serializer_class = s.SyncChangeDetailSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return sync_selectors.sync_changes_list().prefetch_related("history")


class SyncChangeRetry(ApiView):
    """Send a failed change again: it goes back to pending."""

    access = {"POST": Access("sync:write", roles.RETRY_SYNC)}
    serializer_class = s.SyncChangeSerializer

    @extend_schema(request=None, responses={200: s.SyncChangeSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        change = object_or_404(sync_selectors.sync_changes_list(), pk=pk)
        sync_services.sync_change_retry(change=change, actor=request_actor(request))
        return Response(s.SyncChangeSerializer(sync_selectors.sync_changes_list().get(pk=pk)).data)
