"""The status function over the 2006 announcement's calendar, with no database.

Each line group's phases come from `PHASES_2006`; the facts are built by hand.
Every date of the notice takes effect at midnight in Japan (JST, UTC+9).
"""

from datetime import UTC, datetime, timedelta

import pytest

from blocking.announcement import FULL_FROM, GROUPS, JST, MOBILE_FROM, PHASES_2006, jst
from blocking.policy import (
    Advice,
    Change,
    ExemptionWindow,
    LineFacts,
    LineStatus,
    Phase,
    Rule,
    group_phase_in_force,
    group_stage,
    line_status,
)
from blocking.stages import Stage

TICK = timedelta(microseconds=1)
GROUP_CODES = tuple(group.code for group in GROUPS)
MOBILE_DATES = {spec.group: spec.effective_at for spec in PHASES_2006 if spec.stage is Stage.MOBILE}
EXPECTED_MOBILE_DATES = {
    "eadsl-1": jst(2006, 6, 1),
    "eadsl-2": jst(2006, 6, 8),
    "flets-east": jst(2006, 6, 15),
    "flets-west": jst(2006, 6, 22),
}


def phases_of(group: str) -> tuple[Phase, ...]:
    """The line group's phases as the announcement schedules them."""
    return tuple(
        Phase(stage=spec.stage, effective_at=spec.effective_at, phase_id=index)
        for index, spec in enumerate(PHASES_2006)
        if spec.group == group
    )


def facts_of(
    group: str = "eadsl-1",
    *,
    service_in_scope: bool = True,
    service_blocks_static_ip: bool = False,
    static_ip: bool = False,
    exemptions: tuple[ExemptionWindow, ...] = (),
) -> LineFacts:
    return LineFacts(
        service_in_scope=service_in_scope,
        service_blocks_static_ip=service_blocks_static_ip,
        static_ip=static_ip,
        phases=phases_of(group),
        exemptions=exemptions,
    )


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


# The calendar itself.


def test_phases_2006_mobile_dates_are_sequential_a_week_apart() -> None:
    assert MOBILE_DATES == EXPECTED_MOBILE_DATES


def test_phases_2006_full_date_is_1_october_for_every_group() -> None:
    full_dates = {spec.group: spec.effective_at for spec in PHASES_2006 if spec.stage is Stage.FULL}
    assert full_dates == dict.fromkeys(GROUP_CODES, jst(2006, 10, 1))
    assert jst(2006, 10, 1) == FULL_FROM
    assert jst(2006, 6, 1) == MOBILE_FROM


def test_phases_2006_schedule_one_phase_per_stage_for_every_group() -> None:
    for group in GROUP_CODES:
        assert sorted(phase.stage.rank for phase in phases_of(group)) == [
            Stage.MOBILE.rank,
            Stage.FULL.rank,
        ]


# Before the roll-out.


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_open_before_1_june_2006(group: str) -> None:
    status = line_status(facts_of(group), at(2006, 5, 22, 12))

    assert status.scheduled == Stage.OPEN
    assert status.phase is None
    assert status.exemption is None
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.NO_PHASE_YET
    assert status.advice == Advice.PREPARE
    assert status.blocked is False
    assert status.next_change == Change(
        at=EXPECTED_MOBILE_DATES[group], effective=Stage.MOBILE, rule=Rule.PHASE
    )


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_open_just_before_own_mobile_date(group: str) -> None:
    status = line_status(facts_of(group), MOBILE_DATES[group] - TICK)

    assert status.effective == Stage.OPEN
    assert status.rule == Rule.NO_PHASE_YET
    assert status.advice == Advice.PREPARE
    assert status.next_change == Change(
        at=MOBILE_DATES[group], effective=Stage.MOBILE, rule=Rule.PHASE
    )


# The mobile stage, sequentially from 1 June 2006.


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_mobile_from_own_mobile_date(group: str) -> None:
    facts = facts_of(group)
    status = line_status(facts, MOBILE_DATES[group])

    assert status.scheduled == Stage.MOBILE
    assert status.phase == next(p for p in facts.phases if p.stage == Stage.MOBILE)
    assert status.effective == Stage.MOBILE
    assert status.rule == Rule.PHASE
    assert status.advice == Advice.USE_OUR_SERVER_FOR_MOBILE
    assert status.blocked is True
    assert status.next_change == Change(at=FULL_FROM, effective=Stage.FULL, rule=Rule.PHASE)


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_mobile_until_just_before_1_october(group: str) -> None:
    status = line_status(facts_of(group), FULL_FROM - TICK)

    assert status.effective == Stage.MOBILE
    assert status.rule == Rule.PHASE
    assert status.next_change == Change(at=FULL_FROM, effective=Stage.FULL, rule=Rule.PHASE)


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_on_1_june_follows_own_wave(group: str) -> None:
    status = line_status(facts_of(group), jst(2006, 6, 1))

    expected = Stage.MOBILE if group == "eadsl-1" else Stage.OPEN
    assert status.effective == expected


