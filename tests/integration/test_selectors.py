"""Reads gather a line's facts from the database in a constant number of queries."""

import pytest

from accounts.models import Subscriber
from blocking.models import Exemption, ExemptionState
from blocking.policy import Rule
from blocking.selectors import schedule_by_service, subscriber_lines_with_status
from blocking.stages import Stage
from tests.conftest import at_jst, make_line

pytestmark = pytest.mark.django_db


def test_subscriber_lines_with_status_follows_each_group(subscriber: Subscriber) -> None:
    make_line(subscriber, "taro-west", group="flets-west")
    statuses = {
        line.line_id: status.effective
        for line, status in subscriber_lines_with_status(
            subscriber=subscriber, at=at_jst(2006, 6, 10)
        )
    }
    assert statuses == {"taro@eadsl": Stage.MOBILE, "taro-west": Stage.OPEN}


def test_subscriber_lines_with_status_applies_revocation(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    Exemption.objects.create(
        line=line,
        reason="Own server",
        state=ExemptionState.REVOKED,
        starts_at=at_jst(2006, 10, 1),
        ends_at=at_jst(2006, 12, 1),
        revoked_at=at_jst(2006, 10, 15),
    )
    ((_, during),) = subscriber_lines_with_status(subscriber=subscriber, at=at_jst(2006, 10, 10))
    ((_, after),) = subscriber_lines_with_status(subscriber=subscriber, at=at_jst(2006, 10, 16))
    assert (during.rule, during.effective) == (Rule.EXEMPTION, Stage.OPEN)
    assert (after.rule, after.effective) == (Rule.PHASE, Stage.FULL)


def test_requested_exemption_keeps_nothing_open(subscriber: Subscriber) -> None:
    Exemption.objects.create(
        line=subscriber.lines.get(),
        reason="Own server",
        starts_at=at_jst(2006, 10, 1),
        ends_at=at_jst(2006, 12, 1),
    )
    ((_, status),) = subscriber_lines_with_status(subscriber=subscriber, at=at_jst(2006, 10, 10))
    assert status.effective == Stage.FULL


@pytest.mark.parametrize("extra_lines", [0, 6])
def test_subscriber_lines_with_status_query_count_constant(
    subscriber: Subscriber, django_assert_num_queries: object, extra_lines: int
) -> None:
    for n in range(extra_lines):
        make_line(subscriber, f"taro-extra-{n}", group="flets-east")
    with django_assert_num_queries(3):  # type: ignore[operator]
        result = subscriber_lines_with_status(subscriber=subscriber, at=at_jst(2006, 7, 1))
    assert len(result) == 1 + extra_lines


def test_schedule_by_service_lists_in_scope_first(
    announcement: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(2):  # type: ignore[operator]
        schedule = schedule_by_service(at=at_jst(2006, 6, 10))
    assert [s.service.code for s in schedule] == ["eadsl", "flets"]
    assert [g.stage_now for g in schedule[0].groups] == [Stage.MOBILE, Stage.MOBILE]
    assert [g.stage_now for g in schedule[1].groups] == [Stage.OPEN, Stage.OPEN]
