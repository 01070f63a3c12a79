"""The OP25B status of a line at a moment: one pure function, `line_status`.

Status is never stored. It is derived from the facts about a line (its access
service's scope, its IP assignment, its line group's phases, its exemptions)
and a moment in time, so it cannot drift from the schedule. This module does
no I/O; `blocking.selectors` gathers the facts from the database.

Rules, strongest first:
1. A line on an access service outside OP25B is never blocked.
2. A static-IP line is not blocked unless its service says static lines are.
3. An exemption in force keeps port 25 open.
4. Otherwise the strongest stage among the line group's phases that have begun
   is in force (so blocking never weakens over time: a phase is undone by
   removing it from the schedule, not by scheduling a weaker one).
A phase begins at its `effective_at` instant; an exemption covers
`starts_at <= t < ends_at`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from blocking.stages import Stage


@dataclass(frozen=True, slots=True)
class Phase:
    """The line group enters `stage` at `effective_at`."""

    stage: Stage
    effective_at: datetime
    phase_id: int | None = None


@dataclass(frozen=True, slots=True)
class ExemptionWindow:
    """Port 25 stays open for the line from `starts_at` until `ends_at` (exclusive)."""

    starts_at: datetime
    ends_at: datetime
    exemption_id: int | None = None

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True, slots=True)
class LineFacts:
    """Everything the status of one line depends on."""

    service_in_scope: bool
    service_blocks_static_ip: bool
    static_ip: bool
    phases: tuple[Phase, ...] = ()
    exemptions: tuple[ExemptionWindow, ...] = ()


class Rule(StrEnum):
    """Why the effective stage is what it is."""

    SERVICE_NOT_IN_SCOPE = "service_not_in_scope"
    STATIC_IP_NOT_BLOCKED = "static_ip_not_blocked"
    EXEMPTION = "exemption"
    NO_PHASE_YET = "no_phase_yet"
    PHASE = "phase"


class Advice(StrEnum):
    """What the subscriber should do, given the status alone."""

    NOT_AFFECTED = "not_affected"
    PREPARE = "prepare"
    EXEMPT = "exempt"
    USE_OUR_SERVER_FOR_MOBILE = "use_our_server_for_mobile"
    USE_OUR_SERVER_OR_SUBMISSION = "use_our_server_or_submission"


@dataclass(frozen=True, slots=True)
class Change:
    """The next moment the effective stage changes, and what it becomes."""

    at: datetime
    effective: Stage
    rule: Rule


@dataclass(frozen=True, slots=True)
class LineStatus:
    at: datetime
    scheduled: Stage  # the stage in force for the line's group
    phase: Phase | None  # the phase that put `scheduled` in force
    exemption: ExemptionWindow | None  # the exemption in force, if any
    effective: Stage  # what the network enforces on this line
    rule: Rule  # why `effective` is what it is
    next_change: Change | None
    advice: Advice

    @property
    def blocked(self) -> bool:
        return self.effective is not Stage.OPEN


@dataclass(frozen=True, slots=True)
class _Evaluation:
    scheduled: Stage
    phase: Phase | None
    exemption: ExemptionWindow | None
    effective: Stage
    rule: Rule


def group_phase_in_force(phases: Iterable[Phase], at: datetime) -> Phase | None:
    """The strongest phase that has begun at `at` (the earliest of equals), or None."""
    begun = [p for p in phases if p.effective_at <= at]
    if not begun:
        return None
    return max(begun, key=lambda p: (p.stage.rank, -p.effective_at.timestamp()))


def group_stage(phases: Iterable[Phase], at: datetime) -> Stage:
    """The stage in force for a line group at `at`."""
    phase = group_phase_in_force(phases, at)
    return phase.stage if phase else Stage.OPEN


def _evaluate(facts: LineFacts, at: datetime) -> _Evaluation:
    phase = group_phase_in_force(facts.phases, at)
    scheduled = phase.stage if phase else Stage.OPEN
    covering = [w for w in facts.exemptions if w.covers(at)]
    exemption = max(covering, key=lambda w: w.ends_at) if covering else None

    if not facts.service_in_scope:
        rule, effective = Rule.SERVICE_NOT_IN_SCOPE, Stage.OPEN
    elif facts.static_ip and not facts.service_blocks_static_ip:
        rule, effective = Rule.STATIC_IP_NOT_BLOCKED, Stage.OPEN
    elif scheduled is Stage.OPEN:
        rule, effective = Rule.NO_PHASE_YET, Stage.OPEN
    elif exemption is not None:
        rule, effective = Rule.EXEMPTION, Stage.OPEN
    else:
        rule, effective = Rule.PHASE, scheduled
    return _Evaluation(scheduled, phase, exemption, effective, rule)


def _next_change(facts: LineFacts, at: datetime, current: Stage) -> Change | None:
    # The effective stage can only change where a phase begins or an exemption
    # starts or ends; test those instants in order.
    instants = {p.effective_at for p in facts.phases}
    for window in facts.exemptions:
        instants.update((window.starts_at, window.ends_at))
    for instant in sorted(i for i in instants if i > at):
        later = _evaluate(facts, instant)
        if later.effective is not current:
            return Change(at=instant, effective=later.effective, rule=later.rule)
    return None


def _advice(now: _Evaluation, next_change: Change | None) -> Advice:
    if now.effective is Stage.FULL:
        return Advice.USE_OUR_SERVER_OR_SUBMISSION
    if now.effective is Stage.MOBILE:
        return Advice.USE_OUR_SERVER_FOR_MOBILE
    if now.rule is Rule.EXEMPTION:
        return Advice.EXEMPT
    if next_change is not None:
        return Advice.PREPARE
    return Advice.NOT_AFFECTED


def line_status(facts: LineFacts, at: datetime) -> LineStatus:
    """The OP25B status of a line at the aware datetime `at`."""
    if at.tzinfo is None:
        raise ValueError("line_status needs an aware datetime")
    now = _evaluate(facts, at)
    next_change = _next_change(facts, at, now.effective)
    return LineStatus(
        at=at,
        scheduled=now.scheduled,
        phase=now.phase,
        exemption=now.exemption,
        effective=now.effective,
        rule=now.rule,
        next_change=next_change,
        advice=_advice(now, next_change),
    )