def test_status_on_15_june_mobile_for_first_three_waves_only() -> None:
    effective = {g: line_status(facts_of(g), jst(2006, 6, 15)).effective for g in GROUP_CODES}

    assert effective == {
        "eadsl-1": Stage.MOBILE,
        "eadsl-2": Stage.MOBILE,
        "flets-east": Stage.MOBILE,
        "flets-west": Stage.OPEN,
    }


# The full stage, from 1 October 2006 for everyone.


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_full_from_1_october_2006(group: str) -> None:
    facts = facts_of(group)
    status = line_status(facts, FULL_FROM)

    assert status.scheduled == Stage.FULL
    assert status.phase == next(p for p in facts.phases if p.stage == Stage.FULL)
    assert status.effective == Stage.FULL
    assert status.rule == Rule.PHASE
    assert status.advice == Advice.USE_OUR_SERVER_OR_SUBMISSION
    assert status.blocked is True
    assert status.next_change is None


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_full_years_later(group: str) -> None:
    status = line_status(facts_of(group), at(2026, 11, 1, 9, 30))

    assert status.effective == Stage.FULL
    assert status.next_change is None


# Midnight boundaries are in JST.


def test_status_open_at_last_microsecond_of_31_may_jst() -> None:
    status = line_status(facts_of("eadsl-1"), datetime(2006, 5, 31, 23, 59, 59, 999999, JST))

    assert status.effective == Stage.OPEN
    assert status.rule == Rule.NO_PHASE_YET


def test_status_mobile_at_midnight_1_june_jst() -> None:
    status = line_status(facts_of("eadsl-1"), datetime(2006, 6, 1, 0, 0, tzinfo=JST))

    assert status.effective == Stage.MOBILE
    assert status.rule == Rule.PHASE


def test_status_mobile_at_15_00_utc_on_31_may() -> None:
    utc_instant = datetime(2006, 5, 31, 15, 0, tzinfo=UTC)
    assert utc_instant == jst(2006, 6, 1)

    status = line_status(facts_of("eadsl-1"), utc_instant)

    assert status.effective == Stage.MOBILE
    assert status.at == utc_instant


def test_status_open_just_before_15_00_utc_on_31_may() -> None:
    status = line_status(facts_of("eadsl-1"), datetime(2006, 5, 31, 14, 59, 59, 999999, UTC))

    assert status.effective == Stage.OPEN
    assert status.next_change == Change(at=jst(2006, 6, 1), effective=Stage.MOBILE, rule=Rule.PHASE)


def test_status_mobile_at_midnight_utc_on_1_june() -> None:
    # Midnight in UTC is 09:00 in Japan: already blocked.
    status = line_status(facts_of("eadsl-1"), datetime(2006, 6, 1, tzinfo=UTC))

    assert status.effective == Stage.MOBILE


def test_status_full_at_midnight_1_october_jst_not_utc() -> None:
    facts = facts_of("flets-west")

    assert line_status(facts, datetime(2006, 9, 30, 14, 59, 59, 999999, UTC)).effective == (
        Stage.MOBILE
    )
    assert line_status(facts, datetime(2006, 9, 30, 15, tzinfo=UTC)).effective == Stage.FULL


# Services outside OP25B.


@pytest.mark.parametrize(
    "moment", [at(2006, 5, 1), jst(2006, 6, 1), at(2006, 7, 1), FULL_FROM, at(2030, 1, 1)]
)
def test_status_open_when_service_not_in_scope(moment: datetime) -> None:
    status = line_status(facts_of("eadsl-1", service_in_scope=False), moment)

    assert status.effective == Stage.OPEN
    assert status.rule == Rule.SERVICE_NOT_IN_SCOPE
    assert status.next_change is None
    assert status.advice == Advice.NOT_AFFECTED
    assert status.blocked is False


def test_status_scheduled_still_reported_when_service_not_in_scope() -> None:
    status = line_status(facts_of("eadsl-1", service_in_scope=False), at(2006, 7, 1))

    assert status.scheduled == Stage.MOBILE
    assert status.effective == Stage.OPEN


