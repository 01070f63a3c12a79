"""The settings as a table, for any other mail program."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.guides.content import common
from portal.guides.model import Field, Guide, Requirement, Section, SectionKind, Step

SECURITY = {
    "ssl": pgettext_lazy("generic settings", "SSL/TLS (encrypted from the start)"),
    "starttls": pgettext_lazy("generic settings", "STARTTLS"),
    "none": pgettext_lazy("generic settings", "None"),
}
OUTGOING_SERVER = pgettext_lazy("generic settings", "Outgoing mail server (SMTP)")
INCOMING_POP = pgettext_lazy("generic settings", "Incoming mail server (POP3)")
INCOMING_IMAP = pgettext_lazy("generic settings", "Incoming mail server (IMAP)")
PORT = pgettext_lazy("generic settings", "Port")
SECURITY_LABEL = pgettext_lazy("generic settings", "Connection security")
AUTHENTICATION = pgettext_lazy("generic settings", "Authentication")
USER_NAME = pgettext_lazy("generic settings", "User name")
PASSWORD = pgettext_lazy("generic settings", "Password")
EMAIL = pgettext_lazy("generic settings", "Mail address")
NORMAL_PASSWORD = pgettext_lazy("generic settings", "Normal password (PLAIN or LOGIN)")
NO_AUTH = pgettext_lazy("generic settings", "None (receive first)")

# The values at a glance, at the top of every guide page.
SUMMARY = (
    Field(EMAIL, value="address"),
    Field(USER_NAME, value="login"),
    Field(OUTGOING_SERVER, value="submission.host"),
    Field(pgettext_lazy("generic settings", "Outgoing port"), value="submission_preferred.port"),
    Field(SECURITY_LABEL, value="submission_preferred.security", options=SECURITY),
    Field(AUTHENTICATION, text=NORMAL_PASSWORD),
    Field(INCOMING_POP, value="pop.host"),
    Field(pgettext_lazy("generic settings", "Incoming port (POP3)"), value="pop.port"),
)

GUIDE = Guide(
    slug="generic",
    name=_("Other programs: the settings"),
    platform=_("Any program"),
    summary=_(
        "Every setting in one place, for mail programs without a guide here. Your program "
        "may use slightly different names for the fields."
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
                    id="outgoing-server",
                    text=common.OUTGOING_SERVER,
                    fields=(
                        Field(OUTGOING_SERVER, value="submission.host"),
                        Field(PORT, value="submission_preferred.port"),
                        Field(
                            SECURITY_LABEL, value="submission_preferred.security", options=SECURITY
                        ),
                    ),
                    note=common.OUTGOING_SERVER_NOTE,
                ),
                Step(
                    id="smtp-auth",
                    text=common.SMTP_AUTH,
                    fields=(
                        Field(AUTHENTICATION, text=NORMAL_PASSWORD),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                        Field(EMAIL, value="address"),
                    ),
                    note=common.SMTP_AUTH_NOTE,
                ),
                Step(
                    id="starttls-587",
                    text=common.STARTTLS_587,
                    fields=(
                        Field(OUTGOING_SERVER, value="submission.host"),
                        Field(PORT, value="submission.port"),
                        Field(SECURITY_LABEL, value="submission.security", options=SECURITY),
                    ),
                    requires=Requirement.SUBMISSION_TLS,
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
                    fields=(
                        Field(OUTGOING_SERVER, value="submission.host"),
                        Field(PORT, value="submission.port"),
                        Field(SECURITY_LABEL, value="submission.security", options=SECURITY),
                        Field(AUTHENTICATION, text=NO_AUTH),
                    ),
                ),
                Step(id="pop-before-smtp", text=common.PBS_RECEIVE, note=common.PBS_RECEIVE_NOTE),
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
                    text=_("Receiving with POP3:"),
                    fields=(
                        Field(INCOMING_POP, value="pop.host"),
                        Field(PORT, value="pop.port"),
                        Field(SECURITY_LABEL, value="pop.security", options=SECURITY),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
                Step(
                    id="incoming-imap",
                    text=_("Or receiving with IMAP:"),
                    fields=(
                        Field(INCOMING_IMAP, value="imap.host"),
                        Field(PORT, value="imap.port"),
                        Field(SECURITY_LABEL, value="imap.security", options=SECURITY),
                        Field(USER_NAME, value="login"),
                        Field(PASSWORD, text=common.PASSWORD),
                    ),
                ),
            ),
        ),
    ),
)
