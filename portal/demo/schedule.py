"""The demo's rollout schedule: placed around today, or the announcement's literal 2006 dates.

Besides the announcement it loads two services that show the exceptions to
blocking (a service outside OP25B, a static-IP line), and it sums up each line
group's stage today for the summary a run prints.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from blocking.announcement import (
    JST,
    PHASES_2006,
    SUBMISSION_FROM,
    GroupSpec,
    PhaseSpec,
    ServiceSpec,
    announcement_load,
    jst,
    line_groups_ensure,
    phases_ensure,
    services_ensure,
)
from blocking.selectors import schedule_by_service
from blocking.stages import Stage

CALENDAR_RELATIVE = "relative"
CALENDAR_2006 = "2006"
CALENDARS = (CALENDAR_RELATIVE, CALENDAR_2006)

# Services beyond the announcement, so that the two exceptions to blocking
# (a service outside OP25B, a static-IP line) exist in the demo.
EXTRA_SERVICES = (
    ServiceSpec("dialup", "Dial-up", op25b_in_scope=False),
    ServiceSpec("fiber-biz", "Business fibre (static IP)", op25b_in_scope=True),
)
EXTRA_GROUPS = (
    GroupSpec("dialup", "dialup-1", "Dial-up"),
    GroupSpec("fiber-biz", "fiber-biz-1", "Business fibre"),
)
# Business fibre is in scope, so it has a schedule: the first wave's.
_FIBER_FOLLOWS = "eadsl-1"


def jst_midnight(*, at: datetime) -> datetime:
    """The start of `at`'s day in Japan: the relative schedule counts whole days from it."""
    day = at.astimezone(JST).date()
    return jst(day.year, day.month, day.day)


def schedule_relative(*, today: datetime) -> tuple[PhaseSpec, ...]:
    """Phases around `today` so that each announcement group shows a different status."""

    def day(offset: int) -> datetime:
        return today + timedelta(days=offset)

    note = "Demo schedule, relative to the day it was loaded"
    return (
        PhaseSpec("eadsl-1", Stage.MOBILE, day(-90), note),
        PhaseSpec("eadsl-1", Stage.FULL, day(-30), note),
        PhaseSpec("eadsl-2", Stage.MOBILE, day(-60), note),
        PhaseSpec("eadsl-2", Stage.FULL, day(30), note),
        PhaseSpec("flets-east", Stage.MOBILE, day(-3), note),
        PhaseSpec("flets-east", Stage.FULL, day(90), note),
        PhaseSpec("flets-west", Stage.MOBILE, day(7), note),
        PhaseSpec("flets-west", Stage.FULL, day(120), note),
    )


@transaction.atomic
def schedule_load(*, calendar: str, now: datetime) -> None:
    """The announcement (with the chosen calendar) plus the services outside the rule."""
    if calendar == CALENDAR_2006:
        phases, submission_from = PHASES_2006, SUBMISSION_FROM
    elif calendar == CALENDAR_RELATIVE:
        today = jst_midnight(at=now)
        phases = schedule_relative(today=today)
        submission_from = today - timedelta(days=120)
    else:
        raise ValueError(f"unknown calendar {calendar!r}")
    announcement_load(
        phases=phases, submission_from=submission_from, smtp_host=settings.PORTAL_SMTP_HOST
    )

    services = services_ensure(specs=EXTRA_SERVICES)
    groups = line_groups_ensure(specs=EXTRA_GROUPS, services=services)
    # Business fibre follows eADSL group 1's dates, so its static lines show the rule.
    follows = [
        PhaseSpec("fiber-biz-1", spec.stage, spec.effective_at, spec.note)
        for spec in phases
        if spec.group == _FIBER_FOLLOWS
    ]
    phases_ensure(phases=follows, groups=groups)


@dataclass(frozen=True)
class GroupToday:
    """A line group's stage now and its next phase, for the summary a run prints."""

    service: str
    group: str
    in_scope: bool
    stage: Stage
    next_stage: Stage | None
    next_at: datetime | None


def schedule_today(*, at: datetime) -> list[GroupToday]:
    found = []
    for service in schedule_by_service(at=at):
        for group in service.groups:
            upcoming = sorted(
                (p for p in group.phases if p.effective_at > at), key=lambda p: p.effective_at
            )
            found.append(
                GroupToday(
                    service=service.service.name,
                    group=group.group.code,
                    in_scope=service.service.op25b_in_scope,
                    stage=group.stage_now,
                    next_stage=upcoming[0].stage if upcoming else None,
                    next_at=upcoming[0].effective_at if upcoming else None,
                )
            )
    return found
