"""Windows Live Mail 2012 and Outlook Express: legacy programs without security updates."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

ACCOUNTS_TAB = pgettext_lazy("Windows Live Mail", "Accounts tab")
PROPERTIES = pgettext_lazy("Windows Live Mail", "Properties")
SERVERS_TAB = pgettext_lazy("Windows Live Mail", "Servers tab")
ADVANCED_TAB = pgettext_lazy("Windows Live Mail", "Advanced tab")
SERVERS_MENU = (ACCOUNTS_TAB, PROPERTIES, SERVERS_TAB)
ADVANCED_MENU = (ACCOUNTS_TAB, PROPERTIES, ADVANCED_TAB)

INCOMING = pgettext_lazy("Windows Live Mail", "Incoming mail (POP3)")
OUTGOING = pgettext_lazy("Windows Live Mail", "Outgoing mail (SMTP)")
USER_NAME = pgettext_lazy("Windows Live Mail", "Logon user name (Account name in Outlook Express)")
PASSWORD = pgettext_lazy("Windows Live Mail", "Password")
REQUIRES_AUTH = pgettext_lazy("Windows Live Mail", "My server requires authentication")
SSL = pgettext_lazy("Windows Live Mail", "This server requires a secure connection (SSL)")
LEGACY_SSL = {"ssl": common.TICKED, "starttls": common.TICKED, "none": common.UNTICKED}

GUIDE = Guide(
    slug="windows-live-mail",
    name=_("Windows Live Mail / Outlook Express"),
    platform=_("Windows (no longer supported)"),
    summary=_(
        "Windows Live Mail 2012 and Outlook Express. Microsoft stopped supporting both long "
        "ago; they receive no security fixes."
    ),
    legacy=True,
    warning=_(
        "These programs cannot use the encryption our server requires on every Windows "
        "version (Outlook Express never can). If SMTP authentication with SSL fails, use POP "
        "before SMTP on port %(submission_port)s below, and plan to move to a supported "
        "program such as Thunderbird or Outlook."
    ),
    sections=(
        Section(
            id="pop-before-smtp",
            kind=SectionKind.POP_BEFORE_SMTP,
            title=_("Sending: POP before SMTP (works with these programs)"),
            intro=common.POP_BEFORE_SMTP_INTRO,
            requires=Requirement.POP_BEFORE_SMTP,
            steps=(
                Step(
                    id="open-properties",
                    text=_(
                        "Open your account's properties. In Windows Live Mail: the Accounts "
                        "tab, then Properties. In Outlook Express: Tools > Accounts, the Mail "
                        "tab, select the account, then Properties."
                    ),
                    menu=SERVERS_MENU,
                ),
                Step(
                    id="pop-before-smtp-server",
                    text=common.PBS_SERVER,
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(OUTGOING, value="submission.port"),
                        Field(SSL, text=common.UNTICKED),
                    ),
                ),
                Step(
                    id="pop-before-smtp-auth-off",
                    text=_("On the Servers tab, untick “My server requires authentication”."),
                    menu=SERVERS_MENU,
                    fields=(
                        Field(OUTGOING, value="submission.host"),
                        Field(REQUIRES_AUTH, text=common.UNTICKED),
                    ),
                ),
                Step(
                    id="pop-before-smtp",
                    text=common.PBS_RECEIVE,
                    note=_(
                        "Click Send/Receive rather than Send: it receives first and then "
                        "sends, which is exactly what POP before SMTP needs."
                    ),
                ),
            ),
        ),
        Section(
            id="smtp-auth",
            kind=SectionKind.SMTP_AUTH,
            title=_(
                "Sending: SMTP authentication with SSL (Windows Live Mail on Windows 10 or 11)"
            ),
            intro=_(
                "Windows Live Mail 2012 on Windows 10 or 11 may be able to log in over SSL. "
                "Try these settings; if sending fails, go back to POP before SMTP above."
            ),
            requires=Requirement.SMTP_AUTH,
            steps=(
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(OUTGOING, value="submission_preferred.port"),
                        Field(SSL, value="submission_preferred.security", options=LEGACY_SSL),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="smtp-auth",
                    text=_(
                        "On the Servers tab, tick “My server requires authentication”. Under "
                        "Settings next to it, keep “Use same settings as my incoming mail "
                        "server”."
                    ),
                    menu=SERVERS_MENU,
                    fields=(
                        Field(OUTGOING, value="submission.host"),
                        Field(REQUIRES_AUTH, text=common.TICKED),
                    ),
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(OUTGOING, value="submission.port"),
                        Field(SSL, value="submission.security", options=LEGACY_SSL),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
                ),
                Step(
                    id="switch-program",
                    text=_(
                        "If you see security or connection errors, your program is too old "
                        "for today's encryption. Move to a supported program: see the "
                        "Thunderbird or Outlook guide."
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
                    menu=SERVERS_MENU,
                    fields=(
                        Field(INCOMING, value="pop.host"),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
                Step(
                    id="incoming-port",
                    text=_(
                        "Check the incoming port on the Advanced tab. If receiving over SSL "
                        "fails on an old Windows, this program cannot be used safely any more."
                    ),
                    menu=ADVANCED_MENU,
                    fields=(
                        Field(INCOMING, value="pop.port"),
                        Field(SSL, value="pop.security", options=LEGACY_SSL),
                    ),
                ),
            ),
        ),
    ),
)
