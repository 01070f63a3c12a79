"""The support desk's view of the schedule, the destination list, exemptions and submission."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin, LineGroupChoicesMixin
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
    SubmissionService,
)


@admin.register(RolloutPhase)
class RolloutPhaseAdmin(LineGroupChoicesMixin, AuditedAdmin):
    list_display = ("line_group", "stage", "effective_at", "note")
    list_filter = ("stage", "line_group__access_service")
    list_select_related = ("line_group__access_service",)


class DestinationEntryInline(admin.TabularInline):
    model = DestinationEntry
    fields = ("carrier", "kind", "value", "include_subdomains", "source", "last_checked", "note")
    extra = 0


@admin.register(DestinationList)
class DestinationListAdmin(AuditedAdmin):
    list_display = ("name", "slug", "entry_count")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (DestinationEntryInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, obj: DestinationList) -> int:
        return obj.entry_count  # type: ignore[attr-defined]


@admin.register(DestinationEntry)
class DestinationEntryAdmin(AuditedAdmin):
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


@admin.register(Exemption)
class ExemptionAdmin(AuditedAdmin):
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
class SubmissionServiceAdmin(AuditedAdmin):
    list_display = ("host", "port", "implicit_tls_port", "starts_at", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(SubmissionAccess)
class SubmissionAccessAdmin(AuditedAdmin):
    list_display = ("mailbox", "state", "updated_at")
    list_filter = ("state",)
    list_select_related = ("mailbox",)
    search_fields = ("=mailbox__address",)
    search_help_text = _("Finds a mailbox address (the whole value, in any case).")
    raw_id_fields = ("mailbox",)
    readonly_fields = ("updated_at",)
    show_full_result_count = False
