"""Bulk subscribers 1..count: the missing ones are planned and written chunk by chunk.

A second run skips the ones that exist and adds nothing, and a larger count tops
up. On PostgreSQL rows go in by COPY; elsewhere by batched INSERTs of the very
same rows.
"""

import random
from datetime import datetime

from django.db import connection, transaction
from tqdm import tqdm

from accounts.models import IpAssignment, Line, Mailbox, Subscriber, User
from blocking.models import Exemption
from blocking.terms import EXEMPTION_TERMS_VERSION
from portal.demo.bulk_plan import (
    _bulk_context,
    _bulk_plan,
    _BulkContext,
    _BulkExemption,
    _BulkLine,
    bulk_account_id,
)
from portal.demo.rows import rows_write

DEFAULT_SUBSCRIBERS = 2000
# Fixed, because the seed of each chunk is its first number: changing it would
# give existing bulk numbers different data on a top-up run.
BULK_CHUNK = 10_000
_SEED = "op25b-demo-2006"

_USER_FIELDS = (
    "username", "password", "email", "first_name", "last_name",
    "is_staff", "is_superuser", "is_active", "date_joined",
)  # fmt: skip
_SUBSCRIBER_FIELDS = ("account_id", "name", "email", "preferred_language", "user", "created_at")
_LINE_FIELDS = (
    "subscriber", "line_id", "line_group", "ip_assignment", "ip_address",
    "ip_prefix_length", "created_at",
)  # fmt: skip
_MAILBOX_FIELDS = ("subscriber", "address", "login", "created_at")
_EXEMPTION_FIELDS = (
    "line", "state", "reason", "server_host", "contact", "starts_at", "ends_at",
    "requested_by", "requested_at", "terms_version", "terms_accepted_at",
    "decided_by", "decided_at", "decision_message", "revoked_by", "revoked_at",
)  # fmt: skip


def _bulk_chunk_write(*, first: int, last: int, context: _BulkContext) -> int:
    """Bulk subscribers `first`..`last` that do not exist yet; returns how many were added."""
    low, high = bulk_account_id(number=first), bulk_account_id(number=last)
    existing = set(
        Subscriber.objects.filter(account_id__range=(low, high)).values_list(
            "account_id", flat=True
        )
    )
    if len(existing) == last - first + 1:
        return 0
    rng = random.Random(f"{_SEED}:{first}")  # noqa: S311 - reproducible demo data, not secrets
    plans = [
        plan
        for plan in (
            _bulk_plan(number=number, rng=rng, context=context) for number in range(first, last + 1)
        )
        if plan.account_id not in existing
    ]
    now = context.now
    with transaction.atomic():
        # A user may outlive its subscriber (the link is SET_NULL): reuse it.
        users = dict(User.objects.filter(username__range=(low, high)).values_list("username", "pk"))
        new_users = [plan for plan in plans if plan.account_id not in users]
        if new_users:
            rows_write(
                model=User,
                fields=_USER_FIELDS,
                rows=(
                    (p.account_id, context.password_hash, p.email, "", "", False, False, True, now)
                    for p in new_users
                ),
            )
            users = dict(
                User.objects.filter(username__range=(low, high)).values_list("username", "pk")
            )
        rows_write(
            model=Subscriber,
            fields=_SUBSCRIBER_FIELDS,
            rows=(
                (p.account_id, p.name, p.email, p.language, users[p.account_id], now) for p in plans
            ),
        )
        subscribers = dict(
            Subscriber.objects.filter(account_id__range=(low, high)).values_list("account_id", "pk")
        )
        rows_write(
            model=Line,
            fields=_LINE_FIELDS,
            rows=(
                (
                    subscribers[p.account_id],
                    line.line_id,
                    line.group_id,
                    _ip_assignment(line),
                    line.ip_address,
                    line.ip_prefix_length,
                    now,
                )
                for p in plans
                for line in p.lines
            ),
        )
        rows_write(
            model=Mailbox,
            fields=_MAILBOX_FIELDS,
            rows=(
                (subscribers[p.account_id], address, login, now)
                for p in plans
                for address, login in p.mailboxes
            ),
        )
        wanted = [(p, p.exemption) for p in plans if p.exemption is not None]
        if wanted:
            line_pks = dict(
                Line.objects.filter(line_id__in=[e.line_id for _p, e in wanted]).values_list(
                    "line_id", "pk"
                )
            )
            rows_write(
                model=Exemption,
                fields=_EXEMPTION_FIELDS,
                rows=(
                    _bulk_exemption_row(
                        exemption=e,
                        line_pk=line_pks[e.line_id],
                        user_pk=users[p.account_id],
                        contact=p.email,
                        context=context,
                    )
                    for p, e in wanted
                ),
            )
    return len(plans)


def _ip_assignment(line: _BulkLine) -> str:
    return (IpAssignment.DYNAMIC if line.ip_address is None else IpAssignment.STATIC).value


def _bulk_exemption_row(
    *, exemption: _BulkExemption, line_pk: int, user_pk: int, contact: str, context: _BulkContext
) -> tuple[object, ...]:
    e = exemption
    decided = e.decided_at is not None
    return (
        line_pk,
        e.state.value,
        e.reason,
        "",
        contact,
        e.starts_at,
        e.ends_at,
        user_pk,
        e.requested_at,
        EXEMPTION_TERMS_VERSION,
        e.requested_at,
        context.supervisor_id if decided else None,
        e.decided_at,
        "",
        context.supervisor_id if e.revoked_at is not None else None,
        e.revoked_at,
    )


def bulk_subscribers_ensure(*, count: int, now: datetime, progress: bool) -> int:
    """Bulk subscribers 1..count that are missing; returns how many were added."""
    if count <= 0:
        return 0
    context = _bulk_context(now=now)
    added = 0
    with tqdm(
        total=count, unit=" subscribers", unit_scale=True, disable=not progress, smoothing=0.1
    ) as bar:
        for first in range(1, count + 1, BULK_CHUNK):
            # Chunks stay aligned to BULK_CHUNK whatever the count, so seeds are stable.
            last = min(first + BULK_CHUNK - 1, count)
            added += _bulk_chunk_write(first=first, last=last, context=context)
            bar.update(last - first + 1)
    if added and connection.vendor == "postgresql":
        # Fresh statistics, so the portal's first queries on a million rows use the indexes.
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table)
            for m in (User, Subscriber, Line, Mailbox, Exemption)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    return added
