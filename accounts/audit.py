"""The audit trail's one writer: call it in the same transaction as the change."""

from dataclasses import dataclass
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest

from accounts.models import AuditEvent, Subscriber, User


@dataclass(frozen=True)
class Actor:
    """Who does something: a staff or subscriber login, an API client, or the system.

    API clients have no user; their label (`api:<key name>`) names them in the trail.
    """

    user: User | None
    label: str
    source_ip: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Self:
        user = request.user if isinstance(request.user, User) else None
        return cls(
            user=user,
            label=user.get_username() if user else "anonymous",
            source_ip=request_source_ip(request),
        )

    @classmethod
    def system(cls, label: str = "system") -> Self:
        return cls(user=None, label=label)


def audit_snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's fields as JSON-safe values, for an event's `before` and `after`."""
    return {
        name: value
        if isinstance(value, bool | int | float | str | list | dict | None)
        else str(value)
        for name, value in model_to_dict(obj).items()
    }


def request_source_ip(request: HttpRequest | None) -> str | None:
    """The client address as the (trusted) proxy or the socket gives it."""
    if request is None:
        return None
    if bool(getattr(settings, "PORTAL_BEHIND_PROXY", False)):
        # Our own proxy appends the address it saw last; anything before it came
        # from the client and can be forged.
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return str(request.META.get("REMOTE_ADDR") or "") or None


def audit_record(
    *,
    actor: User | None,
    actor_label: str = "",
    action: str,
    obj: models.Model,
    subscriber: Subscriber | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    source_ip: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        subscriber=subscriber,
        before=before,
        after=after,
        reason=reason,
        source_ip=source_ip,
    )


def audit_record_by(
    actor: Actor,
    *,
    action: str,
    obj: models.Model,
    subscriber: Subscriber | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """`audit_record` for an `Actor`, as services call it."""
    return audit_record(
        actor=actor.user,
        actor_label=actor.label,
        action=action,
        obj=obj,
        subscriber=subscriber,
        before=before,
        after=after,
        reason=reason,
        source_ip=actor.source_ip,
    )
