"""What the dashboard shows: each line's status and next change, each mailbox's settings.

`dashboard_get` reads everything in a constant number of queries, however many
lines, mailboxes and requests the subscriber has; `subscriber_guidance` is pure.
The schedule is the same for everyone and comes from the short shared cache.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Line, LineGroup, Mailbox, Subscriber
from blocking.models import AuthMethod, Exemption, ExemptionState, SubmissionAccessState
from blocking.policy import LineStatus, Phase, Rule, line_status
from blocking.presentation import (
    ADVICE_SENTENCES,
    EXEMPTION_STATE_SENTENCES,
    change_sentence,
    countdown_text,
    days_until,
    status_sentence,
)
from blocking.selectors import exemption_windows, line_facts, phases_by_group
from portal.mail_settings import MailSettings, mail_settings_get, mailbox_auth_methods
from portal.published import PHASES, published_get

# A subscriber's request history shown on the dashboard: far more than anyone has.
EXEMPTIONS_SHOWN = 50
# Rules under which port 25 is never blocked, so an exemption would change nothing.
_NEVER_BLOCKED = (Rule.SERVICE_NOT_IN_SCOPE, Rule.STATIC_IP_NOT_BLOCKED)
# A line with one of these may not ask again: staff answer or extend the one there is.
_OPEN_REQUEST_STATES = (ExemptionState.REQUESTED, ExemptionState.ACTIVE)


class Guidance(StrEnum):
    """What the subscriber as a whole must consider."""

    AFFECTED = "affected"  # a line of ours is blocked now or will be
    NOT_AFFECTED = "not_affected"  # their lines are never blocked
    NO_LINE = "no_line"  # mailboxes only: they connect through another provider


@dataclass(frozen=True)
class ExemptionCard:
    exemption: Exemption
    sentence: str

    @property
    def state(self) -> ExemptionState:
        return ExemptionState(self.exemption.state)


@dataclass(frozen=True)
class LineCard:
    line: Line
    status: LineStatus
    sentence: str  # the status now, in one sentence
    advice: str  # what to do about this line
    change: str  # the next change, in one sentence ("" when none)
    countdown: str  # "in 30 days"
    days_left: int | None
    exemptions: tuple[ExemptionCard, ...]  # this line's requests and exemptions, newest first
    can_request: bool

    @property
    def pending(self) -> ExemptionCard | None:
        return next((e for e in self.exemptions if e.state is ExemptionState.REQUESTED), None)


@dataclass(frozen=True)
class MailboxCard:
    mailbox: Mailbox
    settings: MailSettings
    suspended: bool  # sending through our server is stopped (a compromised mailbox)

    @property
    def smtp_auth_tls(self) -> bool:
        return AuthMethod.SMTP_AUTH_TLS in self.settings.auth_methods


@dataclass(frozen=True)
class Dashboard:
    subscriber: Subscriber
    now: datetime
    guidance: Guidance
    lines: tuple[LineCard, ...]
    mailboxes: tuple[MailboxCard, ...]
    mail_settings: MailSettings  # the service's, not personalised to a mailbox

    @property
    def submission_available(self) -> bool:
        return self.mail_settings.submission_available(at=self.now)


def line_affected(status: LineStatus) -> bool:
    """Whether OP25B touches this line now or at a coming change."""
    return status.blocked or status.next_change is not None or status.rule is Rule.EXEMPTION


def line_can_request(*, status: LineStatus, exemptions: tuple[ExemptionCard, ...]) -> bool:
    """An exemption makes sense (the line is or will be blocked) and none is open."""
    if status.rule in _NEVER_BLOCKED or not line_affected(status):
        return False
    return not any(card.state in _OPEN_REQUEST_STATES for card in exemptions)


def subscriber_guidance(*, statuses: list[LineStatus]) -> Guidance:
    if not statuses:
        return Guidance.NO_LINE
    if any(line_affected(status) for status in statuses):
        return Guidance.AFFECTED
    return Guidance.NOT_AFFECTED


def _line_card(
    *, line: Line, status: LineStatus, exemptions: tuple[ExemptionCard, ...], now: datetime
) -> LineCard:
    change = status.next_change
    days = days_until(at=change.at, now=now) if change else None
    return LineCard(
        line=line,
        status=status,
        sentence=status_sentence(status),
        advice=str(ADVICE_SENTENCES[status.advice]),
        change=change_sentence(change) if change else "",
        countdown=countdown_text(days) if days is not None else "",
        days_left=days,
        exemptions=exemptions,
        can_request=line_can_request(status=status, exemptions=exemptions),
    )


def _exemption_cards(rows: Iterable[Exemption]) -> dict[int, tuple[ExemptionCard, ...]]:
    found: dict[int, list[ExemptionCard]] = defaultdict(list)
    for row in rows:
        sentence = str(EXEMPTION_STATE_SENTENCES[ExemptionState(row.state)])
        found[row.line_id].append(ExemptionCard(exemption=row, sentence=sentence))
    return {line_id: tuple(cards) for line_id, cards in found.items()}


def line_exemptions(*, line: Line) -> tuple[ExemptionCard, ...]:
    """One line's requests and exemptions, newest first: one query."""
    rows = Exemption.objects.filter(line=line).order_by("-requested_at", "-id")
    return _exemption_cards(rows[:EXEMPTIONS_SHOWN]).get(line.pk, ())


