"""How a status is put into words, and the dashboard's pure decisions; no database."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from blocking.models import Exemption, ExemptionState
from blocking.policy import (
    Advice,
    ExemptionWindow,
    LineFacts,
    Phase,
    Rule,
    line_status,
)
from blocking.presentation import (
    ADVICE_SENTENCES,
    EXEMPTION_STATE_SENTENCES,
    RULE_LABELS,
    change_sentence,
    countdown_text,
    days_until,
    status_sentence,
)
from blocking.stages import Stage
from portal.subscriber.dashboard import (
    ExemptionCard,
    Guidance,
    line_can_request,
    subscriber_guidance,
)

JST = ZoneInfo("Asia/Tokyo")
MOBILE_FROM = datetime(2006, 6, 1, tzinfo=JST)
FULL_FROM = datetime(2006, 10, 1, tzinfo=JST)
PHASES = (Phase(Stage.MOBILE, MOBILE_FROM), Phase(Stage.FULL, FULL_FROM))


def facts(**overrides: object) -> LineFacts:
    values: dict[str, object] = {
        "service_in_scope": True,
        "service_blocks_static_ip": False,
        "static_ip": False,
        "phases": PHASES,
    }
    values.update(overrides)
    return LineFacts(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_every_rule_advice_and_state_has_words():
    assert set(RULE_LABELS) == set(Rule)
    assert set(ADVICE_SENTENCES) == set(Advice)
    assert set(EXEMPTION_STATE_SENTENCES) == set(ExemptionState)


@pytest.mark.parametrize(
    ("line", "at", "sentence"),
    [
        (facts(), datetime(2006, 5, 22, tzinfo=JST), "Port 25 is not blocked on this line yet."),
        (
            facts(),
            datetime(2006, 6, 1, tzinfo=JST),
            "Port 25 from this line to mobile phone carriers' mail servers is blocked.",
        ),
        (
            facts(),
            datetime(2006, 10, 1, tzinfo=JST),
            "Port 25 from this line is blocked, except to our own mail servers.",
        ),
        (
            facts(service_in_scope=False),
            datetime(2006, 10, 1, tzinfo=JST),
            "Port 25 is not blocked on this kind of line.",
        ),
        (
            facts(static_ip=True),
            datetime(2006, 10, 1, tzinfo=JST),
            "Port 25 is not blocked on this line, because it has a fixed IP address.",
        ),
        (
            facts(exemptions=(ExemptionWindow(MOBILE_FROM, FULL_FROM),)),
            datetime(2006, 7, 1, tzinfo=JST),
            "Port 25 is open on this line because of your exemption.",
        ),
    ],
)
def test_status_sentence_per_rule(line, at, sentence):
    assert status_sentence(line_status(line, at)) == sentence


def test_change_sentence_for_coming_stages_and_exemption():
    before = line_status(facts(), datetime(2006, 5, 22, tzinfo=JST))
    assert change_sentence(before.next_change) == (
        "Port 25 to mobile phone carriers' mail servers will be blocked."
    )
    mobile = line_status(facts(), datetime(2006, 7, 1, tzinfo=JST))
    assert change_sentence(mobile.next_change) == (
        "All port 25 will be blocked, except to our own mail servers."
    )
    window = ExemptionWindow(datetime(2006, 8, 1, tzinfo=JST), datetime(2006, 9, 1, tzinfo=JST))
    waiting = line_status(facts(exemptions=(window,)), datetime(2006, 7, 1, tzinfo=JST))
    assert change_sentence(waiting.next_change) == "Your exemption starts: port 25 will be open."


def test_days_until_counts_japanese_calendar_days():
    # 23:30 JST on 31 May is 14:30 UTC; 1 June 00:00 JST is the next calendar day in Japan.
    late_evening = datetime(2006, 5, 31, 23, 30, tzinfo=JST)
    assert days_until(at=MOBILE_FROM, now=late_evening) == 1
    assert days_until(at=MOBILE_FROM, now=datetime(2006, 6, 1, 0, 5, tzinfo=JST)) == 0
    assert days_until(at=FULL_FROM, now=datetime(2006, 9, 1, 12, tzinfo=JST)) == 30


@pytest.mark.parametrize(
    ("days", "text"), [(0, "today"), (1, "tomorrow"), (2, "in 2 days"), (30, "in 30 days")]
)
def test_countdown_text_in_english(days, text):
    assert countdown_text(days) == text


def test_subscriber_guidance():
    blocked = line_status(facts(), datetime(2006, 10, 1, tzinfo=JST))
    never = line_status(facts(service_in_scope=False), datetime(2006, 10, 1, tzinfo=JST))
    assert subscriber_guidance(statuses=[]) == Guidance.NO_LINE
    assert subscriber_guidance(statuses=[never]) == Guidance.NOT_AFFECTED
    assert subscriber_guidance(statuses=[never, blocked]) == Guidance.AFFECTED


def _card(state: ExemptionState) -> ExemptionCard:
    return ExemptionCard(exemption=Exemption(state=state), sentence="")


def test_line_can_request_only_when_blocked_and_nothing_open():
    blocked = line_status(facts(), datetime(2006, 10, 1, tzinfo=JST))
    coming = line_status(facts(), datetime(2006, 5, 22, tzinfo=JST))
    static = line_status(facts(static_ip=True), datetime(2006, 10, 1, tzinfo=JST))
    assert line_can_request(status=blocked, exemptions=()) is True
    assert line_can_request(status=coming, exemptions=()) is True
    assert line_can_request(status=static, exemptions=()) is False
    assert line_can_request(status=blocked, exemptions=(_card(ExemptionState.DENIED),)) is True
    assert line_can_request(status=blocked, exemptions=(_card(ExemptionState.REQUESTED),)) is False
    assert line_can_request(status=blocked, exemptions=(_card(ExemptionState.ACTIVE),)) is False
    no_phases = line_status(facts(phases=()), datetime(2006, 10, 1, tzinfo=JST))
    assert line_can_request(status=no_phases, exemptions=()) is False
