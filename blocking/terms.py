"""The conditions and terms a subscriber accepts before asking for an exemption.

Changing what they say means a new `EXEMPTION_TERMS_VERSION`: each request stores
the version its subscriber accepted, and a request against old terms is refused.
"""

from django.utils.translation import gettext_lazy as _

EXEMPTION_TERMS_VERSION = "2006-05-1"

# The checklist: each item must be true of the subscriber, and each is ticked.
EXEMPTION_CONDITIONS = (
    _(
        "I run my own mail server on this line, and it must deliver mail directly to other "
        "providers' mail servers on port 25."
    ),
    _(
        "Sending through your mail server, or through another provider's port 587 or 465, "
        "does not meet my need."
    ),
    _("My mail server is not an open relay: only my own users and programs can send through it."),
    _("I keep the server's software up to date and watch it for misuse."),
    _(
        "I can be reached at the contact I give below, and will answer questions about mail "
        "from this line within one business day."
    ),
)

# The terms themselves, accepted with one tick and stored with their version.
EXEMPTION_TERMS = (
    _(
        "An exemption keeps outbound port 25 open on this line only, from our approval until "
        "the date we set. It is not renewed automatically."
    ),
    _("We may decline a request; we tell you why."),
    _("If spam or viruses are sent from the line, we end the exemption at once, without notice."),
    _("You are responsible for all mail sent from the line while it is exempt."),
    _(
        "We keep your request, and the version and time of your acceptance of these terms, "
        "as a record."
    ),
)
