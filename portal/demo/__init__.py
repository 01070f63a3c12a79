"""Demo data in which every status a subscriber can be in exists today.

`demo_build` loads a schedule (placed around today, or the literal 2006
calendar), two services that show the exceptions to blocking, the staff roles,
named personas with known passwords, and any number of bulk subscribers. The
`demo` management command is its thin adapter.

Bulk subscribers are `s0000001`, `s0000002`, ...; each one's data depends only on
its number (the random generator is seeded per fixed-size chunk), so a second
run skips the ones that exist and adds nothing, and a larger count tops up.
Named personas are reset to their demo state on every run. On PostgreSQL bulk
rows go in by COPY; elsewhere by batched INSERTs of the very same rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Subscriber
from portal.demo.bulk import DEFAULT_SUBSCRIBERS, bulk_subscribers_ensure
from portal.demo.bulk_plan import BULK_MAX, BULK_PASSWORD, bulk_account_id
from portal.demo.personas import personas_ensure
from portal.demo.schedule import (
    CALENDAR_2006,
    CALENDAR_RELATIVE,
    CALENDARS,
    GroupToday,
    jst_midnight,
    schedule_load,
    schedule_today,
)
from portal.demo.staff import Login

__all__ = [
    "BULK_MAX",
    "CALENDARS",
    "CALENDAR_2006",
    "CALENDAR_RELATIVE",
    "DEFAULT_SUBSCRIBERS",
    "DemoResult",
    "bulk_account_id",
    "demo_build",
    "demo_data_exists",
    "jst_midnight",
]


@dataclass(frozen=True)
class DemoResult:
    calendar: str
    today: datetime
    logins: list[Login]
    schedule: list[GroupToday]
    bulk_requested: int
    bulk_added: int
    bulk_password: str


def demo_data_exists() -> bool:
    """Whether any subscriber exists: `--if-empty` then leaves the database alone."""
    return Subscriber.objects.exists()


def demo_build(
    *,
    subscribers: int = DEFAULT_SUBSCRIBERS,
    calendar: str = CALENDAR_RELATIVE,
    progress: bool = False,
    now: datetime | None = None,
) -> DemoResult:
    """Load the schedule, staff, personas and `subscribers` bulk subscribers."""
    if not 0 <= subscribers <= BULK_MAX:
        raise ValueError(f"subscribers must be between 0 and {BULK_MAX}")
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r}")
    now = now or timezone.now()
    today = jst_midnight(at=now)
    with transaction.atomic():
        schedule_load(calendar=calendar, now=now)
        logins = personas_ensure(today=today)
    added = bulk_subscribers_ensure(count=subscribers, now=now, progress=progress)
    return DemoResult(
        calendar=calendar,
        today=today,
        logins=logins,
        schedule=schedule_today(at=now),
        bulk_requested=subscribers,
        bulk_added=added,
        bulk_password=BULK_PASSWORD,
    )
