"""Mail on iPhone and iPad (iOS and iPadOS 18 and later, where Mail moved under Apps)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

SETTINGS = pgettext_lazy("iPhone", "Settings")
APPS = pgettext_lazy("iPhone", "Apps")
MAIL = pgettext_lazy("iPhone", "Mail")
MAIL_ACCOUNTS = pgettext_lazy("iPhone", "Mail Accounts")
YOUR_ACCOUNT = _("your mail account")
ACCOUNT = pgettext_lazy("iPhone", "Account")
SMTP = pgettext_lazy("iPhone", "SMTP")
PRIMARY_SERVER = pgettext_lazy("iPhone", "Primary Server")
ADVANCED = pgettext_lazy("iPhone", "Advanced")
ACCOUNT_MENU = (SETTINGS, APPS, MAIL, MAIL_ACCOUNTS, YOUR_ACCOUNT, ACCOUNT)
SMTP_MENU = (*ACCOUNT_MENU, SMTP, PRIMARY_SERVER)

HOST_NAME = pgettext_lazy("iPhone", "Host Name")
USER_NAME = pgettext_lazy("iPhone", "User Name")
PASSWORD = pgettext_lazy("iPhone", "Password")
USE_SSL = pgettext_lazy("iPhone", "Use SSL")
AUTHENTICATION = pgettext_lazy("iPhone", "Authentication")
SERVER_PORT = pgettext_lazy("iPhone", "Server Port")
SWITCH = {
    "ssl": pgettext_lazy("iPhone", "On"),
    "starttls": pgettext_lazy("iPhone", "On"),
    "none": pgettext_lazy("iPhone", "Off"),
}

GUIDE = Guide(
    slug="iphone",
    name=_("iPhone and iPad Mail"),
    platform=_("iPhone, iPad"),
    summary=_("The Mail app on iPhone and iPad, iOS and iPadOS 18 or later."),
    sections=(
        Section(
            id="smtp-auth",
            kind=SectionKind.SMTP_AUTH,
            title=common.SMTP_AUTH_TITLE,
            intro=common.SMTP_AUTH_INTRO,
            requires=Requirement.SMTP_AUTH,
            steps=(
                Step(
                    id="open-smtp",
                    text=_(
                        "Open the outgoing server: tap your account, tap Account, then SMTP "
                        "under Outgoing Mail Server, and tap the primary server."
                    ),
                    menu=SMTP_MENU,
                    note=_(
                        "On iOS 17 or earlier, Mail Accounts is under Settings > Mail > Accounts."
                    ),
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    fields=(
                        Field(HOST_NAME, value="submission.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    fields=(
                        Field(USE_SSL, value="submission_preferred.security", options=SWITCH),
                        Field(AUTHENTICATION, text=PASSWORD),
                        Field(SERVER_PORT, value="submission_preferred.port"),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(USE_SSL, value="submission.security", options=SWITCH),
                        Field(SERVER_PORT, value="submission.port"),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="test-send",
                    text=_("Tap Done, go back, and send a test message to your own address."),
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
                    menu=SMTP_MENU,
                    fields=(
                        Field(HOST_NAME, value="submission.host"),
                        Field(USE_SSL, value="submission.security", options=SWITCH),
                        Field(AUTHENTICATION, text=pgettext_lazy("iPhone", "None")),
                        Field(SERVER_PORT, value="submission.port"),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=common.PBS_RECEIVE,
                    note=_(
                        "To receive, open the inbox and pull the list down. On mobile data "
                        "your address can change between receiving and sending; if sending "
                        "fails, receive again, or better, use SMTP authentication."
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
                    menu=ACCOUNT_MENU,
                    fields=(
                        Field(HOST_NAME, value="pop.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
                Step(
                    id="incoming-port",
                    text=_("Check the incoming port and security under Advanced."),
                    menu=(*ACCOUNT_MENU, ADVANCED),
                    fields=(
                        Field(USE_SSL, value="pop.security", options=SWITCH),
                        Field(SERVER_PORT, value="pop.port"),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