def _suspended(mailbox: Mailbox) -> bool:
    try:
        access = mailbox.submission_access
    except ObjectDoesNotExist:
        return False  # no row of its own: the service's defaults, enabled
    return access.state == SubmissionAccessState.SUSPENDED


def mailbox_cards(*, subscriber: Subscriber, base: MailSettings) -> tuple[MailboxCard, ...]:
    """Each mailbox with its own settings: one query, whatever the number of mailboxes.

    `mail_settings_get(mailbox=...)` would read the submission service once per
    mailbox; the service is read once (`base`) and narrowed per mailbox here.
    """
    mailboxes = subscriber.mailboxes.select_related("submission_access").order_by("address")
    cards = []
    for mailbox in mailboxes:
        methods = mailbox_auth_methods(base.auth_methods, mailbox)
        settings = replace(
            base,
            auth_methods=methods,
            pop_before_smtp=AuthMethod.POP_BEFORE_SMTP in methods,
            address=mailbox.address,
            login=mailbox.login,
        )
        cards.append(MailboxCard(mailbox=mailbox, settings=settings, suspended=_suspended(mailbox)))
    return tuple(cards)


def schedule_phases() -> dict[int, tuple[Phase, ...]]:
    """Every line group's phases: none of the reader's own, so kept for everyone."""
    return published_get(
        name=PHASES,
        build=lambda: (
            phases_by_group(group_ids=list(LineGroup.objects.values_list("pk", flat=True))),
            None,
        ),
    )


def dashboard_get(*, subscriber: Subscriber, now: datetime) -> Dashboard:
    """Everything the dashboard shows, in three queries while the schedule is kept."""
    lines = subscriber.lines.select_related("line_group__access_service").order_by("line_id")
    # All of them, not the EXEMPTIONS_SHOWN newest: the statuses need every granted window.
    rows = list(
        Exemption.objects.filter(line__subscriber=subscriber).order_by("-requested_at", "-id")
    )
    phases, windows = schedule_phases(), exemption_windows(rows)
    statuses = [
        (line, line_status(line_facts(line=line, phases=phases, exemptions=windows), now))
        for line in lines
    ]
    exemptions = _exemption_cards(rows[:EXEMPTIONS_SHOWN])
    base = mail_settings_get()
    return Dashboard(
        subscriber=subscriber,
        now=now,
        guidance=subscriber_guidance(statuses=[status for _line, status in statuses]),
        lines=tuple(
            _line_card(
                line=line,
                status=status,
                exemptions=tuple(exemptions.get(line.pk, ())),
                now=now,
            )
            for line, status in statuses
        ),
        mailboxes=mailbox_cards(subscriber=subscriber, base=base),
        mail_settings=base,
    )
