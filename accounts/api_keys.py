"""API keys of the admin API's machine clients: create, revoke, authenticate.

A key is `<prefix>.<secret>`. The prefix is stored in clear to find the row; only
the SHA-256 of the whole key is stored. Keys are 256-bit random strings, so a
fast hash is enough: there is nothing to brute-force that a slow hash would
protect, and authentication stays cheap on every request.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import Actor, audit_record_by, audit_snapshot
from accounts.compiled_sql import sql_compiled
from accounts.models import ApiKey

# What a client may do. `read` covers every GET; each write scope one family of writes.
SCOPES = (
    "read",
    "exemptions:write",
    "schedule:write",
    "destinations:write",
    "mailboxes:write",
    "sync:write",
)

_PREFIX_BYTES = 6  # 8 URL-safe characters
_SECRET_BYTES = 32
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_hash(*, raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_scopes_parse(*, text: str) -> list[str]:
    """`read,exemptions:write` as a list, refusing unknown or missing scopes."""
    scopes = [scope.strip() for scope in text.split(",") if scope.strip()]
    api_key_scopes_check(scopes=scopes)
    return scopes


def api_key_scopes_check(*, scopes: list[str]) -> None:
    if not scopes:
        raise ValidationError(
            {"scopes": _("Give at least one scope: %(scopes)s.") % {"scopes": ", ".join(SCOPES)}}
        )
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationError(
            {
                "scopes": _("Unknown scope %(unknown)s; the scopes are: %(scopes)s.")
                % {"unknown": ", ".join(unknown), "scopes": ", ".join(SCOPES)}
            }
        )


@transaction.atomic
def api_key_create(*, name: str, scopes: list[str], actor: Actor) -> tuple[ApiKey, str]:
    """A new key for the client `name`; the plaintext key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    api_key_scopes_check(scopes=scopes)
    # Scopes in SCOPES order, without repeats, so equal grants look equal in the trail.
    scopes = [scope for scope in SCOPES if scope in scopes]
    if ApiKey.objects.filter(name=name).exists():
        raise ValidationError(
            {"name": _("A client named %(name)s exists already.") % {"name": name}}
        )
    prefix = secrets.token_urlsafe(_PREFIX_BYTES)
    raw_key = f"{prefix}.{secrets.token_urlsafe(_SECRET_BYTES)}"
    api_key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw_key=raw_key),
        scopes=scopes,
        created_by=actor.user,
    )
    audit_record_by(
        actor,
        action="api_key.create",
        obj=api_key,
        after=_snapshot(api_key),
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Actor) -> ApiKey:
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise ValidationError(
            _("The key of %(name)s was revoked already.") % {"name": api_key.name}
        )
    before = _snapshot(api_key)
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_record_by(
        actor, action="api_key.revoke", obj=api_key, before=before, after=_snapshot(api_key)
    )
    return api_key


def _keys_by_prefix(prefix: str) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(prefix=prefix).order_by()  # the prefix is unique


@cache
def _keys_by_prefix_sql(vendor: str) -> str | None:
    """`_keys_by_prefix` (accounts/compiled_sql.py), run by every API request: the prefix."""
    return sql_compiled(_keys_by_prefix("-"), params=["-"])


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key that `raw_key` is, or None. One query (two at most once a minute)."""
    prefix, dot, secret = raw_key.partition(".")
    if not dot or not prefix or not secret or len(prefix) > 12 or "\x00" in raw_key:
        return None
    sql = _keys_by_prefix_sql(connection.vendor)
    keys = ApiKey.objects.raw(sql, [prefix]) if sql is not None else _keys_by_prefix(prefix)
    api_key = next(iter(keys), None)
    if api_key is None or api_key.revoked_at is not None:
        return None
    if not hmac.compare_digest(api_key.key_hash, api_key_hash(raw_key=raw_key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def _snapshot(api_key: ApiKey) -> dict[str, object]:
    # The hash stays out of the trail: the trail is readable by auditors.
    snapshot = audit_snapshot(api_key)
    snapshot.pop("key_hash", None)
    return snapshot
