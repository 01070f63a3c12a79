""" "Will my mail still go out?" over the 2006 calendar, with no database."""

from datetime import datetime

import pytest

from blocking.advice import (
    Action,
    Answer,
    Connection,
    Outcome,
    Question,
    Sender,
    StageWindow,
    checker_answer,
    connection_for_ip,
    host_is_ours,
    mail_outcome,
    stage_windows,
)
from blocking.announcement import GROUPS, PHASES_2006, SUBMISSION_FROM, jst
from blocking.policy import Phase
from blocking.stages import Stage

OUR_NETWORKS = ("203.0.113.0/24", "2001:db8:100::/40")
OUR_HOSTS = ("smtp.example.ne.jp", "pop.example.ne.jp", "imap.example.ne.jp")


def phases_of(group: str) -> tuple[Phase, ...]:
    return tuple(
        Phase(stage=spec.stage, effective_at=spec.effective_at)
        for spec in PHASES_2006
        if spec.group == group
    )


GENERAL = stage_windows(schedules=[phases_of(group.code) for group in GROUPS])
EADSL_2 = stage_windows(schedules=[phases_of("eadsl-2")])


def answer(
    question: Question,
    at: datetime,
    windows: tuple[StageWindow, ...] = EADSL_2,
) -> Answer:
    return checker_answer(
        question=question,
        windows=windows,
        at=at,
        our_hosts=OUR_HOSTS,
        mail_domain="example.ne.jp",
        submission_starts_at=SUBMISSION_FROM,
    )


def test_stage_windows_general_spans_the_rollout() -> None:
    assert (
        StageWindow(Stage.MOBILE, jst(2006, 6, 1), jst(2006, 6, 22)),
        StageWindow(Stage.FULL, jst(2006, 10, 1), jst(2006, 10, 1)),
    ) == GENERAL


def test_stage_windows_one_group_exact() -> None:
    assert (
        StageWindow(Stage.MOBILE, jst(2006, 6, 8), jst(2006, 6, 8)),
        StageWindow(Stage.FULL, jst(2006, 10, 1), jst(2006, 10, 1)),
    ) == EADSL_2


def test_stage_windows_no_schedule_empty() -> None:
    assert stage_windows(schedules=[]) == ()


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("203.0.113.7", Connection.OUR_LINE),
        ("2001:db8:100::1", Connection.OUR_LINE),
        ("198.51.100.7", Connection.OTHER_ISP),
        ("2001:db8:200::1", Connection.OTHER_ISP),
        ("not-an-address", None),
        ("", None),
    ],
)
def test_connection_for_ip(ip: str, expected: Connection | None) -> None:
    assert connection_for_ip(ip=ip, networks=OUR_NETWORKS) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("smtp.example.ne.jp", True),
        ("SMTP.Example.ne.jp.", True),
        (" example.ne.jp ", True),
        ("smtp.gmail.com", False),
        ("", False),
    ],
)
def test_host_is_ours(host: str, expected: bool) -> None:
    assert host_is_ours(host=host, our_hosts=OUR_HOSTS, mail_domain="example.ne.jp") is expected


@pytest.mark.parametrize(
    ("connection", "sender", "port", "stage", "expected"),
    [
        (Connection.OUR_LINE, Sender.OUR_SERVER, 25, Stage.FULL, Outcome.SENDS),
        (Connection.OUR_LINE, Sender.OTHER_PROVIDER, 25, Stage.OPEN, Outcome.SENDS),
        (Connection.OUR_LINE, Sender.OTHER_PROVIDER, 25, Stage.MOBILE, Outcome.SENDS),
        (Connection.OUR_LINE, Sender.OTHER_PROVIDER, 25, Stage.FULL, Outcome.FAILS),
        (Connection.OUR_LINE, Sender.OTHER_PROVIDER, 587, Stage.FULL, Outcome.SENDS),
        (Connection.OUR_LINE, Sender.OWN_SERVER, 25, Stage.MOBILE, Outcome.MOBILE_FAILS),
        (Connection.OUR_LINE, Sender.OWN_SERVER, 25, Stage.FULL, Outcome.FAILS),
        (Connection.OUR_LINE, Sender.OWN_SERVER, 465, Stage.FULL, Outcome.SENDS),
        (Connection.OTHER_ISP, Sender.OUR_SERVER, 25, Stage.OPEN, Outcome.PROVIDER_DECIDES),
        (Connection.OTHER_ISP, Sender.OUR_SERVER, 587, Stage.OPEN, Outcome.SENDS),
        (Connection.OTHER_ISP, Sender.OWN_SERVER, 25, Stage.OPEN, Outcome.PROVIDER_DECIDES),
    ],
)
def test_mail_outcome(
    connection: Connection, sender: Sender, port: int, stage: Stage, expected: Outcome
) -> None:
    assert mail_outcome(connection=connection, sender=sender, port=port, stage=stage) == expected


