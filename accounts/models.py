"""Who: logins, subscribers, the access services and line groups we sell, lines, mailboxes.

Also the audit trail, which every app writes to in the same transaction as the
change it records.
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

account_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$",
    _("An account ID is 3 to 32 letters, digits, dots, hyphens or underscores."),
)
line_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$",
    _("A line ID (the PPPoE login) is 3 to 64 letters, digits or . _ @ -."),
)
code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,31}$",
    _("A code is up to 32 lower-case letters, digits or hyphens."),
)


class User(AbstractUser):
    """A login: a subscriber's (username = account ID) or a staff member's."""


class Language(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    ENGLISH = "en", _("English")


class Subscriber(models.Model):
    account_id = models.CharField(
        _("account ID"), max_length=32, unique=True, validators=[account_id_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("contact e-mail"), db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default=Language.JAPANESE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriber",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["account_id"]
        indexes = [models.Index(fields=["name"], name="subscriber_name_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} ({self.name})"


class AccessService(models.Model):
    """A kind of connection the ISP sells, and whether OP25B applies to it."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    op25b_in_scope = models.BooleanField(
        _("OP25B applies"),
        default=False,
        help_text=_("Port 25 is blocked on this service's lines according to the schedule."),
    )
    blocks_static_ip = models.BooleanField(
        _("blocks static-IP lines too"),
        default=False,
        help_text=_(
            "Most ISPs leave lines with a fixed address unblocked; tick this if this "
            "service blocks them as well."
        ),
    )

    class Meta:
        verbose_name = _("access service")
        verbose_name_plural = _("access services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LineGroup(models.Model):
    """A rollout wave: the lines of one access service that change stage together."""

    access_service = models.ForeignKey(
        AccessService,
        verbose_name=_("access service"),
        on_delete=models.PROTECT,
        related_name="line_groups",
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("line group")
        verbose_name_plural = _("line groups")
        ordering = ["access_service__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["access_service", "code"], name="line_group_unique_code_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.access_service.name} / {self.name}"


class IpAssignment(models.TextChoices):
    DYNAMIC = "dynamic", _("Dynamic")
    STATIC = "static", _("Static")


class Line(models.Model):
    """One connection of a subscriber on one access service."""

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="lines"
    )
    line_id = models.CharField(
        _("line ID"),
        max_length=64,
        unique=True,
        validators=[line_id_validator],
        help_text=_("The PPPoE login of the line."),
    )
    line_group = models.ForeignKey(
        LineGroup, verbose_name=_("line group"), on_delete=models.PROTECT, related_name="lines"
    )
    ip_assignment = models.CharField(
        _("IP assignment"), max_length=7, choices=IpAssignment, default=IpAssignment.DYNAMIC
    )
    ip_address = models.GenericIPAddressField(
        _("static IP address"), null=True, blank=True, db_index=True
    )
    ip_prefix_length = models.PositiveSmallIntegerField(_("prefix length"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["line_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ip_assignment__in=IpAssignment.values),
                name="line_valid_ip_assignment",
            ),
            # A static line has its address; a dynamic one has none stored here.
            models.CheckConstraint(
                condition=(
                    Q(ip_assignment=IpAssignment.STATIC, ip_address__isnull=False)
                    | Q(
                        ip_assignment=IpAssignment.DYNAMIC,
                        ip_address__isnull=True,
                        ip_prefix_length__isnull=True,
                    )
                ),
                name="line_static_has_address",
            ),
            models.CheckConstraint(
                condition=Q(ip_prefix_length__isnull=True) | Q(ip_prefix_length__lte=128),
                name="line_prefix_length_range",
            ),
        ]

    def __str__(self) -> str:
        return self.line_id

    @property
    def static_ip(self) -> bool:
        return self.ip_assignment == IpAssignment.STATIC

    @property
    def ip_network(self) -> str:
        """The static address with its prefix, as staff write it ("198.51.100.8/29")."""
        if not self.ip_address:
            return ""
        if self.ip_prefix_length is None:
            return self.ip_address
        return f"{self.ip_address}/{self.ip_prefix_length}"

    def clean(self) -> None:
        if self.ip_assignment == IpAssignment.STATIC and not self.ip_address:
            raise ValidationError({"ip_address": _("A static line needs its IP address.")})
        if self.ip_assignment == IpAssignment.DYNAMIC and (
            self.ip_address or self.ip_prefix_length is not None
        ):
            raise ValidationError(
                {"ip_address": _("A dynamic line has no fixed address; leave it empty.")}
            )
        if self.ip_address and self.ip_prefix_length is not None:
            max_length = ipaddress.ip_address(self.ip_address).max_prefixlen
            if self.ip_prefix_length > max_length:
                raise ValidationError(
                    {
                        "ip_prefix_length": _(
                            "The prefix length must be at most %(max)d for this address."
                        )
                        % {"max": max_length}
                    }
                )


class Mailbox(models.Model):
    """A mailbox at the ISP. Its owner may have no line of ours at all."""

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="mailboxes",
    )
    address = models.EmailField(_("address"), unique=True)
    login = models.CharField(
        _("POP/IMAP login"), max_length=64, unique=True, validators=[line_id_validator]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class AuditEvent(models.Model):
    """Who did what to which object, when, from where; before and after. Append-only."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor name"),
        max_length=150,
        help_text=_("The staff login, API client or system process that acted."),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object ID"), max_length=64)
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    source_ip = models.GenericIPAddressField(_("source IP address"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["subscriber", "-at"], name="audit_subscriber_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Audit events cannot be deleted."))


class ApiKey(models.Model):
    """A machine client of the admin API. Only a hash of the key is stored.

    The key is `<prefix>.<secret>`; the prefix finds the row, the hash of the
    whole key proves it. Scopes name what the client may do (`read`,
    `exemptions:write`, ...); see `blocking.api` for the list.
    """

    name = models.CharField(
        _("client name"),
        max_length=64,
        unique=True,
        help_text=_("Names the client in the audit trail."),
    )
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=128)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an `Idempotency-Key`, replayed for repeats."""

    client = models.CharField(_("client"), max_length=150)
    key = models.CharField(_("idempotency key"), max_length=200)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_client_key"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"
