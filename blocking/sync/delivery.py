"""Delivering sync changes: one PUT per change (or one batch call), its outcome recorded.

At least once, never with a different effect: a change is a full document with a
version, and the backend answers 409 to a version it has already reached, which
counts as done. A failure schedules the next attempt in the database (`next_attempt_at`)
for the sweep to pick up; no task waits in the broker with a far-off ETA.
"""

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from blocking.sync.backoff import circuit_cooldown, retry_delay
from blocking.sync.client import BackendError, backend_client
from blocking.sync.models import (
    SyncAttempt,
    SyncChange,
    SyncCircuit,
    SyncOutcome,
    SyncState,
)
from blocking.sync.queue import delivery_groups, lease_until, sync_changes_publish
from blocking.sync.resources import RESOURCES
from portal.observability.metrics import sync_attempt_observe, sync_deliveries_observe

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Due:
    """What delivery needs of a pending sync change (plain values: thousands per batch)."""

    pk: int
    backend: str
    resource: str
    resource_key: str
    version: int
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


_DUE_FIELDS = (
    "pk",
    "backend",
    "resource",
    "resource_key",
    "version",
    "payload",
    "attempts",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class Circuit:
    failures: int
    open_until: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.open_until is not None and self.open_until > now


# What this process last read of each circuit, and when (monotonic): a delivery need
# not ask the database every time; a second's delay in seeing another process open it
# costs at most a second of calls.
_circuits: dict[str, tuple[float, Circuit]] = {}
_CIRCUIT_FRESH_SECONDS = 1.0


def circuit_get(*, backend: str) -> Circuit:
    cached = _circuits.get(backend)
    if cached is not None and time.monotonic() - cached[0] < _CIRCUIT_FRESH_SECONDS:
        return cached[1]
    row = SyncCircuit.objects.filter(backend=backend).values_list("failures", "open_until").first()
    circuit = Circuit(*row) if row else Circuit(0, None)
    _circuits[backend] = (time.monotonic(), circuit)
    return circuit


def circuit_record_failure(*, backend: str, now: datetime) -> None:
    _circuits.pop(backend, None)
    with transaction.atomic():
        circuit, _created = SyncCircuit.objects.select_for_update().get_or_create(backend=backend)
        if circuit.open_until is not None and circuit.open_until > now:
            return  # calls made before it opened: one round of failures counts once
        circuit.failures += 1
        cooldown = circuit_cooldown(
            failures=circuit.failures,
            threshold=settings.PORTAL_SYNC_CIRCUIT_FAILURES,
            base=settings.PORTAL_SYNC_CIRCUIT_SECONDS,
            cap=settings.PORTAL_SYNC_CIRCUIT_SECONDS_MAX,
        )
        if cooldown is not None:
            circuit.open_until = now + timedelta(seconds=cooldown)
            logger.warning("%s backend: circuit open for %.1f s", backend, cooldown)
        circuit.save()


def circuit_record_success(*, backend: str) -> None:
    _circuits.pop(backend, None)
    SyncCircuit.objects.filter(backend=backend, failures__gt=0).update(failures=0, open_until=None)


def _after_circuit(open_until: datetime) -> datetime:
    # Spread the changes that waited for the circuit over a second.
    return open_until + timedelta(seconds=random.random())  # noqa: S311 - not crypto


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: SyncOutcome
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None
    duration_ms: int = 0

    @property
    def backend_failed(self) -> bool:
        """Counts against the circuit: the backend is down or broken, not just busy."""
        return self.outcome == SyncOutcome.RETRY and self.status_code != 429


def _outcome_of(error: BackendError, duration_ms: int) -> Outcome:
    return Outcome(
        SyncOutcome.FAILED if error.permanent else SyncOutcome.RETRY,
        status_code=error.status_code,
        error=str(error)[:2000],
        retry_after=error.retry_after,
        duration_ms=duration_ms,
    )


def _elapsed_ms(clock: float) -> int:
    return round((time.monotonic() - clock) * 1000)


def _observe(*, outcomes: Sequence[tuple[Due, Outcome]], started: datetime, now: datetime) -> None:
    """Feed /metrics: the call's duration per outcome, and recorded-to-applied latency."""
    backend = outcomes[0][0].backend
    duration_ms = int((now - started).total_seconds() * 1000)
    for kind in {outcome.outcome for _change, outcome in outcomes}:
        sync_attempt_observe(backend=backend, outcome=str(kind), duration_ms=duration_ms)
    done = (SyncOutcome.APPLIED, SyncOutcome.STALE)
    applied = [change.created_at for change, outcome in outcomes if outcome.outcome in done]
    if applied:
        sync_deliveries_observe(backend=backend, recorded_at=applied, applied_at=now)


def _settle(*, outcomes: Sequence[tuple[Due, Outcome]], started: datetime) -> None:
    """Record one attempt per change and move each change on, in one transaction.

    Changes with the same outcome move in one UPDATE, so a batch costs a few
    queries, not a few per change.
    """
    if not outcomes:
        return
    now = timezone.now()
    _observe(outcomes=outcomes, started=started, now=now)
    if _settle_in_one_statement(outcomes=outcomes, started=started, now=now):
        return
    groups: dict[tuple[SyncOutcome, int | None, str, float | None], list[Due]] = {}
    for change, outcome in outcomes:
        key = (outcome.outcome, outcome.status_code, outcome.error, outcome.retry_after)
        groups.setdefault(key, []).append(change)
    limit = settings.PORTAL_SYNC_MAX_ATTEMPTS
    with transaction.atomic():
        _attempts_record(outcomes=outcomes, started=started)
        for (kind, status_code, error, retry_after), changes in groups.items():
            # Only a pending change moves: one superseded meanwhile stays superseded.
            pending = SyncChange.objects.filter(
                pk__in=[c.pk for c in changes], state=SyncState.PENDING
            )
            common = {
                "attempts": F("attempts") + 1,
                "last_status_code": status_code,
                "last_error": error,
            }
            if kind in (SyncOutcome.APPLIED, SyncOutcome.STALE):
                pending.update(state=SyncState.APPLIED, applied_at=now, **common)
            elif kind == SyncOutcome.FAILED:
                pending.update(state=SyncState.FAILED, **common)
            else:
                pending.filter(attempts__gte=limit - 1).update(state=SyncState.FAILED, **common)
                delay = retry_delay(
                    attempts=max(c.attempts for c in changes) + 1,
                    base=settings.PORTAL_SYNC_BACKOFF_SECONDS,
                    cap=settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS,
                    retry_after=retry_after,
                )
                pending.filter(attempts__lt=limit - 1).update(
                    next_attempt_at=now + timedelta(seconds=delay), **common
                )


_SETTLE_SQL = """
WITH moved AS (
    UPDATE {changes} SET state = %s, applied_at = %s, attempts = attempts + 1,
        last_status_code = %s, last_error = %s
    WHERE id IN ({ids}) AND state = %s
    RETURNING id
)
INSERT INTO {attempts} (change_id, started_at, duration_ms, status_code, error, outcome)
SELECT id, %s, %s, %s, %s, %s FROM {changes} WHERE id IN ({ids})
"""


def _settle_in_one_statement(
    *, outcomes: Sequence[tuple[Due, Outcome]], started: datetime, now: datetime
) -> bool:
    """The common case on PostgreSQL (every change of the call applied, or every one
    refused for good) in one statement: a single delivery then costs two queries, not six.
    False if the case is not that one."""
    first = outcomes[0][1]
    if (
        connection.vendor != "postgresql"
        or first.outcome == SyncOutcome.RETRY
        or any(outcome != first for _c, outcome in outcomes)
    ):
        return False
    done = first.outcome in (SyncOutcome.APPLIED, SyncOutcome.STALE)
    ids = [change.pk for change, _o in outcomes]
    placeholders = ", ".join(["%s"] * len(ids))
    sql = _SETTLE_SQL.format(
        changes=SyncChange._meta.db_table, attempts=SyncAttempt._meta.db_table, ids=placeholders
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Losing this record to a crash means one more delivery, which the version
        # makes harmless: the commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            sql,
            [
                SyncState.APPLIED.value if done else SyncState.FAILED.value,
                now if done else None,
                first.status_code,
                first.error,
                *ids,
                SyncState.PENDING.value,
                started,
                first.duration_ms,
                first.status_code,
                first.error,
                first.outcome.value,
                *ids,
            ],
        )
    return True


def _attempts_record(*, outcomes: Sequence[tuple[Due, Outcome]], started: datetime) -> None:
    """One SyncAttempt per change. A batch's attempts share everything but the change,
    so they go in as one INSERT ... SELECT rather than a thousand-row bulk insert."""
    shared: dict[Outcome, list[int]] = {}
    for change, outcome in outcomes:
        shared.setdefault(outcome, []).append(change.pk)
    singles: list[SyncAttempt] = []
    for outcome, ids in shared.items():
        if len(ids) == 1:
            singles.append(
                SyncAttempt(
                    change_id=ids[0],
                    started_at=started,
                    duration_ms=outcome.duration_ms,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    outcome=outcome.outcome,
                )
            )
            continue
        attempts_table, changes_table = SyncAttempt._meta.db_table, SyncChange._meta.db_table
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {attempts_table} "  # noqa: S608 - table names are ours, values are parameters
                "(change_id, started_at, duration_ms, status_code, error, outcome) "
                f"SELECT id, %s, %s, %s, %s, %s FROM {changes_table} WHERE id IN ({placeholders})",
                [
                    connection.ops.adapt_datetimefield_value(started),
                    outcome.duration_ms,
                    outcome.status_code,
                    outcome.error,
                    outcome.outcome.value,
                    *ids,
                ],
            )
    SyncAttempt.objects.bulk_create(singles)


