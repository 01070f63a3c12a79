"""The outbox: sync changes (what a backend must be told) and their delivery history.

A sync change is the full desired state of one backend resource at the moment it
was recorded, with a version that only grows per resource. Delivery is at least
once; the backend ignores (409) a version it already has or has passed, so
repeats and reorderings have no effect.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Subscriber


class SyncBackend(models.TextChoices):
    NETWORK = "network", _("Network backend")
    MAIL = "mail", _("Mail backend")


class SyncResource(models.TextChoices):
    """What a sync change describes; each lives on one backend."""

    LINE_EXEMPTION = "line-exemption", _("Line exemption")
    SCHEDULE = "schedule", _("Line group schedule")
    DESTINATION_LIST = "destination-list", _("Destination list")
    MAILBOX_SUBMISSION = "mailbox-submission", _("Mailbox submission access")
    SUBMISSION_SERVICE = "submission-service", _("Submission service")


class SyncState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("sync change", "Pending")
    APPLIED = "applied", pgettext_lazy("sync change", "Applied")
    FAILED = "failed", pgettext_lazy("sync change", "Failed")
    SUPERSEDED = "superseded", pgettext_lazy("sync change", "Superseded")


class SyncChange(models.Model):
    backend = models.CharField(_("backend"), max_length=8, choices=SyncBackend)
    resource = models.CharField(_("resource"), max_length=32, choices=SyncResource)
    resource_key = models.CharField(
        _("resource key"),
        max_length=254,
        help_text=_("Line ID, service/line group, list slug or mailbox address."),
    )
    version = models.BigIntegerField(
        _("version"), help_text=_("Grows with every change of the same resource.")
    )
    payload = models.JSONField(_("desired state"))
    state = models.CharField(
        _("state"), max_length=10, choices=SyncState, default=SyncState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sync_changes",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync change")
        verbose_name_plural = _("sync changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SyncState.values), name="sync_change_valid_state"
            ),
            models.CheckConstraint(
                condition=Q(backend__in=SyncBackend.values), name="sync_change_valid_backend"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="sync_change_due_idx"),
            models.Index(fields=["subscriber", "-created_at"], name="sync_change_subscriber_idx"),
            models.Index(
                fields=["resource", "resource_key", "-version"], name="sync_change_target_idx"
            ),
            models.Index(fields=["state", "-created_at"], name="sync_change_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.backend} {self.resource} {self.resource_key} v{self.version} {self.state}"


class SyncOutcome(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("sync attempt", "Applied")
    STALE = "stale", _("Already newer on the backend")
    RETRY = "retry", _("Will retry")
    FAILED = "failed", pgettext_lazy("sync attempt", "Failed")


class SyncAttempt(models.Model):
    """One delivery attempt of a sync change: when, how long, what the backend said."""

    change = models.ForeignKey(
        SyncChange, verbose_name=_("sync change"), on_delete=models.CASCADE, related_name="history"
    )
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=SyncOutcome)

    class Meta:
        verbose_name = _("sync attempt")
        verbose_name_plural = _("sync attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.change_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class SyncCircuit(models.Model):
    """Per backend: consecutive failures, and until when nobody should call it."""

    backend = models.CharField(_("backend"), max_length=8, choices=SyncBackend, unique=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    open_until = models.DateTimeField(_("closed to calls until"), null=True, blank=True)

    class Meta:
        verbose_name = _("circuit breaker")
        verbose_name_plural = _("circuit breakers")

    def __str__(self) -> str:
        return f"{self.backend}: {self.failures}"


class SyncReconciliation(models.Model):
    """What one reconciliation run found in a backend and what it repaired."""

    backend = models.CharField(_("backend"), max_length=8, choices=SyncBackend)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    checked = models.PositiveIntegerField(_("resources checked"), default=0)
    drifted = models.PositiveIntegerField(_("resources drifted"), default=0)
    repaired = models.PositiveIntegerField(_("changes recorded"), default=0)
    findings = models.JSONField(_("findings"), default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.backend} {self.started_at:%Y-%m-%d %H:%M}"
