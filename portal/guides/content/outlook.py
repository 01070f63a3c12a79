"""The new Outlook for Windows (and Outlook for Windows that replaced Mail and Calendar)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

SETTINGS = pgettext_lazy("new Outlook", "Settings (gear icon)")
ACCOUNTS = pgettext_lazy("new Outlook", "Accounts")
EMAIL_ACCOUNTS = pgettext_lazy("new Outlook", "Email accounts")
MANAGE = pgettext_lazy("new Outlook", "Manage")
ADD_ACCOUNT = pgettext_lazy("new Outlook", "Add account")
ACCOUNTS_MENU = (SETTINGS, ACCOUNTS, EMAIL_ACCOUNTS)

SECURITY = {
    "ssl": pgettext_lazy("new Outlook", "SSL/TLS"),
    "starttls": pgettext_lazy("new Outlook", "STARTTLS"),
    "none": pgettext_lazy("new Outlook", "None"),
}
POP_SERVER = pgettext_lazy("new Outlook", "POP incoming server")
PORT = pgettext_lazy("new Outlook", "Port")
SECURE_CONNECTION = pgettext_lazy("new Outlook", "Secure connection type")
SMTP_SERVER = pgettext_lazy("new Outlook", "SMTP outgoing server")
SMTP_USERNAME = pgettext_lazy("new Outlook", "SMTP username")
SMTP_PASSWORD = pgettext_lazy("new Outlook", "SMTP password")
USERNAME = pgettext_lazy("new Outlook", "Username")
PASSWORD = pgettext_lazy("new Outlook", "Password")

GUIDE = Guide(
    slug="outlook",
    name=_("Outlook (new)"),
    platform=_("Windows"),
    summary=_(
        "The new Outlook for Windows, which has a Settings gear instead of a File menu. It "
        "also replaced the Windows Mail app."
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
                        "Open your mail accounts and select Manage next to your mail address. "
                        "If the server settings cannot be changed there, remove the account "
                        "and add it again with Add account, choosing POP (or IMAP) and "
                        "entering the values below."
                    ),
                    menu=(*ACCOUNTS_MENU, MANAGE),
                ),
                Step(
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    fields=(
                        Field(SMTP_SERVER, value="submission.host"),
                        Field(PORT, value="submission_preferred.port"),
                        Field(
                            SECURE_CONNECTION,
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
                        Field(SMTP_USERNAME, value="login"),
                        Field(SMTP_PASSWORD, text=common.PASSWORD),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(PORT, value="submission.port"),
                        Field(SECURE_CONNECTION, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
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
                    id="pop-before-smtp",
                    text=_(
                        "The new Outlook cannot use POP before SMTP: it reaches your mailbox "
                        "through Microsoft's cloud service, so your mail is received from "
                        "Microsoft's servers and not from your own connection. Use SMTP "
                        "authentication as described above."
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
                    menu=(*ACCOUNTS_MENU, ADD_ACCOUNT),
                    fields=(
                        Field(POP_SERVER, value="pop.host"),
                        Field(PORT, value="pop.port"),
                        Field(SECURE_CONNECTION, value="pop.security", options=SECURITY),
                        Field(USERNAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                    note=common.INCOMING_IMAP_NOTE,
                ),
            ),
        ),
    ),
)
