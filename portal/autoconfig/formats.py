"""The three auto-configuration formats, each rendered from one `MailSettings`.

Thunderbird's clientConfig 1.1, Outlook's POX Autodiscover (2006a response
schema) and Apple's configuration profile say the same thing in their own
words; the golden-file tests keep them in agreement with `MailSettings`.
"""

import html
import plistlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.mail_settings import MailSettings, ServerEndpoint

# Thunderbird replaces these with the address the user typed.
LOCALPART_PLACEHOLDER = "%EMAILLOCALPART%"
ADDRESS_PLACEHOLDER = "%EMAILADDRESS%"

AUTODISCOVER_RESPONSE_SCHEMA = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)
AUTODISCOVER_REQUEST_SCHEMA = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
)
# POX Autodiscover error codes.
AUTODISCOVER_INVALID_REQUEST = 600
AUTODISCOVER_PROVIDER_UNAVAILABLE = 601

_SOCKET_TYPE = {"ssl": "SSL", "starttls": "STARTTLS", "none": "plain"}
_ENCRYPTION = {"ssl": "SSL", "starttls": "TLS", "none": "None"}


class AddressRefused(Exception):
    """The address cannot be configured here: malformed (400) or not our domain (404)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def address_check(*, raw: str, mail_domain: str) -> str:
    """The address in lower case, if it is a well-formed address in our mail domain."""
    address = raw.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise AddressRefused(_("This is not an e-mail address."), status=400) from None
    if address.rpartition("@")[2] != mail_domain.lower():
        raise AddressRefused(
            _("Only addresses in %(domain)s can be configured here.") % {"domain": mail_domain},
            status=404,
        )
    return address


@dataclass(frozen=True)
class Server:
    kind: str  # "imap", "pop3" or "smtp"
    endpoint: ServerEndpoint
    auth_required: bool = True
    pop_before_smtp: bool = False  # this server accepts POP before SMTP

    @property
    def socket_type(self) -> str:
        return _SOCKET_TYPE[self.endpoint.security]

    @property
    def encryption(self) -> str:
        return _ENCRYPTION[self.endpoint.security]

    @property
    def autodiscover_type(self) -> str:
        return self.kind.upper()

    @property
    def thunderbird_auth(self) -> tuple[str, ...]:
        methods = ("password-cleartext",) if self.auth_required else ()
        return methods + (("smtp-after-pop",) if self.pop_before_smtp else ())


@dataclass(frozen=True)
class ClientAccount:
    """What every format says: servers in order of preference, and who logs in."""

    mail_domain: str
    display_name: str
    display_short_name: str
    address: str  # or ADDRESS_PLACEHOLDER
    login: str  # or LOCALPART_PLACEHOLDER
    incoming: tuple[Server, ...]
    outgoing: tuple[Server, ...]


@dataclass(frozen=True)
class Documentation:
    url: str
    descriptions: tuple[tuple[str, str], ...]  # (language, text)


def client_account(*, mail: MailSettings, address: str | None, isp_name: str) -> ClientAccount:
    """The account for `address` (placeholders when None). The login is the local part."""
    if mail.login is not None and mail.address is not None:
        address, login = mail.address, mail.login
    elif address is not None:
        login = address.partition("@")[0]
    else:
        address, login = ADDRESS_PLACEHOLDER, LOCALPART_PLACEHOLDER
    imap = Server(kind="imap", endpoint=mail.imap)
    pop = Server(kind="pop3", endpoint=mail.pop)
    # POP before SMTP needs a POP account; prefer it only when SMTP AUTH is not offered.
    incoming = (imap, pop) if mail.smtp_auth else (pop, imap)
    outgoing = [
        Server(
            kind="smtp",
            endpoint=mail.submission,
            auth_required=mail.smtp_auth,
            pop_before_smtp=mail.pop_before_smtp,
        )
    ]
    if mail.submission_tls is not None and mail.smtp_auth:
        outgoing.append(Server(kind="smtp", endpoint=mail.submission_tls))
    return ClientAccount(
        mail_domain=mail.mail_domain,
        display_name=f"{isp_name} ({mail.mail_domain})",
        display_short_name=isp_name,
        address=address,
        login=login,
        incoming=incoming,
        outgoing=tuple(outgoing),
    )


def _x(value: object) -> str:
    """Escaped for XML text and attributes, as the template engine escapes (html.escape)."""
    return html.escape(str(value))


def thunderbird_config(*, account: ClientAccount, documentation: Sequence[Documentation]) -> str:
    """Thunderbird's clientConfig 1.1.

    Built as a string rather than from a template: it is the busiest answer of announcement
    week (every Thunderbird setting up an account asks), and a template's rendering cost more
    than the rest of the request. Values are escaped as the template engine escapes them.
    """
    e = _x
    login = e(account.login)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">\n',
        f'  <emailProvider id="{e(account.mail_domain)}">\n',
        f"    <domain>{e(account.mail_domain)}</domain>\n",
        f"    <displayName>{e(account.display_name)}</displayName>\n",
        f"    <displayShortName>{e(account.display_short_name)}</displayShortName>\n",
    ]
    for server in account.incoming:
        out += [
            f'    <incomingServer type="{e(server.kind)}">\n',
            f"      <hostname>{e(server.endpoint.host)}</hostname>\n",
            f"      <port>{e(server.endpoint.port)}</port>\n",
            f"      <socketType>{e(server.socket_type)}</socketType>\n",
            f"      <username>{login}</username>\n",
            "      <authentication>password-cleartext</authentication>\n",
            "    </incomingServer>\n",
        ]
    for server in account.outgoing:
        out += [
            '    <outgoingServer type="smtp">\n',
            f"      <hostname>{e(server.endpoint.host)}</hostname>\n",
            f"      <port>{e(server.endpoint.port)}</port>\n",
            f"      <socketType>{e(server.socket_type)}</socketType>\n",
            f"      <username>{login}</username>\n",
        ]
        out += [f"      <authentication>{e(m)}</authentication>\n" for m in server.thunderbird_auth]
        out.append("    </outgoingServer>\n")
    for doc in documentation:
        out.append(f'    <documentation url="{e(doc.url)}">\n')
        out += [
            f'      <descr lang="{e(lang)}">{e(text)}</descr>\n' for lang, text in doc.descriptions
        ]
        out.append("    </documentation>\n")
    out.append("  </emailProvider>\n</clientConfig>\n")
    return "".join(out)


def autodiscover_response(*, account: ClientAccount) -> str:
    """Outlook's POX Autodiscover answer; a string for the reason thunderbird_config gives."""
    e = _x
    login = e(account.login)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/'
        'responseschema/2006">\n'
        '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/'
        'responseschema/2006a">\n'
        "    <Account>\n"
        "      <AccountType>email</AccountType>\n"
        "      <Action>settings</Action>\n"
    ]
    for server in account.incoming:
        out.append(
            "      <Protocol>\n"
            f"        <Type>{e(server.autodiscover_type)}</Type>\n"
            f"        <Server>{e(server.endpoint.host)}</Server>\n"
            f"        <Port>{e(server.endpoint.port)}</Port>\n"
            f"        <LoginName>{login}</LoginName>\n"
            "        <DomainRequired>off</DomainRequired>\n"
            "        <SPA>off</SPA>\n"
            f"        <Encryption>{e(server.encryption)}</Encryption>\n"
            "        <AuthRequired>on</AuthRequired>\n"
            "      </Protocol>\n"
        )
    for server in account.outgoing:
        out.append(
            "      <Protocol>\n"
            "        <Type>SMTP</Type>\n"
            f"        <Server>{e(server.endpoint.host)}</Server>\n"
            f"        <Port>{e(server.endpoint.port)}</Port>\n"
            f"        <LoginName>{login}</LoginName>\n"
            "        <DomainRequired>off</DomainRequired>\n"
            "        <SPA>off</SPA>\n"
            f"        <Encryption>{e(server.encryption)}</Encryption>\n"
            f"        <AuthRequired>{'on' if server.auth_required else 'off'}</AuthRequired>\n"
        )
        if server.pop_before_smtp:
            out.append("        <UsePOPAuth>on</UsePOPAuth>\n        <SMTPLast>on</SMTPLast>\n")
        out.append("      </Protocol>\n")
    out.append("    </Account>\n  </Response>\n</Autodiscover>\n")
    return "".join(out)


