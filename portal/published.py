"""What every visitor sees alike, kept a few seconds: notice, guides, submission service.

Announcement week sends most visitors to the notice, the guides (as anonymous readers see
them) and the mail programs' auto-configuration; what they show changes only when staff
change the schedule or the submission service. So those reads are kept in the shared cache
(Redis in production) for at most PORTAL_PUBLIC_CACHE_SECONDS (30; 0 turns caching off), and
never past the instant their content turns over by itself (a phase beginning, port 587
opening, midnight for "today"), so a cached page changes at the same moment as the status
function.

Staff changes drop every entry as their transaction commits (post_save/post_delete of the
schedule's rows): at once in the shared cache, and within LOCAL_SECONDS (2) in the copy each
process keeps of what it read. Writes that send no signal (bulk loads, queryset updates)
show within the cache time. Inside a transaction the database is read directly, so code that
has just changed a row sees its own change.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)

_PREFIX = "portal:published:"
# Each process also keeps what it read for this long: a shared-cache read costs more than
# rendering a small answer (autoconfig), and other processes see a drop within it.
LOCAL_SECONDS = timedelta(seconds=2)
_local: dict[str, tuple[Any, datetime]] = {}
NOTICE = "notice"
GUIDE = "guide"  # variant: "<slug>:<language>"
SUBMISSION_SERVICE = "submission-service"


def _key(name: str, variant: str = "") -> str:
    return f"{_PREFIX}{name}:{variant}"


def _keys_all() -> list[str]:
    from portal.guides.registry import GUIDES

    languages = [code for code, _name in settings.LANGUAGES]
    guides = [_key(GUIDE, f"{slug}:{code}") for slug in GUIDES for code in languages]
    return [_key(NOTICE, code) for code in languages] + guides + [_key(SUBMISSION_SERVICE)]


def published_get[T](
    *, name: str, variant: str = "", build: Callable[[], tuple[T, datetime | None]]
) -> T:
    """The cached value of `name` (per `variant`, e.g. the language), else `build()`'s.

    `build` returns the value and the instant it stops being right by itself (None: only a
    change of the data ends it).
    """
    seconds = settings.PORTAL_PUBLIC_CACHE_SECONDS
    if seconds <= 0 or connection.in_atomic_block:
        return build()[0]
    key = _key(name, variant)
    now = timezone.now()
    local = _local.get(key)
    if local is not None and now < local[1]:
        value: T = local[0]
        return value
    try:
        entry = cache.get(key)
    except Exception as error:  # the page must not depend on the cache being up
        logger.warning("published cache unreadable: %s", error.__class__.__name__)
        return build()[0]
    if entry is not None and entry[1] > now:
        value, until = entry
    else:
        value, turns_at = build()
        until = now + timedelta(seconds=seconds)
        if turns_at is not None and turns_at > now:
            until = min(until, turns_at)
        try:
            cache.set(key, (value, until), timeout=int((until - now).total_seconds()) + 1)
        except Exception as error:
            logger.warning("published cache unwritable: %s", error.__class__.__name__)
    _local[key] = (value, min(until, now + LOCAL_SECONDS))
    return value


def published_forget() -> None:
    """Drop every cached entry: this process's copies and the shared ones."""
    _local.clear()
    cache.delete_many(_keys_all())


def _changed(**kwargs: Any) -> None:
    transaction.on_commit(published_forget, robust=True)


def published_connect() -> None:
    """Drop the entries whenever the schedule or the submission service changes."""
    from accounts.models import AccessService, LineGroup
    from blocking.models import RolloutPhase, SubmissionService

    for model in (AccessService, LineGroup, RolloutPhase, SubmissionService):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"published-{model.__name__}")
    # `flush` (and so each transactional test's teardown) ends with post_migrate.
    post_migrate.connect(_changed, dispatch_uid="published-flush")
