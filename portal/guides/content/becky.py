"""Becky! Internet Mail (version 2) for Windows."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

TOOLS = pgettext_lazy("Becky!", "Tools")
MAILBOX_SETTINGS = pgettext_lazy("Becky!", "Mailbox Settings")
BASIC_TAB = pgettext_lazy("Becky!", "Basic Settings tab")
ADVANCED_TAB = pgettext_lazy("Becky!", "Advanced tab")
AUTH_GROUP = pgettext_lazy("Becky!", "SMTP Authentication / POP before SMTP")
BASIC_MENU = (TOOLS, MAILBOX_SETTINGS, BASIC_TAB)
ADVANCED_MENU = (TOOLS, MAILBOX_SETTINGS, ADVANCED_TAB)

SECURITY = {
    "ssl": pgettext_lazy("Becky!", "SSL/TLS"),
    "starttls": pgettext_lazy("Becky!", "STARTTLS"),
    "none": pgettext_lazy("Becky!", "None"),
}
POP3_SERVER = pgettext_lazy("Becky!", "POP3 server (incoming)")
SMTP_SERVER = pgettext_lazy("Becky!", "SMTP server (outgoing)")
USER_ID = pgettext_lazy("Becky!", "User ID")
PASSWORD = pgettext_lazy("Becky!", "Password")
SMTP_PORT = pgettext_lazy("Becky!", "SMTP port")
POP3_PORT = pgettext_lazy("Becky!", "POP3 port")
ENCRYPTION = pgettext_lazy("Becky!", "Secure connection (SSL/TLS, STARTTLS)")
SMTP_AUTH = pgettext_lazy("Becky!", "SMTP Authentication")
AUTH_METHOD = pgettext_lazy("Becky!", "Authentication method")
LOGIN_PLAIN = pgettext_lazy("Becky!", "LOGIN or PLAIN")
POP_BEFORE_SMTP = pgettext_lazy("Becky!", "POP before SMTP")

GUIDE = Guide(
    slug="becky",
    name=_("Becky! Internet Mail"),
    platform=_("Windows"),
    summary=_("Becky! Internet Mail version 2 for Windows."),
    sections=(
        Section(
            id="smtp-auth",
            kind=SectionKind.SMTP_AUTH,
            title=common.SMTP_AUTH_TITLE,
            intro=common.SMTP_AUTH_INTRO,
            requires=Requirement.SMTP_AUTH,
            steps=(
                Step(
                    id="open-mailbox",
                    text=_(
                        "Select your mailbox in the folder list, open its settings, and check "
                        "the servers and your user ID on the Basic Settings tab."
                    ),
                    menu=BASIC_MENU,
                    fields=(
                        Field(SMTP_SERVER, value="submission.host"),
                        Field(USER_ID, value="login"),
                    ),
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(SMTP_PORT, value="submission_preferred.port"),
                        Field(ENCRYPTION, value="submission_preferred.security", options=SECURITY),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="smtp-auth",
                    text=_(
                        "Under SMTP Authentication / POP before SMTP on the Advanced tab, tick "
                        "SMTP Authentication. Becky! uses the user ID and password from the "
                        "Basic Settings tab."
                    ),
                    menu=(*ADVANCED_MENU, AUTH_GROUP),
                    fields=(
                        Field(SMTP_AUTH, text=common.TICKED),
                        Field(AUTH_METHOD, text=LOGIN_PLAIN),
                        Field(POP_BEFORE_SMTP, text=common.UNTICKED),
                    ),
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(SMTP_PORT, value="submission.port"),
                        Field(ENCRYPTION, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="test-send",
                    text=_("Click OK and send a test message to your own address."),
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
                    text=_("On the Advanced tab, set the SMTP port to %(submission_port)s."),
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(SMTP_PORT, value="submission.port"),
                        Field(ENCRYPTION, value="submission.security", options=SECURITY),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=_(
                        "Under SMTP Authentication / POP before SMTP, untick SMTP "
                        "Authentication and tick POP before SMTP. Becky! then receives by "
                        "itself just before each send, within the "
                        "%(pop_before_smtp_window_minutes)s minutes our server allows."
                    ),
                    menu=(*ADVANCED_MENU, AUTH_GROUP),
                    fields=(
                        Field(SMTP_AUTH, text=common.UNTICKED),
                        Field(POP_BEFORE_SMTP, text=common.TICKED),
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
                    menu=BASIC_MENU,
                    fields=(
                        Field(POP3_SERVER, value="pop.host"),
                        Field(USER_ID, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
                Step(
                    id="incoming-port",
                    text=_("Check the POP3 port and its security on the Advanced tab."),
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(POP3_PORT, value="pop.port"),
                        Field(ENCRYPTION, value="pop.security", options=SECURITY),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