def autodiscover_error(*, code: int, message: str, at: datetime) -> str:
    return render_to_string(
        "autoconfig/autodiscover_error.xml",
        {
            "code": code,
            "message": message,
            "time": at.strftime("%H:%M:%S.%f"),
            "error_id": uuid.uuid4().int % 10**10,
        },
    )


def apple_profile(*, account: ClientAccount, description: str) -> bytes:
    """A configuration profile with one mail account: explicit ports, no password.

    Identifiers and UUIDs derive from the address, so installing a new profile for
    the same mailbox replaces the old one instead of adding a second account.
    """
    reverse_domain = ".".join(reversed(account.mail_domain.split(".")))
    identifier = f"{reverse_domain}.mail.{account.login}"
    incoming = account.incoming[0] if account.incoming[0].kind == "imap" else account.incoming[1]
    outgoing = account.outgoing[0]  # one outgoing server per account: port 587
    mail_payload = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.account",
        "PayloadUUID": _uuid(f"{identifier}.account"),
        "PayloadDisplayName": account.address,
        "EmailAccountDescription": f"{account.display_short_name} {account.address}",
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAddress": account.address,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "IncomingMailServerHostName": incoming.endpoint.host,
        "IncomingMailServerPortNumber": incoming.endpoint.port,
        "IncomingMailServerUseSSL": incoming.endpoint.security != "none",
        "IncomingMailServerUsername": account.login,
        "OutgoingMailServerAuthentication": (
            "EmailAuthPassword" if outgoing.auth_required else "EmailAuthNone"
        ),
        "OutgoingMailServerHostName": outgoing.endpoint.host,
        # Without an explicit port Apple Mail falls back to 25, which OP25B blocks.
        "OutgoingMailServerPortNumber": outgoing.endpoint.port,
        "OutgoingMailServerUseSSL": outgoing.endpoint.security != "none",
        "OutgoingMailServerUsername": account.login,
        "OutgoingPasswordSameAsIncomingPassword": True,
        "SMIMEEnabled": False,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": _uuid(identifier),
        "PayloadDisplayName": account.display_name,
        "PayloadDescription": description,
        "PayloadOrganization": account.display_short_name,
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [mail_payload],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name)).upper()
