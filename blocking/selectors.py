"""Reads: the facts `blocking.policy` needs, gathered in a constant number of queries."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from accounts.compiled_sql import sql_compiled
from accounts.models import AccessService, IpAssignment, Line, LineGroup, Subscriber, User
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionService,
)
from blocking.policy import (
    ExemptionWindow,
    LineFacts,
    LineStatus,
    Phase,
    group_stage,
    line_status,
)
from blocking.stages import Stage

# States whose window kept (or keeps) port 25 open for some time.
_GRANTED_STATES = (ExemptionState.ACTIVE, ExemptionState.EXPIRED, ExemptionState.REVOKED)


def _phase(row: RolloutPhase) -> Phase:
    return Phase(stage=Stage(row.stage), effective_at=row.effective_at, phase_id=row.pk)


def phases_by_group(*, group_ids: Iterable[int]) -> dict[int, tuple[Phase, ...]]:
    """The schedule of each line group: one query."""
    found: dict[int, list[Phase]] = defaultdict(list)
    for row in RolloutPhase.objects.filter(line_group_id__in=list(group_ids)):
        found[row.line_group_id].append(_phase(row))
    return {group_id: tuple(phases) for group_id, phases in found.items()}


def _granted_exemptions(line_ids: Iterable[int]) -> QuerySet[Exemption]:
    return Exemption.objects.filter(line_id__in=line_ids, state__in=_GRANTED_STATES)


@lru_cache(maxsize=256)
def _granted_exemptions_sql(vendor: str, lines: int) -> str | None:
    """`_granted_exemptions` of this many lines (accounts/compiled_sql.py): the IDs, then
    the states."""
    placeholders = range(1, lines + 1)
    return sql_compiled(_granted_exemptions(placeholders), params=[*placeholders, *_GRANTED_STATES])


def exemption_windows_by_line(*, line_ids: Iterable[int]) -> dict[int, tuple[ExemptionWindow, ...]]:
    """Every granted exemption window of each line: one query (none for no lines)."""
    unique = list(dict.fromkeys(line_ids))
    if not unique:
        return {}
    sql = _granted_exemptions_sql(connection.vendor, len(unique))
    rows: Iterable[Exemption] = (
        Exemption.objects.raw(sql, [*unique, *_GRANTED_STATES])
        if sql is not None
        else _granted_exemptions(unique)
    )
    return exemption_windows(rows)


def exemption_windows(rows: Iterable[Exemption]) -> dict[int, tuple[ExemptionWindow, ...]]:
    """The windows in which `rows` keep (or kept) port 25 open, by line; rows of any state."""
    found: dict[int, list[ExemptionWindow]] = defaultdict(list)
    for row in rows:
        if row.state not in _GRANTED_STATES:
            continue
        until = row.in_force_until
        if until is not None and until > row.starts_at:
            found[row.line_id].append(
                ExemptionWindow(starts_at=row.starts_at, ends_at=until, exemption_id=row.pk)
            )
    return {line_id: tuple(windows) for line_id, windows in found.items()}


def line_facts(
    *,
    line: Line,
    phases: dict[int, tuple[Phase, ...]],
    exemptions: dict[int, tuple[ExemptionWindow, ...]],
) -> LineFacts:
    service = line.line_group.access_service
    return LineFacts(
        service_in_scope=service.op25b_in_scope,
        service_blocks_static_ip=service.blocks_static_ip,
        static_ip=line.static_ip,
        phases=phases.get(line.line_group_id, ()),
        exemptions=exemptions.get(line.pk, ()),
    )


def lines_with_status(*, lines: Iterable[Line], at: datetime) -> list[tuple[Line, LineStatus]]:
    """Each line with its status at `at`; lines must come with line_group__access_service."""
    lines = list(lines)
    phases = phases_by_group(group_ids={line.line_group_id for line in lines})
    exemptions = exemption_windows_by_line(line_ids=[line.pk for line in lines])
    return [
        (line, line_status(line_facts(line=line, phases=phases, exemptions=exemptions), at))
        for line in lines
    ]


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """What a line's status and the API's line rows read of its line group."""

    code: str
    service_code: str
    service_in_scope: bool
    service_blocks_static_ip: bool
    phases: tuple[Phase, ...]


def _group_facts(group_ids: Iterable[int]) -> QuerySet[LineGroup, tuple[Any, ...]]:
    return (
        LineGroup.objects.filter(pk__in=group_ids)
        .order_by("pk", "phases__effective_at")
        .values_list(
            "pk",
            "code",
            "access_service__code",
            "access_service__op25b_in_scope",
            "access_service__blocks_static_ip",
            "phases__pk",
            "phases__stage",
            "phases__effective_at",
        )
    )


@lru_cache(maxsize=64)
def _group_facts_sql(vendor: str, groups: int) -> str | None:
    """`_group_facts` of this many groups (accounts/compiled_sql.py): the IDs.

    PostgreSQL's driver returns each column as the Python value Django would make of it;
    elsewhere (SQLite's booleans and times) the queryset runs, with Django's converters.
    """
    if vendor != "postgresql":
        return None
    placeholders = range(1, groups + 1)
    return sql_compiled(_group_facts(placeholders), params=placeholders)


def group_facts_by_id(*, group_ids: Iterable[int]) -> dict[int, GroupFacts]:
    """Each line group with its access service and its schedule: one query.

    The same facts as Line's select_related("line_group__access_service") and
    `phases_by_group`, without joining the small tables onto every line of a page.
    """
    wanted = list(dict.fromkeys(group_ids))
    if not wanted:
        return {}
    sql = _group_facts_sql(connection.vendor, len(wanted))
    rows: Iterable[tuple[Any, ...]]
    if sql is None:
        rows = _group_facts(wanted)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, wanted)
            rows = cursor.fetchall()
    groups: dict[int, tuple[str, str, bool, bool]] = {}
    phases: dict[int, list[Phase]] = defaultdict(list)
    for group_id, code, service, in_scope, blocks_static, phase_id, stage, effective_at in rows:
        groups[group_id] = (code, service, in_scope, blocks_static)
        if phase_id is not None:
            phases[group_id].append(
                Phase(stage=Stage(stage), effective_at=effective_at, phase_id=phase_id)
            )
    return {
        group_id: GroupFacts(code, service, in_scope, blocks_static, tuple(phases[group_id]))
        for group_id, (code, service, in_scope, blocks_static) in groups.items()
    }


@dataclass(frozen=True, slots=True)
class LineRef:
    """A line as its status needs it, without loading the Line."""

    pk: int
    line_group_id: int
    static_ip: bool


def line_statuses(
    *, lines: Sequence[LineRef], groups: Mapping[int, GroupFacts], at: datetime
) -> list[LineStatus]:
    """The status at `at` of each line (groups from `group_facts_by_id`): one query at most.

    `line_status` is pure, so lines with equal facts (most of a page: same group, no
    exemption) share one computed status object.
    """
    exemptions = exemption_windows_by_line(line_ids=[line.pk for line in lines])
    computed: dict[LineFacts, LineStatus] = {}
    statuses = []
    for line in lines:
        group = groups[line.line_group_id]
        facts = LineFacts(
            service_in_scope=group.service_in_scope,
            service_blocks_static_ip=group.service_blocks_static_ip,
            static_ip=line.static_ip,
            phases=group.phases,
            exemptions=exemptions.get(line.pk, ()),
        )
        status = computed.get(facts)
        if status is None:
            status = computed[facts] = line_status(facts, at)
        statuses.append(status)
    return statuses


def _usernames(ids: Iterable[int]) -> QuerySet[User, tuple[int, str]]:
    return User.objects.filter(pk__in=ids).order_by().values_list("pk", "username")


@lru_cache(maxsize=256)
def _usernames_sql(vendor: str, users: int) -> str | None:
    """`_usernames` of this many users (accounts/compiled_sql.py): the IDs."""
    placeholders = range(1, users + 1)
    return sql_compiled(_usernames(placeholders), params=placeholders)


def usernames_by_id(*, ids: Iterable[int | None]) -> dict[int, str]:
    """The username of each user (None skipped): one query, none without users."""
    wanted = list({pk for pk in ids if pk is not None})
    if not wanted:
        return {}
    sql = _usernames_sql(connection.vendor, len(wanted))
    if sql is None:
        return dict(_usernames(wanted))
    # An integer and a string: no database needs Django's converters for them.
    with connection.cursor() as cursor:
        cursor.execute(sql, wanted)
        return dict(cursor.fetchall())


def subscriber_lines_with_status(
    *, subscriber: Subscriber, at: datetime
) -> list[tuple[Line, LineStatus]]:
    """A subscriber's lines with their status: three queries, however many lines."""
    lines = subscriber.lines.select_related("line_group__access_service").order_by("line_id")
    return lines_with_status(lines=lines, at=at)


@dataclass(frozen=True)
class GroupSchedule:
    group: LineGroup
    phases: tuple[Phase, ...]
    stage_now: Stage


@dataclass(frozen=True)
class ServiceSchedule:
    service: AccessService
    groups: tuple[GroupSchedule, ...]


def schedule_by_service(*, at: datetime) -> list[ServiceSchedule]:
    """The schedule of every access service, group by group: two queries."""
    groups = list(LineGroup.objects.select_related("access_service"))
    phases = phases_by_group(group_ids=[g.pk for g in groups])
    by_service: dict[int, list[GroupSchedule]] = defaultdict(list)
    services: dict[int, AccessService] = {}
    for group in groups:
        group_phases = tuple(sorted(phases.get(group.pk, ()), key=lambda p: p.effective_at))
        services[group.access_service_id] = group.access_service
        by_service[group.access_service_id].append(
            GroupSchedule(group=group, phases=group_phases, stage_now=group_stage(group_phases, at))
        )
    ordered = sorted(services.values(), key=lambda s: (not s.op25b_in_scope, s.code))
    return [ServiceSchedule(service=s, groups=tuple(by_service[s.pk])) for s in ordered]


def submission_service_get() -> SubmissionService | None:
    return SubmissionService.objects.order_by("pk").first()


def mobile_carrier_entries() -> list[DestinationEntry]:
    return list(
        DestinationEntry.objects.filter(
            destination_list__slug=DestinationList.MOBILE_CARRIERS
        ).order_by("carrier", "kind", "value")
    )


@dataclass(frozen=True)
class PhaseImpact:
    """What scheduling a phase does: how many lines go from which stage to which, when."""

    line_group: LineGroup
    stage: Stage
    effective_at: datetime
    lines: int  # all lines of the group
    exempt_lines: int  # of which have an active exemption (they stay open while it lasts)
    static_lines: int  # of which stay open because the service does not block static IPs
    from_stage: Stage  # the group's stage at that moment without this phase
    to_stage: Stage  # the group's stage once it has begun
    moved_from: datetime | None  # the phase's current start, when it is moved
    service_in_scope: bool


def phase_impact(*, line_group: LineGroup, stage: Stage, effective_at: datetime) -> PhaseImpact:
    """The impact preview of `phase_schedule` with these arguments: four queries at most.

    The counts go through the line's line_group index and the exemption's
    (state, ends_at) index, once per preview, never per line.
    """
    stage = Stage(stage)
    rows = list(RolloutPhase.objects.filter(line_group=line_group))
    current = next((row for row in rows if row.stage == stage), None)
    others = [_phase(row) for row in rows if row.stage != stage]
    planned = (*others, Phase(stage=stage, effective_at=effective_at))
    lines = Line.objects.filter(line_group=line_group).order_by().count()
    exempt = (
        Exemption.objects.filter(line__line_group=line_group, state=ExemptionState.ACTIVE)
        .order_by()
        .count()
    )
    service = line_group.access_service
    static = (
        0
        if service.blocks_static_ip
        else Line.objects.filter(line_group=line_group, ip_assignment=IpAssignment.STATIC)
        .order_by()
        .count()
    )
    return PhaseImpact(
        line_group=line_group,
        stage=stage,
        effective_at=effective_at,
        lines=lines,
        exempt_lines=exempt,
        static_lines=static,
        from_stage=group_stage(others, effective_at),
        to_stage=group_stage(planned, effective_at),
        moved_from=current.effective_at if current else None,
        service_in_scope=service.op25b_in_scope,
    )