def test_answer_our_line_our_server_nothing_to_change() -> None:
    result = answer(Question(Connection.OUR_LINE, Sender.OUR_SERVER), jst(2006, 5, 22))
    assert [m.outcome for m in (result.now, *result.coming)] == [Outcome.SENDS] * 3
    assert (result.actions, result.change_by, result.needs_change) == (
        (Action.NOTHING,),
        None,
        False,
    )


def test_answer_our_line_gmail_port_25_must_change_by_october() -> None:
    result = answer(Question(Connection.OUR_LINE, Sender.OTHER_PROVIDER), jst(2006, 5, 22))
    assert [(m.stage, m.outcome) for m in (result.now, *result.coming)] == [
        (Stage.OPEN, Outcome.SENDS),
        (Stage.MOBILE, Outcome.SENDS),
        (Stage.FULL, Outcome.FAILS),
    ]
    assert result.actions == (Action.USE_PROVIDER_SUBMISSION, Action.USE_OUR_SUBMISSION)
    assert (result.change_by, result.port, result.port_assumed) == (jst(2006, 10, 1), 25, True)


def test_answer_own_server_fails_to_mobiles_from_group_date() -> None:
    result = answer(Question(Connection.OUR_LINE, Sender.OWN_SERVER, port=25), jst(2006, 5, 22))
    assert [m.outcome for m in result.coming] == [Outcome.MOBILE_FAILS, Outcome.FAILS]
    assert result.actions == (Action.RELAY_THROUGH_OUR_SERVER, Action.REQUEST_EXEMPTION)
    assert result.change_by == jst(2006, 6, 8)
    assert result.submission_starts_at == SUBMISSION_FROM


def test_answer_own_server_already_failing_change_by_now() -> None:
    at = jst(2006, 11, 1)
    result = answer(Question(Connection.OUR_LINE, Sender.OWN_SERVER, port=25), at)
    assert (result.now.stage, result.now.outcome, result.coming) == (Stage.FULL, Outcome.FAILS, ())
    assert (result.change_by, result.submission_starts_at) == (at, None)


def test_answer_general_schedule_mid_rollout_shows_worst_case_now() -> None:
    at = jst(2006, 6, 10)
    result = answer(Question(Connection.OUR_LINE, Sender.OWN_SERVER), at, GENERAL)
    assert (result.now.stage, result.now.outcome, result.now.started) == (
        Stage.MOBILE,
        Outcome.MOBILE_FAILS,
        True,
    )
    assert [(m.window, m.started) for m in result.coming] == [
        (GENERAL[0], True),
        (GENERAL[1], False),
    ]
    assert result.change_by == at


def test_answer_general_schedule_before_rollout_changes_by_first_group_date() -> None:
    result = answer(Question(Connection.OUR_LINE, Sender.OWN_SERVER), jst(2006, 5, 1), GENERAL)
    assert (result.now.stage, result.now.started) == (Stage.OPEN, False)
    assert result.change_by == jst(2006, 6, 1)


def test_answer_our_host_typed_counts_as_our_server() -> None:
    question = Question(Connection.OUR_LINE, Sender.OTHER_PROVIDER, host="smtp.example.ne.jp")
    result = answer(question, jst(2006, 5, 22))
    assert (result.sender, result.actions) == (Sender.OUR_SERVER, (Action.NOTHING,))


def test_answer_static_ip_line_not_blocked() -> None:
    question = Question(Connection.OUR_LINE, Sender.OWN_SERVER, static_ip=True)
    result = answer(question, jst(2006, 5, 22))
    assert [m.stage for m in result.coming] == [Stage.OPEN, Stage.OPEN]
    assert result.actions == (Action.NOTHING,)


def test_answer_service_out_of_scope_not_blocked() -> None:
    question = Question(Connection.OUR_LINE, Sender.OWN_SERVER, service_in_scope=False)
    result = answer(question, jst(2006, 5, 22))
    assert [m.outcome for m in result.coming] == [Outcome.SENDS, Outcome.SENDS]


def test_answer_other_isp_our_server_port_25_use_submission() -> None:
    result = answer(Question(Connection.OTHER_ISP, Sender.OUR_SERVER, port=25), jst(2006, 6, 1))
    assert (result.now.outcome, result.actions) == (
        Outcome.PROVIDER_DECIDES,
        (Action.USE_OUR_SUBMISSION,),
    )
    assert result.submission_starts_at == SUBMISSION_FROM


def test_answer_other_isp_our_server_port_587_nothing() -> None:
    result = answer(Question(Connection.OTHER_ISP, Sender.OUR_SERVER, port=587), jst(2007, 1, 1))
    assert (result.now.outcome, result.actions, result.submission_starts_at) == (
        Outcome.SENDS,
        (Action.NOTHING,),
        None,
    )


def test_answer_other_isp_other_provider_not_ours_to_block() -> None:
    result = answer(Question(Connection.OTHER_ISP, Sender.OTHER_PROVIDER), jst(2007, 1, 1))
    assert (result.now.stage, result.actions) == (Stage.OPEN, (Action.NOTHING,))
