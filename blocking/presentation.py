"""How a line's OP25B status is put into words, for staff and for subscribers.

One home for these labels so the admin, the staff console and the subscriber
pages explain a status the same way. Pure: no I/O, only translatable text.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocking.models import ExemptionState
from blocking.policy import Advice, Change, LineStatus, Rule
from blocking.stages import Stage

# Why the effective stage is what it is, as a clause staff read after "because of".
RULE_LABELS: dict[Rule, Promise] = {
    Rule.SERVICE_NOT_IN_SCOPE: _("the access service is outside OP25B"),
    Rule.STATIC_IP_NOT_BLOCKED: _("static-IP lines on this access service are not blocked"),
    Rule.EXEMPTION: _("an exemption"),
    Rule.NO_PHASE_YET: _("no rollout phase has begun for the line group"),
    Rule.PHASE: _("the line group's rollout phase"),
}

# The status of a subscriber's line now, in one plain sentence.
_BLOCKED_SENTENCES: dict[Stage, Promise] = {
    Stage.MOBILE: _("Port 25 from this line to mobile phone carriers' mail servers is blocked."),
    Stage.FULL: _("Port 25 from this line is blocked, except to our own mail servers."),
}
_OPEN_SENTENCES: dict[Rule, Promise] = {
    Rule.SERVICE_NOT_IN_SCOPE: _("Port 25 is not blocked on this kind of line."),
    Rule.STATIC_IP_NOT_BLOCKED: _(
        "Port 25 is not blocked on this line, because it has a fixed IP address."
    ),
    Rule.EXEMPTION: _("Port 25 is open on this line because of your exemption."),
    Rule.NO_PHASE_YET: _("Port 25 is not blocked on this line yet."),
}

# What the subscriber should do about this line, given its status alone.
ADVICE_SENTENCES: dict[Advice, Promise] = {
    Advice.NOT_AFFECTED: _("Nothing changes for this line. You need not do anything."),
    Advice.PREPARE: _(
        "Nothing is blocked yet. Before the date above, make sure your mail program sends "
        "through our mail server, or through your mail provider's port 587 or 465."
    ),
    Advice.EXEMPT: _(
        "Your mail server may keep using port 25 until your exemption ends. Plan the move "
        "to port 587 before then."
    ),
    Advice.USE_OUR_SERVER_FOR_MOBILE: _(
        "Mail to mobile phones must go through our mail server, or through your mail "
        "provider's port 587 or 465."
    ),
    Advice.USE_OUR_SERVER_OR_SUBMISSION: _(
        "All mail must go through our mail server, or through your mail provider's port 587 "
        "or 465 with authentication."
    ),
}

# The next change, as a sentence about the future.
_CHANGE_SENTENCES: dict[Stage, Promise] = {
    Stage.MOBILE: _("Port 25 to mobile phone carriers' mail servers will be blocked."),
    Stage.FULL: _("All port 25 will be blocked, except to our own mail servers."),
}
_CHANGE_TO_OPEN: Promise = _("Port 25 will be open again on this line.")
_CHANGE_EXEMPTION_STARTS: Promise = _("Your exemption starts: port 25 will be open.")

# An exemption request's state, as its subscriber reads it.
EXEMPTION_STATE_SENTENCES: dict[ExemptionState, Promise] = {
    ExemptionState.REQUESTED: _("We have your request and will answer by e-mail."),
    ExemptionState.ACTIVE: _("Approved: port 25 stays open on this line until the date shown."),
    ExemptionState.DENIED: _("Not approved."),
    ExemptionState.REVOKED: _("Withdrawn: port 25 is blocked again as scheduled."),
    ExemptionState.EXPIRED: _("Ended: port 25 is blocked again as scheduled."),
}


def status_sentence(status: LineStatus) -> str:
    """The line's status now in one sentence a subscriber understands."""
    if status.blocked:
        return str(_BLOCKED_SENTENCES[status.effective])
    return str(_OPEN_SENTENCES[status.rule])


def change_sentence(change: Change) -> str:
    """What the next change does, in one sentence."""
    if change.effective is not Stage.OPEN:
        return str(_CHANGE_SENTENCES[change.effective])
    if change.rule is Rule.EXEMPTION:
        return str(_CHANGE_EXEMPTION_STARTS)
    return str(_CHANGE_TO_OPEN)


def days_until(*, at: datetime, now: datetime) -> int:
    """Whole calendar days in Japan from `now` to `at` (0: today, 1: tomorrow)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (at.astimezone(tz).date() - now.astimezone(tz).date()).days


def countdown_text(days: int) -> str:
    """'today', 'tomorrow' or 'in N days', in the active language."""
    if days <= 0:
        return str(_("today"))
    if days == 1:
        return str(_("tomorrow"))
    return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