def _defer(changes: Sequence[Due], until: datetime) -> None:
    """Not tried (the circuit is open, or the backend just failed): come back later."""
    if changes:
        SyncChange.objects.filter(pk__in=[c.pk for c in changes], state=SyncState.PENDING).update(
            next_attempt_at=until
        )


def _circuit_allows(*, backend: str, changes: Sequence[Due], now: datetime) -> Circuit | None:
    circuit = circuit_get(backend=backend)
    if circuit.open_until is not None and circuit.open_until > now:
        _defer(changes, _after_circuit(circuit.open_until))
        return None
    return circuit


def _after_calls(
    *, backend: str, circuit: Circuit, outcomes: Sequence[Outcome], now: datetime
) -> None:
    if any(o.backend_failed for o in outcomes):
        circuit_record_failure(backend=backend, now=now)
    elif circuit.failures and outcomes:
        circuit_record_success(backend=backend)


def _put_each(
    changes: Sequence[Due],
) -> tuple[list[tuple[Due, Outcome]], list[Due]]:
    """One PUT per change over the kept-alive connection; stops at the first sign the
    backend is down, returning the changes not tried."""
    outcomes: list[tuple[Due, Outcome]] = []
    for index, change in enumerate(changes):
        clock = time.monotonic()
        try:
            result = backend_client(change.backend).put(
                resource=change.resource,
                key=change.resource_key,
                version=change.version,
                payload=change.payload,
            )
            outcome = Outcome(
                SyncOutcome.APPLIED if result.applied else SyncOutcome.STALE,
                status_code=result.status_code,
                duration_ms=_elapsed_ms(clock),
            )
        except BackendError as error:
            outcome = _outcome_of(error, _elapsed_ms(clock))
        outcomes.append((change, outcome))
        if outcome.outcome == SyncOutcome.RETRY:
            return outcomes, list(changes[index + 1 :])
    return outcomes, []


