"""Classic Outlook for Windows (Outlook 2016, 2019, 2021, 2024 and Microsoft 365)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

FILE = pgettext_lazy("classic Outlook", "File")
ACCOUNT_SETTINGS = pgettext_lazy("classic Outlook", "Account Settings")
CHANGE = pgettext_lazy("classic Outlook", "Change")
MORE_SETTINGS = pgettext_lazy("classic Outlook", "More Settings")
OUTGOING_TAB = pgettext_lazy("classic Outlook", "Outgoing Server tab")
ADVANCED_TAB = pgettext_lazy("classic Outlook", "Advanced tab")
ACCOUNT_MENU = (FILE, ACCOUNT_SETTINGS, ACCOUNT_SETTINGS, CHANGE)

SECURITY = {
    "ssl": pgettext_lazy("classic Outlook", "SSL/TLS"),
    "starttls": pgettext_lazy("classic Outlook", "STARTTLS"),
    "none": pgettext_lazy("classic Outlook", "None"),
}
INCOMING_SERVER = pgettext_lazy("classic Outlook", "Incoming mail server")
OUTGOING_SERVER = pgettext_lazy("classic Outlook", "Outgoing mail server (SMTP)")
USER_NAME = pgettext_lazy("classic Outlook", "User Name")
PASSWORD = pgettext_lazy("classic Outlook", "Password")
REQUIRES_AUTH = pgettext_lazy(
    "classic Outlook", "My outgoing server (SMTP) requires authentication"
)
SAME_SETTINGS = pgettext_lazy("classic Outlook", "Use same settings as my incoming mail server")
LOG_ON_BEFORE = pgettext_lazy(
    "classic Outlook", "Log on to incoming mail server before sending mail"
)
SMTP_PORT = pgettext_lazy("classic Outlook", "Outgoing server (SMTP)")
ENCRYPTION = pgettext_lazy("classic Outlook", "Use the following type of encrypted connection")
POP3_PORT = pgettext_lazy("classic Outlook", "Incoming server (POP3)")
POP3_ENCRYPTED = pgettext_lazy(
    "classic Outlook", "This server requires an encrypted connection (SSL/TLS)"
)
ON = pgettext_lazy("classic Outlook", "Selected")

GUIDE = Guide(
    slug="outlook-classic",
    name=_("Outlook (classic)"),
    platform=_("Windows"),
    summary=_(
        "The classic Outlook for Windows: Outlook 2016, 2019, 2021, 2024 and Outlook in "
        "Microsoft 365, with a File menu."
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
                    id="open-account",
                    text=_(
                        "Open your account: select your mail address in the list and click "
                        "Change. Check the outgoing mail server there."
                    ),
                    menu=ACCOUNT_MENU,
                    fields=(Field(OUTGOING_SERVER, value="submission.host"),),
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, OUTGOING_TAB),
                    fields=(
                        Field(REQUIRES_AUTH, text=common.TICKED),
                        Field(SAME_SETTINGS, text=ON),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, ADVANCED_TAB),
                    fields=(
                        Field(SMTP_PORT, value="submission_preferred.port"),
                        Field(ENCRYPTION, value="submission_preferred.security", options=SECURITY),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, ADVANCED_TAB),
                    fields=(
                        Field(SMTP_PORT, value="submission.port"),
                        Field(ENCRYPTION, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="test-send",
                    text=_(
                        "Click OK, then Next: Outlook tests the account by receiving and "
                        "sending a message. Click Close and Done."
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
                    text=_("Set the outgoing server port to %(submission_port)s."),
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, ADVANCED_TAB),
                    fields=(
                        Field(SMTP_PORT, value="submission.port"),
                        Field(ENCRYPTION, value="submission.security", options=SECURITY),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=_(
                        "Let Outlook receive for you before each send: tick “My outgoing "
                        "server (SMTP) requires authentication”, then select “Log on to "
                        "incoming mail server before sending mail”."
                    ),
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, OUTGOING_TAB),
                    fields=(
                        Field(REQUIRES_AUTH, text=common.TICKED),
                        Field(LOG_ON_BEFORE, text=ON),
                    ),
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
                    menu=ACCOUNT_MENU,
                    fields=(
                        Field(INCOMING_SERVER, value="pop.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
                Step(
                    id="incoming-port",
                    text=_("Check the incoming port and encryption."),
                    menu=(*ACCOUNT_MENU, MORE_SETTINGS, ADVANCED_TAB),
                    fields=(
                        Field(POP3_PORT, value="pop.port"),
                        Field(POP3_ENCRYPTED, value="pop.security", options=common.TICKED_FOR_SSL),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
