"""The mail settings a customer's mail program needs: the one source of truth.

The setup guides, Thunderbird autoconfig, Outlook Autodiscover and the Apple
profile are all rendered from `MailSettings`, so they cannot disagree. The
submission service (host, ports, start, authentication) is the database row the
mail backend is synced from; POP and IMAP come from settings.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Mailbox
from blocking.models import AuthMethod
from blocking.selectors import submission_service_get
from portal.published import SUBMISSION_SERVICE, published_get

Security = Literal["ssl", "starttls", "none"]

# Without a submission service row (a fresh install), the settings describe a
# service that is taken as available since always and offers SMTP AUTH only.
_ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)
_DEFAULT_AUTH_METHODS = (AuthMethod.SMTP_AUTH_STARTTLS, AuthMethod.SMTP_AUTH_TLS)


@dataclass(frozen=True)
class ServerEndpoint:
    host: str
    port: int
    security: Security  # "ssl" = implicit TLS


@dataclass(frozen=True)
class MailSettings:
    mail_domain: str
    pop: ServerEndpoint  # POP3 over TLS (995)
    imap: ServerEndpoint  # IMAP over TLS (993)
    submission: ServerEndpoint  # 587 STARTTLS (SMTP AUTH), also POP before SMTP
    submission_tls: ServerEndpoint | None  # 465 implicit TLS when the service offers it
    auth_methods: tuple[AuthMethod, ...]  # offered (to this mailbox, when personalised)
    pop_before_smtp: bool
    pop_before_smtp_window_minutes: int
    submission_starts_at: datetime
    address: str | None  # the mailbox, when personalised
    login: str | None  # the mailbox login, when personalised

    @property
    def smtp_auth(self) -> bool:
        """Whether the mail program should log in to send (SMTP AUTH)."""
        return bool(
            {AuthMethod.SMTP_AUTH_STARTTLS, AuthMethod.SMTP_AUTH_TLS} & set(self.auth_methods)
        )

    def submission_available(self, *, at: datetime) -> bool:
        return self.submission_starts_at <= at


def mailbox_auth_methods(
    offered: tuple[AuthMethod, ...], mailbox: Mailbox | None
) -> tuple[AuthMethod, ...]:
    """The service's methods, narrowed to what the mailbox's own access allows."""
    if mailbox is None:
        return offered
    try:
        access = mailbox.submission_access
    except ObjectDoesNotExist:
        return offered
    # A suspension stops sending at the mail backend; how to set up the program is
    # unchanged, so the settings still name the methods the mailbox will use again.
    if not access.auth_methods:
        return offered
    allowed = set(access.auth_methods)
    return tuple(method for method in offered if method in allowed)


def mail_settings_get(*, mailbox: Mailbox | None = None) -> MailSettings:
    """The settings, personalised for `mailbox` if given.

    One query, none while the submission service is cached (portal/published.py). Fetch
    the mailbox with `select_related("submission_access")` so its own access (narrower
    methods, suspension) costs no further query.
    """
    service = published_get(name=SUBMISSION_SERVICE, build=lambda: (submission_service_get(), None))
    if service is None:
        host = settings.PORTAL_SMTP_HOST
        port = settings.PORTAL_SUBMISSION_PORT
        tls_port: int | None = settings.PORTAL_SUBMISSION_TLS_PORT or None
        offered: tuple[AuthMethod, ...] = _DEFAULT_AUTH_METHODS
        window = 10
        starts_at = _ALWAYS
    else:
        host = service.host
        port = service.port
        tls_port = service.implicit_tls_port
        # Keep the order of AuthMethod, not of the stored list, so output is stable.
        stored = set(service.auth_methods)
        offered = tuple(method for method in AuthMethod if method.value in stored)
        window = service.pop_before_smtp_window_minutes
        starts_at = service.starts_at
    if AuthMethod.SMTP_AUTH_TLS not in offered:
        tls_port = None
    elif tls_port is None:
        offered = tuple(m for m in offered if m is not AuthMethod.SMTP_AUTH_TLS)
    methods = mailbox_auth_methods(offered, mailbox)
    return MailSettings(
        mail_domain=settings.PORTAL_MAIL_DOMAIN,
        pop=ServerEndpoint(
            host=settings.PORTAL_POP_HOST, port=settings.PORTAL_POP_PORT, security="ssl"
        ),
        imap=ServerEndpoint(
            host=settings.PORTAL_IMAP_HOST, port=settings.PORTAL_IMAP_PORT, security="ssl"
        ),
        submission=ServerEndpoint(host=host, port=port, security="starttls"),
        submission_tls=(
            ServerEndpoint(host=host, port=tls_port, security="ssl") if tls_port else None
        ),
        auth_methods=methods,
        pop_before_smtp=AuthMethod.POP_BEFORE_SMTP in methods,
        pop_before_smtp_window_minutes=window,
        submission_starts_at=starts_at,
        address=mailbox.address if mailbox else None,
        login=mailbox.login if mailbox else None,
    )
