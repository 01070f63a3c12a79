"""The audit trail's one writer: call it in the same transaction as the change."""

from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest

from accounts.models import AuditEvent, Subscriber, User


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
    return request.META.get("REMOTE_ADDR") or None


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