def _put_batch(changes: Sequence[Due]) -> list[tuple[Due, Outcome]]:
    """All the changes in one call of the resource's batch form."""
    clock = time.monotonic()
    try:
        status_code, results = backend_client(changes[0].backend).put_batch(
            resource=changes[0].resource,
            items=[(c.resource_key, c.version, c.payload) for c in changes],
        )
    except BackendError as error:
        outcome = _outcome_of(error, _elapsed_ms(clock))
        return [(change, outcome) for change in changes]
    duration_ms = _elapsed_ms(clock)
    by_key = {r.key: r for r in results}
    outcomes = []
    for change in changes:
        result = by_key.get(change.resource_key)
        if result is None:
            outcome = Outcome(
                SyncOutcome.RETRY, status_code, "the batch answer left it out", None, duration_ms
            )
        elif result.outcome in ("applied", "stale"):
            outcome = Outcome(SyncOutcome(result.outcome), status_code, "", None, duration_ms)
        else:
            outcome = Outcome(
                SyncOutcome.FAILED, status_code, result.error[:2000], None, duration_ms
            )
        outcomes.append((change, outcome))
    return outcomes


def sync_changes_deliver(*, change_ids: Sequence[int]) -> dict[str, int]:
    """Deliver pending changes of one backend: batch form where there is one, else a PUT
    each. Returns counts by outcome (changes not pending any more are skipped)."""
    changes = [
        Due(*row)
        for row in SyncChange.objects.filter(pk__in=list(change_ids), state=SyncState.PENDING)
        .order_by("version")
        .values_list(*_DUE_FIELDS)
    ]
    counts: dict[str, int] = {}
    by_backend: dict[str, list[Due]] = {}
    for change in changes:
        by_backend.setdefault(change.backend, []).append(change)
    for backend, members in by_backend.items():
        started = timezone.now()
        circuit = _circuit_allows(backend=backend, changes=members, now=started)
        if circuit is None:
            counts["deferred"] = counts.get("deferred", 0) + len(members)
            continue
        batches: dict[str, list[Due]] = {}
        single: list[Due] = []
        for change in members:
            if RESOURCES[change.resource].batch_path and len(members) > 1:
                batches.setdefault(change.resource, []).append(change)
            else:
                single.append(change)
        outcomes, untried = _put_each(single)
        for batch in batches.values():
            if untried or any(o.backend_failed for _c, o in outcomes):
                untried += batch
            else:
                outcomes += _put_batch(batch)
        _after_calls(
            backend=backend, circuit=circuit, outcomes=[o for _c, o in outcomes], now=started
        )
        _settle(outcomes=outcomes, started=started)
        if untried:
            # The backend just failed or asked us to slow down: the rest wait as long.
            wait = max(
                [settings.PORTAL_SYNC_BACKOFF_SECONDS]
                + [o.retry_after for _c, o in outcomes if o.retry_after is not None]
            )
            _defer(untried, timezone.now() + timedelta(seconds=wait))
        for _change, outcome in outcomes:
            counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
        if untried:
            counts["deferred"] = counts.get("deferred", 0) + len(untried)
    return counts


