"""What every visitor sees alike, kept a few seconds: notice, guides, schedule, 587 service.

Announcement week sends most visitors to the notice, the guides (as anonymous readers see
them) and the mail programs' auto-configuration; what they show changes only when staff
change the schedule or the submission service. So those reads are kept in the shared cache
(Redis in production) for at most PORTAL_PUBLIC_CACHE_SECONDS (30; 0 turns caching off), and
never past the instant their content turns over by itself (a phase beginning, port 587
opening, midnight for "today"), so a cached page changes at the same moment as the status
function.

For a shared reader (no session, no pending message, no query string: nothing of their
own) the whole page is kept too, so most of announcement week's visitors are answered from
memory; everyone else gets the kept content framed for them (`published_page`).

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
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

_PREFIX = "portal:published:"
# Each process also keeps what it read for this long: a shared-cache read costs more than
# rendering a small answer (autoconfig), and other processes see a drop within it.
LOCAL_SECONDS = timedelta(seconds=2)
_local: dict[str, tuple[Any, datetime]] = {}
NOTICE = "notice"
GUIDE = "guide"  # variant: "<slug>:<language>"
GUIDE_LIST = "guide-list"  # variant: "<language>"
SUBMISSION_SERVICE = "submission-service"
PHASES = "phases"  # every line group's schedule, for the statuses of one reader's lines
_PAGE = "page:"  # a whole page's variant: "page:<variant of its content>"


def _key(name: str, variant: str = "") -> str:
    return f"{_PREFIX}{name}:{variant}"


def _keys_all() -> list[str]:
    from portal.guides.registry import GUIDES

    languages = [code for code, _name in settings.LANGUAGES]
    variants = [(NOTICE, code) for code in languages] + [(GUIDE_LIST, code) for code in languages]
    variants += [(GUIDE, f"{slug}:{code}") for slug in GUIDES for code in languages]
    pages = [_key(name, _PAGE + variant) for name, variant in variants]
    contents = [_key(name, variant) for name, variant in variants]
    return contents + pages + [_key(SUBMISSION_SERVICE), _key(PHASES)]


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


def shared_reader(request: HttpRequest) -> bool:
    """Whether the page for this request is the same as for every reader in its language.

    No session cookie means no login and no session-kept message; no messages cookie means no
    one-off message; no query string means nothing chosen. Such a page needs no CSRF token
    either: the language switch is a plain link-like GET form.
    """
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def published_page(
    request: HttpRequest,
    *,
    name: str,
    variant: str,
    build: Callable[[], tuple[str, datetime | None]],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """`template` around the content `build()` makes (kept as `published_get` keeps it).

    A shared reader gets the whole page from the cache; anyone else the cached content in a
    page made for them (their menu, their messages, their CSRF token).
    """
    context = context or {}
    if shared_reader(request):

        def page() -> tuple[str, datetime | None]:
            content, turns_at = build()
            return render_to_string(template, {**context, "content": content}, request), turns_at

        return HttpResponse(published_get(name=name, variant=_PAGE + variant, build=page))
    content = published_get(name=name, variant=variant, build=build)
    return render(request, template, {**context, "content": content})


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
