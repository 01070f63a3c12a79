"""The support desk's view of logins, subscribers, lines, mailboxes and the audit trail.

Sized for a million subscribers: no change list counts the whole table, every
foreign key shown in a list is fetched with its row, a line's OP25B status is
computed for a whole page in a constant number of queries, and a subscriber is
found by a line or mailbox of theirs without joining those tables.
"""

from datetime import datetime

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audit_snapshot, request_source_ip
from accounts.models import AccessService, AuditEvent, Line, LineGroup, Mailbox, Subscriber, User
from blocking.policy import LineStatus, Rule
from blocking.presentation import RULE_LABELS
from blocking.selectors import lines_with_status

# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------


class LineGroupChoicesMixin:
    """Offer line groups with their access service, so each choice's name costs no query."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is LineGroup and "queryset" not in kwargs:
            kwargs["queryset"] = LineGroup.objects.select_related("access_service")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class LineGroupListFilter(admin.RelatedFieldListFilter):
    """The line-group filter, its choices named in one query rather than one per group."""

    def field_choices(self, field, request, model_admin):
        return [
            (group.pk, str(group)) for group in LineGroup.objects.select_related("access_service")
        ]


class AuditedAdmin(admin.ModelAdmin):
    """Every change made through the admin is written to the audit trail too."""

    def _subscriber_of(self, obj: models.Model) -> Subscriber | None:
        for path in ("subscriber", "line.subscriber", "mailbox.subscriber"):
            target: object = obj
            for part in path.split("."):
                target = getattr(target, part, None)
            if isinstance(target, Subscriber):
                return target
        return obj if isinstance(obj, Subscriber) else None

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = audit_snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            subscriber=self._subscriber_of(obj),
            before=before,
            after=audit_snapshot(obj),
            source_ip=request_source_ip(request),
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="admin.delete",
            obj=obj,
            subscriber=self._subscriber_of(obj) if not isinstance(obj, Subscriber) else None,
            before=audit_snapshot(obj),
            source_ip=request_source_ip(request),
        )
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# ---------------------------------------------------------------------------
# Logins
# ---------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    show_full_result_count = False  # a login per subscriber: a million rows


# ---------------------------------------------------------------------------
# Subscribers, with their lines and mailboxes
# ---------------------------------------------------------------------------


class LineInline(LineGroupChoicesMixin, admin.TabularInline):
    model = Line
    fields = ("line_id", "line_group", "ip_assignment", "ip_address", "ip_prefix_length")
    autocomplete_fields = ("line_group",)
    show_change_link = True
    extra = 0


class MailboxInline(admin.TabularInline):
    model = Mailbox
    fields = ("address", "login")
    show_change_link = True
    extra = 0


def _search_lookup(field_name: str) -> str:
    """The ORM lookup of a `search_fields` entry, with Django's prefixes (^ = @)."""
    if field_name.startswith("^"):
        return f"{field_name[1:]}__istartswith"
    if field_name.startswith("="):
        return f"{field_name[1:]}__iexact"
    if field_name.startswith("@"):
        return f"{field_name[1:]}__search"
    return f"{field_name}__icontains"


@admin.register(Subscriber)
class SubscriberAdmin(AuditedAdmin):
    list_display = ("account_id", "name", "email", "preferred_language", "created_at")
    list_filter = ("preferred_language",)
    search_fields = (
        "=account_id",
        "name",
        "=email",
        "=lines__line_id",
        "=mailboxes__address",
        "=lines__ip_address",
    )
    search_help_text = _(
        "Finds an account ID, line ID, mailbox address, contact e-mail or static IP "
        "address (the whole value, in any case), or a part of the name."
    )
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)
    inlines = (LineInline, MailboxInline)
    show_full_result_count = False  # a million subscribers: never count them all

    def get_search_results(self, request, queryset, search_term):
        """Django's search, except that a line or mailbox is searched in its own table.

        `lines__line_id` becomes `pk IN (SELECT subscriber_id FROM line WHERE ...)`
        rather than a join, so a subscriber with several lines and mailboxes is one
        row and the list needs no DISTINCT over a million subscribers.
        """
        search_fields = self.get_search_fields(request)
        if not (search_fields and search_term):
            return queryset, False
        lookups = [_search_lookup(str(field)) for field in search_fields]
        terms = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            term = Q()
            for lookup in lookups:
                relation_name, _sep, rest = lookup.partition("__")
                relation = self.opts.get_field(relation_name)
                if relation.one_to_many:
                    matches = relation.related_model._default_manager.filter(**{rest: bit})
                    term |= Q(pk__in=matches.values(relation.field.attname))
                else:
                    term |= Q(**{lookup: bit})
            terms.append(term)
        return queryset.filter(*terms), False


# ---------------------------------------------------------------------------
# What we sell
# ---------------------------------------------------------------------------