def test_status_not_in_scope_wins_over_static_ip_and_exemption() -> None:
    exemption = ExemptionWindow(at(2006, 7, 1), at(2006, 8, 1))
    facts = facts_of(
        "eadsl-1",
        service_in_scope=False,
        service_blocks_static_ip=True,
        static_ip=True,
        exemptions=(exemption,),
    )

    status = line_status(facts, at(2006, 7, 10))

    assert status.rule == Rule.SERVICE_NOT_IN_SCOPE
    assert status.next_change is None


# Static-IP lines.


@pytest.mark.parametrize("moment", [at(2006, 5, 1), at(2006, 7, 1), FULL_FROM, at(2030, 1, 1)])
def test_status_open_when_static_ip_not_blocked(moment: datetime) -> None:
    status = line_status(facts_of("eadsl-1", static_ip=True), moment)

    assert status.effective == Stage.OPEN
    assert status.rule == Rule.STATIC_IP_NOT_BLOCKED
    assert status.next_change is None
    assert status.advice == Advice.NOT_AFFECTED
    assert status.blocked is False


@pytest.mark.parametrize("group", GROUP_CODES)
def test_status_static_ip_blocked_like_dynamic_when_service_blocks_static(group: str) -> None:
    static = facts_of(group, static_ip=True, service_blocks_static_ip=True)
    dynamic = facts_of(group)

    for moment in (at(2006, 5, 1), MOBILE_DATES[group], at(2006, 7, 1), FULL_FROM):
        assert line_status(static, moment) == line_status(dynamic, moment)


def test_status_dynamic_ip_unaffected_by_service_blocks_static() -> None:
    moment = at(2006, 7, 1)

    assert line_status(facts_of(service_blocks_static_ip=True), moment) == line_status(
        facts_of(service_blocks_static_ip=False), moment
    )


# An exemption that starts and ends mid-phase.

EXEMPT_FROM = at(2006, 7, 1)
EXEMPT_UNTIL = at(2006, 7, 15)
MID_PHASE = ExemptionWindow(starts_at=EXEMPT_FROM, ends_at=EXEMPT_UNTIL, exemption_id=7)


def test_status_blocked_before_exemption_starts() -> None:
    status = line_status(facts_of(exemptions=(MID_PHASE,)), EXEMPT_FROM - TICK)

    assert status.effective == Stage.MOBILE
    assert status.rule == Rule.PHASE
    assert status.exemption is None
    assert status.advice == Advice.USE_OUR_SERVER_FOR_MOBILE
    assert status.next_change == Change(at=EXEMPT_FROM, effective=Stage.OPEN, rule=Rule.EXEMPTION)


@pytest.mark.parametrize("moment", [EXEMPT_FROM, at(2006, 7, 8, 12), EXEMPT_UNTIL - TICK])
def test_status_open_during_exemption(moment: datetime) -> None:
    status = line_status(facts_of(exemptions=(MID_PHASE,)), moment)

    assert status.scheduled == Stage.MOBILE
    assert status.exemption == MID_PHASE
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.EXEMPTION
    assert status.advice == Advice.EXEMPT
    assert status.blocked is False
    assert status.next_change == Change(at=EXEMPT_UNTIL, effective=Stage.MOBILE, rule=Rule.PHASE)


def test_status_blocked_again_at_exemption_end() -> None:
    status = line_status(facts_of(exemptions=(MID_PHASE,)), EXEMPT_UNTIL)

    assert status.exemption is None
    assert status.effective == Stage.MOBILE
    assert status.rule == Rule.PHASE
    assert status.advice == Advice.USE_OUR_SERVER_FOR_MOBILE
    assert status.next_change == Change(at=FULL_FROM, effective=Stage.FULL, rule=Rule.PHASE)


def test_exemption_covers_start_but_not_end() -> None:
    assert MID_PHASE.covers(EXEMPT_FROM) is True
    assert MID_PHASE.covers(EXEMPT_UNTIL - TICK) is True
    assert MID_PHASE.covers(EXEMPT_UNTIL) is False
    assert MID_PHASE.covers(EXEMPT_FROM - TICK) is False


def test_status_overlapping_exemptions_report_the_longest() -> None:
    longer = ExemptionWindow(at(2006, 7, 10), at(2006, 8, 1), exemption_id=8)
    status = line_status(facts_of(exemptions=(MID_PHASE, longer)), at(2006, 7, 12))

    assert status.exemption == longer
    assert status.next_change == Change(at=at(2006, 8, 1), effective=Stage.MOBILE, rule=Rule.PHASE)


