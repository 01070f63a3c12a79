"""Wording shared by several guides: section titles, step texts, common values.

Each program's own menu and field names stay in its module (with the program as
the translation context), because the same English word is a different
Japanese label from one program to the next.
"""

from django.utils.translation import gettext_lazy as _

# Section titles and intros.
SMTP_AUTH_TITLE = _("Sending: SMTP authentication over TLS (recommended)")
SMTP_AUTH_INTRO = _(
    "Your mail program logs in to our mail server with your mail account ID and password, "
    "over an encrypted connection. This works from any Internet connection, at home or away, "
    "and is what we recommend."
)
POP_BEFORE_SMTP_TITLE = _("Sending: POP before SMTP")
POP_BEFORE_SMTP_INTRO = _(
    "For programs that cannot log in to send. Receiving your mail proves who you are: for "
    "%(pop_before_smtp_window_minutes)s minutes afterwards, our server accepts mail on port "
    "%(submission_port)s from the same connection without a sending password."
)
INCOMING_TITLE = _("Receiving: check the incoming server")
INCOMING_INTRO = _(
    "Nothing changes for receiving. Check these settings if your program cannot receive, "
    "or if you set it up from scratch."
)

# Step texts. Field names and menus come from each program's module.
OUTGOING_SERVER = _(
    "Enter our outgoing server and port %(submission_preferred_port)s, and choose the "
    "connection security shown."
)
OUTGOING_SERVER_NOTE = _(
    "Port %(submission_preferred_port)s is encrypted from the moment your program connects, "
    "which is the safest choice (RFC 8314)."
)
SMTP_AUTH = _(
    "Turn on authentication for sending, with your mail account ID and your mail password."
)
SMTP_AUTH_NOTE = _(
    "The account ID and password are the same as for receiving. You never need to send "
    "your password to us by mail."
)
STARTTLS_587 = _(
    "If sending on port %(submission_tls_port)s fails (some company or hotel networks block "
    "it), use port %(submission_port)s with STARTTLS instead. Keep authentication on."
)
TEST_SEND = _("Save the settings and send a test message to your own address.")
PBS_SERVER = _(
    "Set the outgoing server to port %(submission_port)s and turn authentication for sending off."
)
PBS_RECEIVE = _(
    "Before you send, receive your mail. Then send within "
    "%(pop_before_smtp_window_minutes)s minutes; after that, receive again first."
)
PBS_RECEIVE_NOTE = _(
    "If sending fails with “553 … check your mail first”, the %(pop_before_smtp_window_minutes)s "
    "minutes have passed: receive, then send again. Receiving and sending must use the same "
    "Internet connection."
)
INCOMING_SERVER = _("Check the incoming server, its port and security, and your mail account ID.")
INCOMING_IMAP_NOTE = _(
    "If you use IMAP instead of POP, the server is %(imap_host)s and the port "
    "%(imap_port)s, with the same connection security."
)

# Values for fields that are a choice rather than something to type.
PASSWORD = _("your mail password")
TICKED = _("On (ticked)")
UNTICKED = _("Off (not ticked)")

# A program's "use SSL" tick box, by the endpoint's security: some programs tick it only
# for implicit TLS, others also for STARTTLS (they choose by the port).
TICKED_FOR_SSL = {"ssl": TICKED, "starttls": UNTICKED, "none": UNTICKED}
TICKED_FOR_TLS = {"ssl": TICKED, "starttls": TICKED, "none": UNTICKED}
