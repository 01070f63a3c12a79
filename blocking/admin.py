"""The support desk's view of the schedule, the destination list, exemptions and submission."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import AuditedAdmin, LineGroupChoicesMixin
from accounts.audit import Actor
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
    SubmissionService,
)
from blocking.sync import outbox
from blocking.sync.models import SyncAttempt, SyncChange, SyncState
from blocking.sync.services import sync_change_retry


class SyncedAdmin(AuditedAdmin):
    """An admin edit of desired state tells the backends too: its sync change is
    recorded in the same transaction as the edit and its audit event."""

    def sync_target(self, obj: models.Model) -> models.Model | None:
        """The row whose backend resource the object belongs to (line, group, list...)."""
        raise NotImplementedError

    def sync(self, target: models.Model) -> None:
        raise NotImplementedError

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        previous = None
        if change:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            previous = self.sync_target(old) if old is not None else None
        super().save_model(request, obj, form, change)
        target = self.sync_target(obj)
        if previous is not None and previous != target:
            self.sync(previous)  # moved to another line, group or list: both change
        if target is not None:
            self.sync(target)

    @transaction.atomic
    def delete_model(self, request, obj):
        target = self.sync_target(obj)
        super().delete_model(request, obj)
        if target is not None:
            self.sync(target)


@admin.register(RolloutPhase)
class RolloutPhaseAdmin(LineGroupChoicesMixin, SyncedAdmin):
    list_display = ("line_group", "stage", "effective_at", "note")
    list_filter = ("stage", "line_group__access_service")
    list_select_related = ("line_group__access_service",)

    def sync_target(self, obj):
        return obj.line_group

    def sync(self, target):
        outbox.schedule_changed(line_group=target)


class DestinationEntryInline(admin.TabularInline):
    model = DestinationEntry
    fields = ("carrier", "kind", "value", "include_subdomains", "source", "last_checked", "note")
    extra = 0


@admin.register(DestinationList)
class DestinationListAdmin(AuditedAdmin):
    list_display = ("name", "slug", "entry_count")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (DestinationEntryInline,)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        # The entries (inlines) are saved after the list itself: tell the backend after them.
        super().save_related(request, form, formsets, change)
        outbox.destination_list_changed(destination_list=form.instance)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, obj: DestinationList) -> int:
        return obj.entry_count  # type: ignore[attr-defined]


@admin.register(DestinationEntry)
class DestinationEntryAdmin(SyncedAdmin):
    list_display = (
        "carrier",
        "kind",
        "value",
        "include_subdomains",
        "source",
        "last_checked",
        "destination_list",
    )
    list_filter = ("kind", "carrier", "destination_list")
    list_select_related = ("destination_list",)
    search_fields = ("value", "carrier")

    def sync_target(self, obj):
        return obj.destination_list

    def sync(self, target):
        outbox.destination_list_changed(destination_list=target)


@admin.register(Exemption)
class ExemptionAdmin(SyncedAdmin):
    list_display = ("line", "state", "starts_at", "ends_at", "requested_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("line", "decided_by")
    date_hierarchy = "ends_at"
    search_fields = ("=line__line_id", "=line__subscriber__account_id")
    search_help_text = _("Finds a line ID or account ID (the whole value, in any case).")
    raw_id_fields = ("line", "requested_by", "decided_by", "revoked_by")
    readonly_fields = ("requested_at", "decided_at", "revoked_at")
    fieldsets = (
        (None, {"fields": ("line", "state", "starts_at", "ends_at")}),
        (
            _("Request"),
            {
                "fields": (
                    "reason",
                    "server_host",
                    "contact",
                    "requested_by",
                    "requested_at",
                    "terms_version",
                    "terms_accepted_at",
                )
            },
        ),
        (
            _("Decision"),
            {
                "fields": (
                    "decided_by",
                    "decided_at",
                    "decision_message",
                    "revoked_by",
                    "revoked_at",
                )
            },
        ),
    )
    show_full_result_count = False

    def sync_target(self, obj):
        return obj.line

    def sync(self, target):
        outbox.line_exemption_changed(line=target)

    def save_model(self, request, obj, form, change):
        # The decision and revocation times are read-only here, so stamp them when
        # the state moves (a revoked exemption must say when it was revoked).
        if "state" in form.changed_data:
            now = timezone.now()
            if obj.state in (ExemptionState.ACTIVE, ExemptionState.DENIED):
                obj.decided_at = obj.decided_at or now
                obj.decided_by = obj.decided_by or request.user
            elif obj.state == ExemptionState.REVOKED:
                obj.revoked_at = obj.revoked_at or now
                obj.revoked_by = obj.revoked_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(SubmissionService)
class SubmissionServiceAdmin(SyncedAdmin):
    list_display = ("host", "port", "implicit_tls_port", "starts_at", "updated_at")
    readonly_fields = ("updated_at",)

    def sync_target(self, obj):
        return obj

    def sync(self, target):
        if SubmissionService.objects.filter(pk=target.pk).exists():
            outbox.submission_service_changed(service=target)


@admin.register(SubmissionAccess)
class SubmissionAccessAdmin(SyncedAdmin):
    list_display = ("mailbox", "state", "updated_at")
    list_filter = ("state",)
    list_select_related = ("mailbox",)
    search_fields = ("=mailbox__address",)
    search_help_text = _("Finds a mailbox address (the whole value, in any case).")
    raw_id_fields = ("mailbox",)
    readonly_fields = ("updated_at",)
    show_full_result_count = False

    def sync_target(self, obj):
        return obj.mailbox

    def sync(self, target):
        outbox.mailbox_submission_changed(mailboxes=[target])


# ---------------------------------------------------------------------------
# Backend sync: what was sent, what the backends said. Read-only but for retries.
# ---------------------------------------------------------------------------


class SyncAttemptInline(admin.TabularInline):
    model = SyncAttempt
    fields = ("started_at", "duration_ms", "status_code", "outcome", "error")
    readonly_fields = fields
    ordering = ("-started_at", "-id")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncChange)
class SyncChangeAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "backend",
        "resource",
        "resource_key",
        "version",
        "state",
        "attempts",
        "last_status_code",
        "applied_at",
    )
    list_filter = ("state", "backend", "resource")
    search_fields = ("=resource_key", "=subscriber__account_id")
    search_help_text = _("Finds a line ID, mailbox address, list or line group key, or account ID.")
    readonly_fields = (
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
        "subscriber",
        "created_at",
        "applied_at",
    )
    list_select_related = ("subscriber",)
    inlines = (SyncAttemptInline,)
    actions = ("retry",)
    show_full_result_count = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing is enough; changes happen through the retry action only.
        return False

    def has_retry_permission(self, request):
        # Retrying changes nothing staff decided, but an auditor still only reads.
        return request.user.has_perm("blocking.change_syncchange")

    @admin.action(description=_("Retry the selected failed changes"), permissions=["retry"])
    def retry(self, request, queryset):
        actor = Actor.from_request(request)
        retried = 0
        for change in queryset.filter(state=SyncState.FAILED):
            try:
                sync_change_retry(change=change, actor=actor)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.WARNING)
            else:
                retried += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d failed change queued again.",
                "%(count)d failed changes queued again.",
                retried,
            )
            % {"count": retried},
        )