@admin.register(AccessService)
class AccessServiceAdmin(AuditedAdmin):
    list_display = ("code", "name", "op25b_in_scope", "blocks_static_ip")
    list_filter = ("op25b_in_scope", "blocks_static_ip")
    search_fields = ("code", "name")


@admin.register(LineGroup)
class LineGroupAdmin(AuditedAdmin):
    list_display = ("code", "name", "access_service")
    list_filter = ("access_service",)
    list_select_related = ("access_service",)
    search_fields = ("code", "name", "access_service__name")  # also the inline's autocomplete

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete names each group with its service: fetch it with the group.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("access_service"), may_have_duplicates


# ---------------------------------------------------------------------------
# Lines and their OP25B status
# ---------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return formats.localize(timezone.localtime(moment))


def _attach_statuses(lines: list[Line], at: datetime) -> None:
    """Compute the status of these lines (two queries however many) and keep it on each."""
    for line, status in lines_with_status(lines=lines, at=at):
        line._admin_status = status  # type: ignore[attr-defined]


def _status(line: Line) -> LineStatus | None:
    """The line's status now: precomputed for a change list page, else computed here."""
    if line.pk is None:
        return None
    if getattr(line, "_admin_status", None) is None:
        _attach_statuses([line], timezone.now())
    return line._admin_status  # type: ignore[attr-defined]


@admin.register(Line)
class LineAdmin(LineGroupChoicesMixin, AuditedAdmin):
    list_display = (
        "line_id",
        "subscriber",
        "line_group",
        "ip_assignment",
        "static_address",
        "status_now",
    )
    list_filter = (
        "line_group__access_service",
        ("line_group", LineGroupListFilter),
        "ip_assignment",
    )
    list_select_related = ("subscriber", "line_group__access_service")
    search_fields = ("=line_id", "=ip_address", "=subscriber__account_id")
    search_help_text = _(
        "Finds a line ID, static IP address or account ID (the whole value, in any case)."
    )
    raw_id_fields = ("subscriber",)
    readonly_fields = ("created_at", "status_now", "status_rule", "status_next_change")
    fieldsets = (
        (None, {"fields": ("line_id", "subscriber", "line_group", "created_at")}),
        (_("Address"), {"fields": ("ip_assignment", "ip_address", "ip_prefix_length")}),
        (
            _("Port 25 now"),
            {"fields": ("status_now", "status_rule", "status_next_change")},
        ),
    )
    show_full_result_count = False

    def get_queryset(self, request):
        # The change form computes the status, which needs the line's service. (A
        # select_related here makes the change list skip list_select_related, so
        # this names the same relations.)
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:-1]  # no status before it exists

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if "status_now" in changelist.list_display:
            # Evaluate the page once here; the template reuses these very instances.
            _attach_statuses(list(changelist.result_list), timezone.now())
        return changelist

    @admin.display(description=_("static IP address"))
    def static_address(self, obj: Line) -> str | None:
        return obj.ip_network or None  # None shows the admin's empty value

    @admin.display(description=_("Status now"))
    def status_now(self, obj: Line) -> str:
        status = _status(obj)
        return status.effective.label if status else ""

    @admin.display(description=_("Why"))
    def status_rule(self, obj: Line) -> str:
        status = _status(obj)
        if status is None:
            return ""
        rule = RULE_LABELS[status.rule]
        if status.rule is Rule.PHASE and status.phase is not None:
            return _("%(rule)s, since %(at)s") % {
                "rule": rule,
                "at": _when(status.phase.effective_at),
            }
        if status.rule is Rule.EXEMPTION and status.exemption is not None:
            return _("%(rule)s, until %(at)s") % {
                "rule": rule,
                "at": _when(status.exemption.ends_at),
            }
        return str(rule)

    @admin.display(description=_("Next change"))
    def status_next_change(self, obj: Line) -> str:
        status = _status(obj)
        if status is None:
            return ""
        change = status.next_change
        if change is None:
            return str(_("None scheduled"))
        return _("%(at)s: %(stage)s (%(rule)s)") % {
            "at": _when(change.at),
            "stage": change.effective.label,
            "rule": RULE_LABELS[change.rule],
        }


# ---------------------------------------------------------------------------
# Mailboxes
# ---------------------------------------------------------------------------


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin):
    list_display = ("address", "login", "subscriber", "created_at")
    list_select_related = ("subscriber",)
    search_fields = ("=address", "=login", "=subscriber__account_id")
    search_help_text = _(
        "Finds a mailbox address, POP/IMAP login or account ID (the whole value, in any case)."
    )
    raw_id_fields = ("subscriber",)
    readonly_fields = ("created_at",)
    show_full_result_count = False


# ---------------------------------------------------------------------------
# The audit trail: read-only here, as everywhere
# ---------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "subscriber")
    list_filter = ("action", "object_type")
    list_select_related = ("subscriber",)
    date_hierarchy = "at"
    search_fields = ("actor_label", "=object_id", "=subscriber__account_id")
    search_help_text = _(
        "Finds part of the actor's name, or an object ID or account ID (the whole value)."
    )
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
