"""Reads: the facts `blocking.policy` needs, gathered in a constant number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from accounts.models import AccessService, IpAssignment, Line, LineGroup, Subscriber
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


def exemption_windows_by_line(*, line_ids: Iterable[int]) -> dict[int, tuple[ExemptionWindow, ...]]:
    """Every granted exemption window of each line: one query."""
    found: dict[int, list[ExemptionWindow]] = defaultdict(list)
    rows = Exemption.objects.filter(line_id__in=list(line_ids), state__in=_GRANTED_STATES)
    for row in rows:
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
