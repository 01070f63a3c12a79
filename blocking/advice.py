""" "Will my mail still go out?": the answer, as pure functions over the schedule.

The visitor says how they connect (through our lines or another ISP's) and
which server they send through (ours, another provider's, their own) on which
port. For now and for each coming stage of their line group's schedule (or of
the general schedule when they don't know their group) we say whether mail
goes out, and what to change. Which stage a line is in comes from
`blocking.policy.line_status`, so the rules (service in scope, static IP) are
the status function's, not repeated here. No I/O.
"""

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from blocking.policy import LineFacts, Phase, line_status
from blocking.stages import SCHEDULABLE_STAGES, Stage

SMTP_PORT = 25


class Connection(models.TextChoices):
    """How the visitor's computer or phone reaches the Internet when sending."""

    OUR_LINE = "our_line", _("Through our Internet service (our lines)")
    OTHER_ISP = (
        "other_isp",
        _("Through another provider (another ISP, a mobile network, an office network)"),
    )


class Sender(models.TextChoices):
    """The outgoing (SMTP) server the visitor's mail program sends through."""

    OUR_SERVER = "our_server", _("Our mail server")
    OTHER_PROVIDER = "other_provider", _("Another provider's mail server (Gmail, another ISP…)")
    OWN_SERVER = "own_server", _("My own mail server, or my program delivers mail directly")


class Outcome(StrEnum):
    """What happens to the visitor's outgoing mail at one moment."""

    SENDS = "sends"  # goes out; our blocking does not touch it
    MOBILE_FAILS = "mobile_fails"  # mail to mobile phone addresses does not go out
    FAILS = "fails"  # no mail goes out
    PROVIDER_DECIDES = "provider_decides"  # our blocking does not apply; their ISP's may

    @property
    def ok(self) -> bool:
        return self in (Outcome.SENDS, Outcome.PROVIDER_DECIDES)


class Action(StrEnum):
    """What the visitor should change, strongest first in an answer."""

    USE_OUR_SUBMISSION = "use_our_submission"  # our server, port 587/465 with authentication
    USE_PROVIDER_SUBMISSION = "use_provider_submission"  # their provider's 587/465
    RELAY_THROUGH_OUR_SERVER = "relay_through_our_server"  # own server: smarthost via ours
    REQUEST_EXEMPTION = "request_exemption"  # a subscriber may ask to keep port 25 open
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class StageWindow:
    """A stage begins between `earliest` and `latest` (equal for one line group)."""

    stage: Stage
    earliest: datetime
    latest: datetime


@dataclass(frozen=True, slots=True)
class Question:
    connection: Connection
    sender: Sender
    port: int | None = None  # None: the visitor doesn't know
    host: str = ""
    # The line, when the visitor picked their line group; the general schedule otherwise.
    service_in_scope: bool = True
    service_blocks_static_ip: bool = False
    static_ip: bool = False


@dataclass(frozen=True, slots=True)
class Moment:
    """The outcome from `window`'s start on (or now, when `window` is None)."""

    window: StageWindow | None
    stage: Stage  # what is blocked on the visitor's line then (open if not our line)
    outcome: Outcome
    # A coming window: it has begun for some line groups already. Now: some stage is
    # part-way through its rollout, so the line's group decides (the worst case is shown).
    started: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    question: Question
    sender: Sender  # the question's, or ours when the host is one of our servers
    port: int  # the question's, or 25 when unknown
    port_assumed: bool
    now: Moment
    coming: tuple[Moment, ...]
    actions: tuple[Action, ...]
    change_by: datetime | None  # when mail first stops going out, if it will
    submission_starts_at: datetime | None  # our port 587 opens then, when still to come

    @property
    def needs_change(self) -> bool:
        return self.actions != (Action.NOTHING,)


