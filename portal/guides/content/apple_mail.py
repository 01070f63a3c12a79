"""Mail on the Mac (macOS 13 Ventura and later, where Preferences became Settings)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

MAIL = pgettext_lazy("Apple Mail", "Mail")
SETTINGS = pgettext_lazy("Apple Mail", "Settings…")
ACCOUNTS = pgettext_lazy("Apple Mail", "Accounts")
SERVER_SETTINGS = pgettext_lazy("Apple Mail", "Server Settings")
MAILBOX = pgettext_lazy("Apple Mail", "Mailbox")
GET_ALL_NEW_MAIL = pgettext_lazy("Apple Mail", "Get All New Mail")
SERVER_MENU = (MAIL, SETTINGS, ACCOUNTS, SERVER_SETTINGS)

OUTGOING = pgettext_lazy("Apple Mail", "Outgoing Mail Server (SMTP)")
INCOMING = pgettext_lazy("Apple Mail", "Incoming Mail Server (POP)")
HOST_NAME = pgettext_lazy("Apple Mail", "Host Name")
USER_NAME = pgettext_lazy("Apple Mail", "User Name")
PASSWORD = pgettext_lazy("Apple Mail", "Password")
AUTO_MANAGE = pgettext_lazy("Apple Mail", "Automatically manage connection settings")
PORT = pgettext_lazy("Apple Mail", "Port")
USE_TLS = pgettext_lazy("Apple Mail", "Use TLS/SSL")
AUTHENTICATION = pgettext_lazy("Apple Mail", "Authentication")
AUTH_NONE = pgettext_lazy("Apple Mail", "None")

GUIDE = Guide(
    slug="apple-mail",
    name=_("Apple Mail"),
    platform=_("Mac"),
    summary=_("The Mail app on the Mac, macOS Ventura (13) or later."),
    sections=(
        Section(
            id="smtp-auth",
            kind=SectionKind.SMTP_AUTH,
            title=common.SMTP_AUTH_TITLE,
            intro=common.SMTP_AUTH_INTRO,
            requires=Requirement.SMTP_AUTH,
            steps=(
                Step(
                    id="open-server-settings",
                    text=_(
                        "Open the server settings: select your account in the list, then the "
                        "Server Settings tab. The outgoing server is in the lower half."
                    ),
                    menu=SERVER_MENU,
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    menu=(*SERVER_MENU, OUTGOING),
                    fields=(
                        Field(HOST_NAME, value="submission.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="outgoing-server",
                    text=_(
                        "Untick “Automatically manage connection settings” under the outgoing "
                        "server so you can enter port %(submission_preferred_port)s."
                    ),
                    fields=(
                        Field(AUTO_MANAGE, text=common.UNTICKED),
                        Field(PORT, value="submission_preferred.port"),
                        Field(
                            USE_TLS,
                            value="submission_preferred.security",
                            options=common.TICKED_FOR_TLS,
                        ),
                        Field(AUTHENTICATION, text=PASSWORD),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(PORT, value="submission.port"),
                        Field(USE_TLS, value="submission.security", options=common.TICKED_FOR_TLS),
                    ),
                    note=_(
                        "Mail uses STARTTLS by itself on port %(submission_port)s when "
                        "“Use TLS/SSL” is ticked."
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="test-send",
                    text=_(
                        "Click Save. If Mail asks whether to save the changes, click Save "
                        "again, then send a test message to your own address."
                    ),
                ),
            ),
        ),
        Section(
            id="pop-before-smtp",
            kind=SectionKind.POP_BEFORE_SMTP,
            title=common.POP_BEFORE_SMTP_TITLE,
            intro=common.POP_BEFORE_SMTP_INTRO,
            requires=Requirement.POP_BEFORE_SMTP,
            steps=(
                Step(
                    id="pop-before-smtp-server",
                    text=common.PBS_SERVER,
                    menu=SERVER_MENU,
                    fields=(
                        Field(HOST_NAME, value="submission.host"),
                        Field(AUTO_MANAGE, text=common.UNTICKED),
                        Field(PORT, value="submission.port"),
                        Field(USE_TLS, value="submission.security", options=common.TICKED_FOR_TLS),
                        Field(AUTHENTICATION, text=AUTH_NONE),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=common.PBS_RECEIVE,
                    menu=(MAILBOX, GET_ALL_NEW_MAIL),
                    note=common.PBS_RECEIVE_NOTE,
                ),
            ),
        ),
        Section(
            id="incoming",
            kind=SectionKind.INCOMING,
            title=common.INCOMING_TITLE,
            intro=common.INCOMING_INTRO,
            steps=(
                Step(
                    id="incoming-server",
                    text=common.INCOMING_SERVER,
                    menu=(*SERVER_MENU, INCOMING),
                    fields=(
                        Field(HOST_NAME, value="pop.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                        Field(PORT, value="pop.port"),
                        Field(USE_TLS, value="pop.security", options=common.TICKED_FOR_TLS),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
