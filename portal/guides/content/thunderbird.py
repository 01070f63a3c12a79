"""Thunderbird (128 ESR and later) on Windows, macOS and Linux."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

MENU = pgettext_lazy("Thunderbird", "≡ (menu button)")
ACCOUNT_SETTINGS = pgettext_lazy("Thunderbird", "Account Settings")
OUTGOING_SERVER = pgettext_lazy("Thunderbird", "Outgoing Server (SMTP)")
EDIT = pgettext_lazy("Thunderbird", "Edit…")
YOUR_ACCOUNT = _("your mail account")
SERVER_SETTINGS = pgettext_lazy("Thunderbird", "Server Settings")

SECURITY = {
    "ssl": pgettext_lazy("Thunderbird", "SSL/TLS"),
    "starttls": pgettext_lazy("Thunderbird", "STARTTLS"),
    "none": pgettext_lazy("Thunderbird", "None"),
}
SERVER_NAME = pgettext_lazy("Thunderbird", "Server Name")
PORT = pgettext_lazy("Thunderbird", "Port")
CONNECTION_SECURITY = pgettext_lazy("Thunderbird", "Connection security")
AUTHENTICATION_METHOD = pgettext_lazy("Thunderbird", "Authentication method")
USER_NAME = pgettext_lazy("Thunderbird", "User Name")
NORMAL_PASSWORD = pgettext_lazy("Thunderbird", "Normal password")
NO_AUTHENTICATION = pgettext_lazy("Thunderbird", "No authentication")

OUTGOING_MENU = (MENU, ACCOUNT_SETTINGS, OUTGOING_SERVER, EDIT)

GUIDE = Guide(
    slug="thunderbird",
    name=_("Thunderbird"),
    platform=_("Windows, Mac and Linux"),
    summary=_("Mozilla Thunderbird, version 128 or later."),
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
                        "Open the outgoing server settings: in the list of outgoing servers, "
                        "select the server your account uses and click Edit."
                    ),
                    menu=OUTGOING_MENU,
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    fields=(
                        Field(SERVER_NAME, value="submission.host"),
                        Field(PORT, value="submission_preferred.port"),
                        Field(
                            CONNECTION_SECURITY,
                            value="submission_preferred.security",
                            options=SECURITY,
                        ),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    fields=(
                        Field(AUTHENTICATION_METHOD, text=NORMAL_PASSWORD),
                        Field(USER_NAME, value="login"),
                    ),
                    note=_(
                        "Thunderbird asks for the password the first time you send. Tick "
                        "“Use Password Manager to remember this password” so it asks only once."
                    ),
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(PORT, value="submission.port"),
                        Field(CONNECTION_SECURITY, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="account-outgoing",
                    text=_(
                        "Make sure your account sends through this server: select your account "
                        "in Account Settings and choose this server under Outgoing Server (SMTP)."
                    ),
                    menu=(MENU, ACCOUNT_SETTINGS, YOUR_ACCOUNT, OUTGOING_SERVER),
                ),
                Step(id="test-send", text=common.TEST_SEND),
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
                    menu=OUTGOING_MENU,
                    fields=(
                        Field(SERVER_NAME, value="submission.host"),
                        Field(PORT, value="submission.port"),
                        Field(CONNECTION_SECURITY, value="submission.security", options=SECURITY),
                        Field(AUTHENTICATION_METHOD, text=NO_AUTHENTICATION),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=common.PBS_RECEIVE,
                    note=_(
                        "Thunderbird does not receive by itself before sending. Click Get "
                        "Messages first, or set “Check for new messages every … minutes” in "
                        "Server Settings to less than the window."
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
                    menu=(MENU, ACCOUNT_SETTINGS, YOUR_ACCOUNT, SERVER_SETTINGS),
                    fields=(
                        Field(SERVER_NAME, value="pop.host"),
                        Field(PORT, value="pop.port"),
                        Field(CONNECTION_SECURITY, value="pop.security", options=SECURITY),
                        Field(AUTHENTICATION_METHOD, text=NORMAL_PASSWORD),
                        Field(USER_NAME, value="login"),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
