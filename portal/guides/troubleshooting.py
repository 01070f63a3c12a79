"""The errors people see when sending fails, each with its cause and the guide step that fixes it.

Content, like the guides: texts name values (`%(submission_preferred_port)s`) and
are filled in from `MailSettings` by `model.text_resolve`; links name a guide
slug and a step id, which a unit test checks against the guides.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.guides.model import Text
from portal.guides.registry import GUIDES


@dataclass(frozen=True)
class StepLink:
    slug: str
    step: str

    @property
    def anchor(self) -> str:
        return f"step-{self.step}"


@dataclass(frozen=True)
class Problem:
    """One error: `code` is shown as the program or server shows it, never translated."""

    id: str
    title: Text
    cause: Text
    fix: Text
    links: tuple[StepLink, ...]
    code: str = ""
    message: Text | None = None  # the program's own wording, in the reader's language
    see_schedule: bool = False  # the cause is the blocking itself: link to the schedule


def every_guide(step: str) -> tuple[StepLink, ...]:
    return tuple(StepLink(slug=slug, step=step) for slug in GUIDES)


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        id="port-25-timeout",
        title=_("Sending stops with “connection timed out” (port 25)"),
        message=_("The connection to the outgoing server timed out."),
        cause=_(
            "Your program still sends on port 25. Port 25 from our lines is being blocked (see "
            "the schedule), and many other providers block it too, so the connection never "
            "gets through."
        ),
        fix=_(
            "Change the outgoing port to %(submission_preferred_port)s and turn on SMTP "
            "authentication, as in the guide for your program."
        ),
        links=every_guide("outgoing-server"),
        see_schedule=True,
    ),
    Problem(
        id="check-mail-first",
        title=_("“553 … check your mail first”"),
        code="553 5.7.1 … check your mail first",
        cause=_(
            "You send with POP before SMTP, and more than %(pop_before_smtp_window_minutes)s "
            "minutes have passed since you last received mail, or you received over a "
            "different Internet connection."
        ),
        fix=_(
            "Receive your mail, then send within %(pop_before_smtp_window_minutes)s minutes. "
            "Better: switch to SMTP authentication, which has no time limit."
        ),
        links=every_guide("pop-before-smtp"),
    ),
    Problem(
        id="authentication-required",
        title=_("“530 … authentication required” or “530 … STARTTLS first”"),
        code="530 5.7.0 Authentication required",
        cause=_(
            "Our server needs your program to log in (SMTP authentication), or to encrypt the "
            "connection first, and it did not."
        ),
        fix=_(
            "Turn on authentication for sending, and choose the connection security shown in "
            "the guide for your program."
        ),
        links=every_guide("smtp-auth"),
    ),
    Problem(
        id="authentication-failed",
        title=_("“535 … authentication failed”"),
        code="535 5.7.8 Error: authentication failed",
        cause=_(
            "The user name or password for sending is wrong. The user name is your mail "
            "account ID (%(login)s), which is not always the same as your mail address."
        ),
        fix=_(
            "Enter your mail account ID and mail password again in the sending settings, "
            "exactly. If you have forgotten the password, contact the Customer Support Center."
        ),
        links=every_guide("smtp-auth"),
    ),
    Problem(
        id="encryption-required",
        title=_("“538 … encryption required”"),
        code="538 5.7.11 Encryption required for requested authentication mechanism",
        cause=_(
            "Your program tried to log in over an unencrypted connection. Our server refuses "
            "this to protect your password."
        ),
        fix=_(
            "Choose the connection security shown for port %(submission_preferred_port)s in "
            "the guide for your program."
        ),
        links=every_guide("outgoing-server"),
    ),
    Problem(
        id="outlook-0x800ccc0e",
        title=_("Outlook error 0x800CCC0E"),
        code="0x800CCC0E",
        message=_(
            "Task '… - Sending' reported error (0x800CCC0E): 'Outlook cannot connect to your "
            "outgoing (SMTP) e-mail server.'"
        ),
        cause=_(
            "Outlook cannot reach the outgoing server at all: the port is 25 (blocked), the "
            "port and encryption do not match, or the server name is wrong."
        ),
        fix=_(
            "Set the outgoing server to %(submission_host)s, port "
            "%(submission_preferred_port)s, with the encryption shown in the guide."
        ),
        links=(
            StepLink(slug="outlook-classic", step="outgoing-server"),
            StepLink(slug="outlook", step="outgoing-server"),
            StepLink(slug="windows-live-mail", step="outgoing-server"),
        ),
    ),
    Problem(
        id="outlook-0x800ccc79",
        title=_("Outlook error 0x800CCC79"),
        code="0x800CCC79",
        message=_(
            "Task '… - Sending' reported error (0x800CCC79): 'Your outgoing (SMTP) e-mail "
            "server has reported an internal error.'"
        ),
        cause=_(
            "Our server refused to pass your message on, because Outlook did not log in to "
            "send (or the POP before SMTP window had passed)."
        ),
        fix=_("Tick “My outgoing server (SMTP) requires authentication”, as in the guide."),
        links=(
            StepLink(slug="outlook-classic", step="smtp-auth"),
            StepLink(slug="windows-live-mail", step="smtp-auth"),
        ),
    ),
    Problem(
        id="thunderbird-timeout",
        title=_("Thunderbird: “Sending of the message failed”"),
        message=_(
            "Sending of the message failed. The message could not be sent because the "
            "connection to Outgoing server (SMTP) … timed out. Try again."
        ),
        cause=_(
            "Thunderbird cannot reach the outgoing server: it is still set to port 25, which "
            "is blocked, or the port and the connection security do not match."
        ),
        fix=_(
            "Edit the outgoing server: port %(submission_preferred_port)s with the connection "
            "security shown in the guide."
        ),
        links=(StepLink(slug="thunderbird", step="outgoing-server"),),
    ),
    Problem(
        id="apple-cannot-send",
        title=_("Apple Mail or iPhone: “Cannot send message using the server …”"),
        message=_("Cannot send message using the server “…”."),
        cause=_(
            "Mail could not connect or log in: the port is 25 (blocked), the port and "
            "TLS/SSL setting do not match, or the password for sending is missing."
        ),
        fix=_(
            "Open the outgoing server settings and enter the port, TLS/SSL and password as in "
            "the guide."
        ),
        links=(
            StepLink(slug="apple-mail", step="outgoing-server"),
            StepLink(slug="iphone", step="outgoing-server"),
        ),
    ),
    Problem(
        id="certificate",
        title=_("A warning about the server's certificate or identity"),
        message=_("Cannot Verify Server Identity"),
        cause=_(
            "The server name in your program is not the one on our certificate, for example "
            "an old name or your provider's name."
        ),
        fix=_(
            "Enter the outgoing server name exactly as %(submission_host)s. Do not accept a "
            "certificate exception."
        ),
        links=every_guide("outgoing-server"),
    ),
)