def sync_change_deliver(*, change_id: int) -> SyncOutcome | None:
    """Deliver one pending change; its outcome, or None if it was not pending or waits."""
    counts = sync_changes_deliver(change_ids=[change_id])
    outcomes = [SyncOutcome(name) for name in counts if name in SyncOutcome.values]
    return outcomes[0] if outcomes else None


def sync_changes_sweep(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Queue every pending change that is due (new, lost, or waiting to be retried).

    Each one is leased (its next attempt moved a lease ahead) in the same
    transaction, so two sweeps never queue it twice and a lost message is found
    again once the lease runs out. Backends whose circuit is open are skipped.
    """
    now = now or timezone.now()
    limit = limit or settings.PORTAL_SYNC_SWEEP_LIMIT
    tripped = SyncCircuit.objects.filter(failures__gte=settings.PORTAL_SYNC_CIRCUIT_FAILURES)
    # A backend whose circuit is open is left alone; once the pause is over, one change
    # probes it, and only its success (the circuit closes) lets the backlog through.
    skipped = list(tripped.values_list("backend", flat=True))
    probing = list(tripped.exclude(open_until__gt=now).values_list("backend", flat=True))
    with transaction.atomic():
        due_changes = SyncChange.objects.select_for_update(skip_locked=True).filter(
            state=SyncState.PENDING, next_attempt_at__lte=now
        )
        due = list(
            due_changes.exclude(backend__in=skipped)
            .order_by("next_attempt_at")
            .values_list("pk", "resource")[:limit]
        )
        for backend in probing:
            due.extend(
                due_changes.filter(backend=backend)
                .order_by("next_attempt_at")
                .values_list("pk", "resource")[:1]
            )
        if not due:
            return 0
        SyncChange.objects.filter(pk__in=[pk for pk, _r in due]).update(
            next_attempt_at=lease_until(now)
        )
    sync_changes_publish(groups=delivery_groups(due))
    return len(due)