def test_status_back_to_back_exemptions_stay_open_across_the_seam() -> None:
    following = ExemptionWindow(EXEMPT_UNTIL, at(2006, 8, 1), exemption_id=9)
    facts = facts_of(exemptions=(MID_PHASE, following))

    status = line_status(facts, at(2006, 7, 2))

    assert status.next_change == Change(at=at(2006, 8, 1), effective=Stage.MOBILE, rule=Rule.PHASE)
    assert line_status(facts, EXEMPT_UNTIL).exemption == following


# An exemption across the mobile -> full transition.

ACROSS = ExemptionWindow(starts_at=at(2006, 9, 20), ends_at=at(2006, 10, 10), exemption_id=3)


def test_status_exemption_across_full_next_change_is_exemption_end() -> None:
    status = line_status(facts_of(exemptions=(ACROSS,)), at(2006, 9, 25))

    assert status.scheduled == Stage.MOBILE
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.EXEMPTION
    assert status.next_change == Change(at=at(2006, 10, 10), effective=Stage.FULL, rule=Rule.PHASE)


def test_status_exemption_across_full_still_open_on_1_october() -> None:
    status = line_status(facts_of(exemptions=(ACROSS,)), FULL_FROM)

    assert status.scheduled == Stage.FULL
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.EXEMPTION
    assert status.advice == Advice.EXEMPT
    assert status.next_change == Change(at=at(2006, 10, 10), effective=Stage.FULL, rule=Rule.PHASE)


def test_status_exemption_across_full_full_after_end() -> None:
    status = line_status(facts_of(exemptions=(ACROSS,)), at(2006, 10, 10))

    assert status.effective == Stage.FULL
    assert status.rule == Rule.PHASE
    assert status.advice == Advice.USE_OUR_SERVER_OR_SUBMISSION
    assert status.next_change is None


def test_status_exemption_across_full_before_start_next_change_is_start() -> None:
    status = line_status(facts_of(exemptions=(ACROSS,)), at(2006, 9, 1))

    assert status.effective == Stage.MOBILE
    assert status.next_change == Change(
        at=at(2006, 9, 20), effective=Stage.OPEN, rule=Rule.EXEMPTION
    )


# An exemption while the group is still open.

EARLY = ExemptionWindow(starts_at=at(2006, 5, 20), ends_at=at(2006, 6, 10), exemption_id=4)


def test_status_no_phase_yet_when_exempt_before_roll_out() -> None:
    status = line_status(facts_of(exemptions=(EARLY,)), at(2006, 5, 25))

    assert status.scheduled == Stage.OPEN
    assert status.exemption == EARLY
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.NO_PHASE_YET
    assert status.advice == Advice.PREPARE
    assert status.next_change == Change(at=at(2006, 6, 10), effective=Stage.MOBILE, rule=Rule.PHASE)


def test_status_exemption_rule_once_phase_begins_under_exemption() -> None:
    status = line_status(facts_of(exemptions=(EARLY,)), jst(2006, 6, 1))

    assert status.scheduled == Stage.MOBILE
    assert status.effective == Stage.OPEN
    assert status.rule == Rule.EXEMPTION
    assert status.advice == Advice.EXEMPT


def test_status_exemption_entirely_before_roll_out_changes_nothing() -> None:
    before = ExemptionWindow(at(2006, 5, 1), at(2006, 5, 10))
    status = line_status(facts_of(exemptions=(before,)), at(2006, 5, 5))

    assert status.rule == Rule.NO_PHASE_YET
    assert status.next_change == Change(at=jst(2006, 6, 1), effective=Stage.MOBILE, rule=Rule.PHASE)


# Other inputs.


def test_line_status_naive_datetime_raises_value_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        line_status(facts_of(), datetime(2006, 7, 1))


def test_status_open_with_no_phases_and_no_next_change() -> None:
    facts = LineFacts(service_in_scope=True, service_blocks_static_ip=False, static_ip=False)
    status = line_status(facts, at(2006, 7, 1))

    assert status.effective == Stage.OPEN
    assert status.rule == Rule.NO_PHASE_YET
    assert status.next_change is None
    assert status.advice == Advice.NOT_AFFECTED


def test_status_at_is_the_instant_asked_for() -> None:
    moment = at(2006, 7, 1, 13, 45)

    assert line_status(facts_of(), moment).at == moment


