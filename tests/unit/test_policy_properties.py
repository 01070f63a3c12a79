"""Invariants of the status function, over generated schedules, exemptions and moments.

No database: the facts are built directly. Moments are aware datetimes in Japan
between 2005 and 2008; each line group has at most one phase per stage, as the
database's unique constraint allows.
"""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from blocking.announcement import JST
from blocking.policy import (
    ExemptionWindow,
    LineFacts,
    LineStatus,
    Phase,
    Rule,
    group_stage,
    line_status,
)
from blocking.stages import SCHEDULABLE_STAGES, Stage

TICK = timedelta(microseconds=1)
CENTURY = timedelta(days=36525)
PROPERTY = settings(max_examples=200, deadline=None, database=None)

moments = st.datetimes(
    min_value=datetime(2005, 1, 1),
    max_value=datetime(2008, 12, 31, 23, 59, 59, 999999),
    timezones=st.just(JST),
)


@st.composite
def phase_tuples(draw: st.DrawFn) -> tuple[Phase, ...]:
    """At most one phase per schedulable stage, at any moment (a later weaker one included)."""
    stages = draw(st.lists(st.sampled_from(SCHEDULABLE_STAGES), unique=True))
    return tuple(
        Phase(stage=stage, effective_at=draw(moments), phase_id=index)
        for index, stage in enumerate(stages)
    )


@st.composite
def exemption_windows(draw: st.DrawFn) -> ExemptionWindow:
    starts_at = draw(moments)
    length = draw(st.timedeltas(min_value=TICK, max_value=timedelta(days=400)))
    return ExemptionWindow(starts_at=starts_at, ends_at=starts_at + length)


def line_facts(exemptions: st.SearchStrategy[tuple[ExemptionWindow, ...]]) -> st.SearchStrategy:
    return st.builds(
        LineFacts,
        service_in_scope=st.booleans(),
        service_blocks_static_ip=st.booleans(),
        static_ip=st.booleans(),
        phases=phase_tuples(),
        exemptions=exemptions,
    )


any_facts = line_facts(st.lists(exemption_windows(), max_size=3).map(tuple))
facts_without_exemptions = line_facts(st.just(()))


def boundaries(facts: LineFacts) -> list[datetime]:
    """Every instant where the status could change, and the instants either side of them."""
    instants = {phase.effective_at for phase in facts.phases}
    for window in facts.exemptions:
        instants.update((window.starts_at, window.ends_at))
    return sorted({i + delta for i in instants for delta in (-TICK, timedelta(0), TICK)})


def interesting_moment(data: st.DataObject, facts: LineFacts) -> datetime:
    """Any moment, often one on or next to a phase or exemption boundary."""
    near = boundaries(facts)
    if near:
        return data.draw(st.one_of(moments, st.sampled_from(near)))
    return data.draw(moments)


def effective(facts: LineFacts, at: datetime) -> Stage:
    return line_status(facts, at).effective


def between(data: st.DataObject, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end)."""
    span = (end - start) // TICK
    return start + data.draw(st.integers(min_value=0, max_value=span - 1)) * TICK


# (a) Exactly one stage is in force.


@PROPERTY
@given(facts=any_facts, data=st.data())
def test_status_stages_are_members_of_stage_and_effective_open_or_scheduled(
    facts: LineFacts, data: st.DataObject
) -> None:
    at = interesting_moment(data, facts)
    status = line_status(facts, at)

    assert isinstance(status, LineStatus)
    assert status.scheduled in Stage
    assert status.effective in Stage
    assert status.effective in (Stage.OPEN, status.scheduled)
    assert status.scheduled == group_stage(facts.phases, at)
    assert status.blocked == (status.effective != Stage.OPEN)
    assert (status.phase is None) == (status.scheduled == Stage.OPEN)
    if status.phase is not None:
        assert status.phase.stage == status.scheduled
        assert status.phase.effective_at <= at


# (b) Blocking never weakens over time unless an exemption applies.


@PROPERTY
@given(facts=facts_without_exemptions, data=st.data())
def test_effective_rank_never_decreases_without_exemptions(
    facts: LineFacts, data: st.DataObject
) -> None:
    t1, t2 = sorted((interesting_moment(data, facts), interesting_moment(data, facts)))

    assert effective(facts, t2).rank >= effective(facts, t1).rank


@PROPERTY
@given(facts=any_facts, data=st.data())
def test_effective_rank_decreases_only_under_exemption(
    facts: LineFacts, data: st.DataObject
) -> None:
    t1, t2 = sorted((interesting_moment(data, facts), interesting_moment(data, facts)))
    later = line_status(facts, t2)

    if later.effective.rank < effective(facts, t1).rank:
        assert any(window.covers(t2) for window in facts.exemptions)
        assert later.exemption is not None
        assert later.rule == Rule.EXEMPTION


# (c) The next change lies in the future and is a real change.


@PROPERTY
@given(facts=any_facts, data=st.data())
def test_next_change_is_in_future_and_changes_effective(
    facts: LineFacts, data: st.DataObject
) -> None:
    at = interesting_moment(data, facts)
    status = line_status(facts, at)
    change = status.next_change

    if change is not None:
        then = line_status(facts, change.at)
        assert change.at > at
        assert then.effective == change.effective
        assert then.rule == change.rule
        assert change.effective != status.effective


# (d) The status is constant until the next change.


@PROPERTY
@given(facts=any_facts, data=st.data())
def test_effective_constant_until_next_change(facts: LineFacts, data: st.DataObject) -> None:
    at = interesting_moment(data, facts)
    status = line_status(facts, at)
    change = status.next_change

    if change is not None:
        samples = [between(data, at, change.at) for _ in range(3)]
        samples += [i for i in boundaries(facts) if at <= i < change.at]
        samples.append(change.at - TICK)
    else:
        samples = [
            at + data.draw(st.timedeltas(min_value=timedelta(0), max_value=CENTURY))
            for _ in range(3)
        ]
        samples += [i for i in boundaries(facts) if i >= at]
        samples.append(datetime(9999, 12, 31, tzinfo=JST))
    for moment in samples:
        assert effective(facts, moment) == status.effective, moment


# Scope and static-IP flags.


@PROPERTY
@given(facts=any_facts, at=moments)
def test_status_open_forever_when_not_in_scope_or_static_not_blocked(
    facts: LineFacts, at: datetime
) -> None:
    status = line_status(facts, at)

    if not facts.service_in_scope:
        assert status.rule == Rule.SERVICE_NOT_IN_SCOPE
    elif facts.static_ip and not facts.service_blocks_static_ip:
        assert status.rule == Rule.STATIC_IP_NOT_BLOCKED
    else:
        return
    assert status.effective == Stage.OPEN
    assert status.next_change is None
