"""What is blocked, from when, for whom: the schedule, the destination list,
exemptions, and the submission service on port 587.

Status is not here: it is computed by `blocking.policy.line_status`.
"""

import ipaddress
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Line, LineGroup, Mailbox
from blocking.stages import SCHEDULABLE_STAGES, Stage

domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a mail domain in lower case, such as docomo.ne.jp."),
)


class RolloutPhase(models.Model):
    """Line group G enters stage X at time T. The schedule is the set of phases."""

    line_group = models.ForeignKey(
        LineGroup, verbose_name=_("line group"), on_delete=models.CASCADE, related_name="phases"
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage)
    effective_at = models.DateTimeField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rollout phase")
        verbose_name_plural = _("rollout phases")
        ordering = ["effective_at", "line_group_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in SCHEDULABLE_STAGES]),
                name="phase_stage_schedulable",
            ),
            models.UniqueConstraint(
                fields=["line_group", "stage"], name="phase_one_per_stage_per_group"
            ),
        ]
        indexes = [models.Index(fields=["line_group", "effective_at"], name="phase_group_at_idx")]

    def __str__(self) -> str:
        return f"{self.line_group}: {self.stage} @ {self.effective_at:%Y-%m-%d %H:%M}"


class DestinationList(models.Model):
    """Mail destinations blocked in stage `mobile` (the mobile carriers' servers)."""

    MOBILE_CARRIERS = "mobile-carriers"

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("destination list")
        verbose_name_plural = _("destination lists")

    def __str__(self) -> str:
        return self.name


class DestinationKind(models.TextChoices):
    DOMAIN = "domain", _("Mail domain")
    NETWORK = "network", _("IP network")


class DestinationEntry(models.Model):
    """One carrier domain (for people) or inbound-mail network (what the network enforces)."""

    destination_list = models.ForeignKey(
        DestinationList,
        verbose_name=_("destination list"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    carrier = models.CharField(_("carrier"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=DestinationKind)
    value = models.CharField(_("value"), max_length=253)
    include_subdomains = models.BooleanField(_("includes subdomains"), default=False)
    source = models.CharField(_("source"), max_length=300)
    last_checked = models.DateField(_("last checked"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("destination entry")
        verbose_name_plural = _("destination entries")
        ordering = ["carrier", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination_list", "kind", "value"], name="destination_entry_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DestinationKind.values), name="destination_entry_valid_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.value

    def clean(self) -> None:
        self.value = self.value.strip().lower()
        if self.kind == DestinationKind.DOMAIN:
            try:
                domain_validator(self.value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from None
        elif self.kind == DestinationKind.NETWORK:
            try:
                network = ipaddress.ip_network(self.value, strict=True)
            except ValueError:
                raise ValidationError(
                    {"value": _("Enter a network in CIDR form, such as 192.0.2.0/24.")}
                ) from None
            self.value = str(network)
            if self.include_subdomains:
                raise ValidationError(
                    {"include_subdomains": _("Only a mail domain can include subdomains.")}
                )


class ExemptionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
    DENIED = "denied", _("Denied")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Exemption(models.Model):
    """A line-level override that keeps port 25 open from `starts_at` until `ends_at`.

    Lifecycle: requested -> active (approved) or denied; active -> revoked or expired.
    A subscriber's request is an exemption in state `requested`.
    """

    line = models.ForeignKey(
        Line, verbose_name=_("line"), on_delete=models.CASCADE, related_name="exemptions"
    )
    state = models.CharField(
        _("state"), max_length=9, choices=ExemptionState, default=ExemptionState.REQUESTED
    )
    reason = models.TextField(_("reason"))
    server_host = models.CharField(
        _("mail server"),
        max_length=253,
        blank=True,
        help_text=_("The mail server the subscriber runs on this line, if any."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    terms_version = models.CharField(_("terms version"), max_length=32, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_message = models.TextField(
        _("message to the subscriber"), blank=True, help_text=_("Shown to the subscriber.")
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        permissions = [
            ("grant_long_exemption", _("Can grant exemptions beyond the agent limit")),
        ]
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ExemptionState.values), name="exemption_valid_state"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="exemption_ends_after_start"
            ),
            # At most one active exemption per line: an extension moves its end,
            # so two can never overlap.
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(state=ExemptionState.ACTIVE),
                name="exemption_one_active_per_line",
            ),
            models.CheckConstraint(
                condition=Q(state=ExemptionState.REVOKED, revoked_at__isnull=False)
                | ~Q(state=ExemptionState.REVOKED),
                name="exemption_revoked_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "ends_at"], name="exemption_state_ends_idx"),
            models.Index(fields=["line", "state"], name="exemption_line_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.state} {self.starts_at:%Y-%m-%d}..{self.ends_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An exemption must end after it starts.")})

    @property
    def in_force_until(self) -> datetime | None:
        """When port 25 stops being open because of this exemption (revocation cuts it short)."""
        if self.state in (ExemptionState.REQUESTED, ExemptionState.DENIED):
            return None
        if self.revoked_at and self.revoked_at < self.ends_at:
            return self.revoked_at
        return self.ends_at


class AuthMethod(models.TextChoices):
    POP_BEFORE_SMTP = "pop-before-smtp", _("POP before SMTP")
    SMTP_AUTH_STARTTLS = "smtp-auth-starttls", _("SMTP AUTH over STARTTLS")
    SMTP_AUTH_TLS = "smtp-auth-tls", _("SMTP AUTH over implicit TLS")


class SubmissionService(models.Model):
    """Submission Port 587 (and 465): how customers outside our lines send through us."""

    host = models.CharField(_("host"), max_length=253)
    port = models.PositiveIntegerField(
        _("submission port"),
        default=587,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
    )
    implicit_tls_port = models.PositiveIntegerField(
        _("implicit TLS port"),
        null=True,
        blank=True,
        default=465,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
        help_text=_("SMTP AUTH over implicit TLS (RFC 8314); empty if not offered."),
    )
    starts_at = models.DateTimeField(_("available from"))
    auth_methods = models.JSONField(_("authentication methods"), default=list)
    pop_before_smtp_window_minutes = models.PositiveSmallIntegerField(
        _("POP before SMTP window (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission service")
        verbose_name_plural = _("submission services")

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def clean(self) -> None:
        unknown = set(self.auth_methods or []) - set(AuthMethod.values)
        if unknown or not self.auth_methods:
            raise ValidationError(
                {
                    "auth_methods": _("Choose one or more of: %(methods)s.")
                    % {"methods": ", ".join(AuthMethod.values)}
                }
            )


class SubmissionAccessState(models.TextChoices):
    ENABLED = "enabled", _("Enabled")
    SUSPENDED = "suspended", _("Suspended")


class SubmissionAccess(models.Model):
    """A mailbox's own submission settings. No row means the service's defaults apply."""

    mailbox = models.OneToOneField(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.CASCADE,
        related_name="submission_access",
    )
    state = models.CharField(
        _("state"),
        max_length=9,
        choices=SubmissionAccessState,
        default=SubmissionAccessState.ENABLED,
    )
    auth_methods = models.JSONField(
        _("authentication methods"),
        default=list,
        blank=True,
        help_text=_("Empty means every method the submission service offers."),
    )
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission access")
        verbose_name_plural = _("submission access")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SubmissionAccessState.values),
                name="submission_access_valid_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox}: {self.state}"


from blocking.sync.models import (  # noqa: E402, F401 - the outbox's models belong to this app
    SyncAttempt,
    SyncChange,
    SyncCircuit,
    SyncReconciliation,
    SyncState,
)