# group_stage and group_phase_in_force.


@pytest.mark.parametrize("group", GROUP_CODES)
def test_group_stage_follows_calendar(group: str) -> None:
    phases = phases_of(group)

    assert group_stage(phases, MOBILE_DATES[group] - TICK) == Stage.OPEN
    assert group_stage(phases, MOBILE_DATES[group]) == Stage.MOBILE
    assert group_stage(phases, FULL_FROM - TICK) == Stage.MOBILE
    assert group_stage(phases, FULL_FROM) == Stage.FULL


def test_group_stage_open_without_phases() -> None:
    assert group_stage((), at(2006, 7, 1)) == Stage.OPEN


def test_group_phase_in_force_none_before_first_phase() -> None:
    assert group_phase_in_force(phases_of("eadsl-2"), at(2006, 6, 7)) is None


def test_group_phase_in_force_returns_the_phase_object() -> None:
    mobile, full = sorted(phases_of("eadsl-2"), key=lambda p: p.effective_at)

    assert group_phase_in_force((mobile, full), at(2006, 6, 8)) == mobile
    assert group_phase_in_force((mobile, full), at(2006, 10, 2)) == full


def test_group_phase_in_force_strongest_wins_over_later_weaker() -> None:
    # A weaker phase scheduled after a stronger one does not weaken the block.
    full = Phase(Stage.FULL, at(2006, 6, 1), phase_id=1)
    mobile = Phase(Stage.MOBILE, at(2006, 7, 1), phase_id=2)

    assert group_phase_in_force((full, mobile), at(2006, 8, 1)) == full
    assert group_stage((mobile, full), at(2006, 8, 1)) == Stage.FULL


def test_group_phase_in_force_earliest_of_equal_stages() -> None:
    first = Phase(Stage.MOBILE, at(2006, 6, 1), phase_id=1)
    second = Phase(Stage.MOBILE, at(2006, 6, 8), phase_id=2)

    assert group_phase_in_force((second, first), at(2006, 7, 1)) == first


def test_status_later_weaker_phase_is_no_change() -> None:
    full = Phase(Stage.FULL, at(2006, 6, 1))
    mobile = Phase(Stage.MOBILE, at(2006, 7, 1))
    facts = LineFacts(
        service_in_scope=True,
        service_blocks_static_ip=False,
        static_ip=False,
        phases=(full, mobile),
    )

    status = line_status(facts, at(2006, 6, 15))

    assert status.effective == Stage.FULL
    assert status.next_change is None


# Advice and `blocked` for each stage.


@pytest.mark.parametrize(
    ("moment", "effective", "advice"),
    [
        (at(2006, 5, 1), Stage.OPEN, Advice.PREPARE),
        (at(2006, 7, 1), Stage.MOBILE, Advice.USE_OUR_SERVER_FOR_MOBILE),
        (at(2006, 11, 1), Stage.FULL, Advice.USE_OUR_SERVER_OR_SUBMISSION),
    ],
)
def test_advice_for_each_stage(moment: datetime, effective: Stage, advice: Advice) -> None:
    status = line_status(facts_of(), moment)

    assert status.effective == effective
    assert status.advice == advice


@pytest.mark.parametrize(
    ("effective", "blocked"), [(Stage.OPEN, False), (Stage.MOBILE, True), (Stage.FULL, True)]
)
def test_line_status_blocked_for_each_stage(effective: Stage, blocked: bool) -> None:
    status = LineStatus(
        at=at(2006, 7, 1),
        scheduled=effective,
        phase=None,
        exemption=None,
        effective=effective,
        rule=Rule.PHASE,
        next_change=None,
        advice=Advice.NOT_AFFECTED,
    )

    assert status.blocked is blocked


def test_exemption_windows_only_from_granted_rows() -> None:
    from blocking.models import Exemption, ExemptionState
    from blocking.selectors import exemption_windows

    start = datetime(2006, 6, 1, tzinfo=UTC)
    rows = [
        Exemption(pk=n, line_id=7, state=state, starts_at=start, ends_at=start + timedelta(days=9))
        for n, state in enumerate(ExemptionState, start=1)
    ]
    kept_open = {window.exemption_id for window in exemption_windows(rows)[7]}
    granted = {ExemptionState.ACTIVE, ExemptionState.EXPIRED, ExemptionState.REVOKED}
    assert kept_open == {row.pk for row in rows if row.state in granted}