def connection_for_ip(*, ip: str, networks: Iterable[str]) -> Connection | None:
    """Our line when `ip` is inside one of our networks; None if `ip` is not an address."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    for network in networks:
        if address in ipaddress.ip_network(network, strict=False):
            return Connection.OUR_LINE
    return Connection.OTHER_ISP


def host_is_ours(*, host: str, our_hosts: Iterable[str], mail_domain: str) -> bool:
    """Whether a server name the visitor typed is one of our mail servers."""
    name = host.strip().rstrip(".").lower()
    if not name:
        return False
    ours = {h.lower() for h in our_hosts}
    return name in ours or name == mail_domain.lower()


def stage_windows(*, schedules: Iterable[Sequence[Phase]]) -> tuple[StageWindow, ...]:
    """Each stage's window across the given line groups' schedules, in stage order.

    One group's schedule gives exact dates; several give the span of the rollout.
    """
    dates: dict[Stage, list[datetime]] = {}
    for phases in schedules:
        for phase in phases:
            dates.setdefault(phase.stage, []).append(phase.effective_at)
    return tuple(
        StageWindow(stage=stage, earliest=min(dates[stage]), latest=max(dates[stage]))
        for stage in SCHEDULABLE_STAGES
        if stage in dates
    )


def mail_outcome(*, connection: Connection, sender: Sender, port: int, stage: Stage) -> Outcome:
    """What happens to mail sent this way while `stage` is in force on the visitor's line."""
    if connection is Connection.OTHER_ISP:
        # Our blocking is on our lines only. On port 25 their own ISP may block.
        return Outcome.PROVIDER_DECIDES if port == SMTP_PORT else Outcome.SENDS
    if sender is Sender.OUR_SERVER or port != SMTP_PORT:
        return Outcome.SENDS
    if stage is Stage.FULL:
        return Outcome.FAILS
    if stage is Stage.MOBILE and sender is Sender.OWN_SERVER:
        # Direct delivery reaches the carriers' servers; another provider's server does
        # the delivery itself, so stage `mobile` does not touch it.
        return Outcome.MOBILE_FAILS
    return Outcome.SENDS


def _actions(question: Question, sender: Sender, port: int, worst: Outcome) -> tuple[Action, ...]:
    if question.connection is Connection.OTHER_ISP:
        if sender is Sender.OUR_SERVER and port == SMTP_PORT:
            return (Action.USE_OUR_SUBMISSION,)
        return (Action.NOTHING,)
    if worst.ok:
        return (Action.NOTHING,)
    if sender is Sender.OTHER_PROVIDER:
        return (Action.USE_PROVIDER_SUBMISSION, Action.USE_OUR_SUBMISSION)
    return (Action.RELAY_THROUGH_OUR_SERVER, Action.REQUEST_EXEMPTION)


def _stage_on_line(
    question: Question, windows: Sequence[StageWindow], at: datetime, *, worst: bool
) -> Stage:
    """The stage the status function puts the visitor's line in at `at`.

    Over several line groups a stage begins on a span of days: `worst` counts it
    from its first day (some line is blocked), otherwise from its last (every line is).
    """
    if question.connection is Connection.OTHER_ISP:
        return Stage.OPEN
    facts = LineFacts(
        service_in_scope=question.service_in_scope,
        service_blocks_static_ip=question.service_blocks_static_ip,
        static_ip=question.static_ip,
        phases=tuple(
            Phase(stage=w.stage, effective_at=w.earliest if worst else w.latest) for w in windows
        ),
    )
    return line_status(facts, at).effective


def checker_answer(
    *,
    question: Question,
    windows: Sequence[StageWindow],
    at: datetime,
    our_hosts: Iterable[str],
    mail_domain: str,
    submission_starts_at: datetime | None,
) -> Answer:
    """The answer to "will my mail still go out?" at `at` and at each coming stage."""
    sender = question.sender
    if host_is_ours(host=question.host, our_hosts=our_hosts, mail_domain=mail_domain):
        sender = Sender.OUR_SERVER
    port = question.port if question.port is not None else SMTP_PORT

    def moment(window: StageWindow | None, instant: datetime, *, started: bool) -> Moment:
        # Now: the worst case over the line groups; a coming stage: once it is everywhere.
        stage = _stage_on_line(question, windows, instant, worst=window is None)
        outcome = mail_outcome(
            connection=question.connection, sender=sender, port=port, stage=stage
        )
        return Moment(window=window, stage=stage, outcome=outcome, started=started)

    in_progress = any(w.earliest <= at < w.latest for w in windows)
    now = moment(None, at, started=in_progress)
    coming = tuple(moment(w, w.latest, started=w.earliest <= at) for w in windows if w.latest > at)
    moments = (now, *coming)
    worst = max((m.outcome for m in moments), key=_severity)
    actions = _actions(question, sender, port, worst)
    change_by = next(
        (m.window.earliest for m in coming if m.window is not None and not m.outcome.ok),
        None,
    )
    if not now.outcome.ok:
        change_by = at
    wants_our_submission = Action.USE_OUR_SUBMISSION in actions or (
        Action.RELAY_THROUGH_OUR_SERVER in actions
    )
    opens_later = submission_starts_at is not None and submission_starts_at > at
    return Answer(
        question=question,
        sender=sender,
        port=port,
        port_assumed=question.port is None,
        now=now,
        coming=coming,
        actions=actions,
        change_by=change_by,
        submission_starts_at=submission_starts_at if wants_our_submission and opens_later else None,
    )


_SEVERITY = {
    Outcome.SENDS: 0,
    Outcome.PROVIDER_DECIDES: 1,
    Outcome.MOBILE_FAILS: 2,
    Outcome.FAILS: 3,
}


def _severity(outcome: Outcome) -> int:
    return _SEVERITY[outcome]
