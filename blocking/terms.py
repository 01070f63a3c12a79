"""The conditions and terms a subscriber accepts before asking for an exemption.

Changing what they say means a new `EXEMPTION_TERMS_VERSION`: each request stores
the version its subscriber accepted, and a request against old terms is refused.
"""

from django.utils.translation import gettext_lazy as _

EXEMPTION_TERMS_VERSION = "2006-05-1"

EXEMPTION_CONDITIONS = (
    _("I run my own mail server on this line and it sends mail directly to other domains."),
    _("The line has a fixed IP address with a reverse DNS name for the mail server."),
    _("The mail server is not an open relay and only my users can send through it."),
    _(
        "I understand that sending through my provider's port 587 "
        "would make an exemption unnecessary."
    ),
)

EXEMPTION_TERMS = (
    _("The exemption keeps outbound port 25 open on this line only, until the date we set."),
    _("We revoke the exemption at once if spam or viruses are sent from the line."),
    _("You keep your mail server secure and answer our abuse contact within one business day."),
)
