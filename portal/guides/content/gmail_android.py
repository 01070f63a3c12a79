"""The Gmail app on Android, with a mail account of ours added as "Other" (POP or IMAP)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

MENU = pgettext_lazy("Gmail app", "≡ (menu)")
SETTINGS = pgettext_lazy("Gmail app", "Settings")
YOUR_ACCOUNT = _("your mail account")
OUTGOING_SETTINGS = pgettext_lazy("Gmail app", "Outgoing settings")
INCOMING_SETTINGS = pgettext_lazy("Gmail app", "Incoming settings")
ACCOUNT_MENU = (MENU, SETTINGS, YOUR_ACCOUNT)

SECURITY = {
    "ssl": pgettext_lazy("Gmail app", "SSL/TLS"),
    "starttls": pgettext_lazy("Gmail app", "STARTTLS"),
    "none": pgettext_lazy("Gmail app", "None"),
}
SMTP_SERVER = pgettext_lazy("Gmail app", "SMTP server")
SERVER = pgettext_lazy("Gmail app", "Server")
PORT = pgettext_lazy("Gmail app", "Port")
SECURITY_TYPE = pgettext_lazy("Gmail app", "Security type")
REQUIRE_SIGNIN = pgettext_lazy("Gmail app", "Require signin")
USERNAME = pgettext_lazy("Gmail app", "Username")
PASSWORD = pgettext_lazy("Gmail app", "Password")

GUIDE = Guide(
    slug="gmail-android",
    name=_("Gmail app for Android"),
    platform=_("Android"),
    summary=_(
        "The Gmail app on an Android phone or tablet, with your mail address of ours added as "
        "a personal (POP3 or IMAP) account."
    ),
    sections=(
        Section(
            id="smtp-auth",
            kind=SectionKind.SMTP_AUTH,
            title=common.SMTP_AUTH_TITLE,
            intro=common.SMTP_AUTH_INTRO,
            requires=Requirement.SMTP_AUTH,
            steps=(
                Step(
                    id="open-outgoing",
                    text=_(
                        "Open the outgoing settings: tap the menu at the top left, scroll down "
                        "to Settings, tap your mail address, then Outgoing settings near the "
                        "bottom."
                    ),
                    menu=(*ACCOUNT_MENU, OUTGOING_SETTINGS),
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    fields=(
                        Field(REQUIRE_SIGNIN, text=common.TICKED),
                        Field(USERNAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    fields=(
                        Field(SMTP_SERVER, value="submission.host"),
                        Field(PORT, value="submission_preferred.port"),
                        Field(
                            SECURITY_TYPE, value="submission_preferred.security", options=SECURITY
                        ),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(PORT, value="submission.port"),
                        Field(SECURITY_TYPE, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="test-send",
                    text=_(
                        "Tap Next (or Done): the app checks the settings. Then send a test "
                        "message to your own address."
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
                    menu=(*ACCOUNT_MENU, OUTGOING_SETTINGS),
                    fields=(
                        Field(SMTP_SERVER, value="submission.host"),
                        Field(PORT, value="submission.port"),
                        Field(SECURITY_TYPE, value="submission.security", options=SECURITY),
                        Field(REQUIRE_SIGNIN, text=common.UNTICKED),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=common.PBS_RECEIVE,
                    note=_(
                        "To receive, pull the inbox down. On mobile data your address can "
                        "change between receiving and sending; SMTP authentication does not "
                        "have this problem."
                    ),
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
                    menu=(*ACCOUNT_MENU, INCOMING_SETTINGS),
                    fields=(
                        Field(USERNAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                        Field(SERVER, value="pop.host"),
                        Field(PORT, value="pop.port"),
                        Field(SECURITY_TYPE, value="pop.security", options=SECURITY),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
