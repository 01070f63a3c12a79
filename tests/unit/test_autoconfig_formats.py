"""The three auto-configuration formats agree with `MailSettings` (golden files, no DB).

Regenerate the golden files after a deliberate change with
`UPDATE_GOLDEN=1 pytest tests/unit/test_autoconfig_formats.py` and review the diff.
"""

import os
import plistlib
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring

from blocking.announcement import SUBMISSION_FROM
from blocking.models import AuthMethod
from portal.autoconfig.formats import (
    AddressRefused,
    ClientAccount,
    Documentation,
    address_check,
    apple_profile,
    autodiscover_error,
    autodiscover_response,
    client_account,
    thunderbird_config,
)
from portal.mail_settings import MailSettings, ServerEndpoint

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "autoconfig"
TB = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"

MAIL = MailSettings(
    mail_domain="example.ne.jp",
    pop=ServerEndpoint("pop.example.ne.jp", 995, "ssl"),
    imap=ServerEndpoint("imap.example.ne.jp", 993, "ssl"),
    submission=ServerEndpoint("smtp.example.ne.jp", 587, "starttls"),
    submission_tls=ServerEndpoint("smtp.example.ne.jp", 465, "ssl"),
    auth_methods=(
        AuthMethod.POP_BEFORE_SMTP,
        AuthMethod.SMTP_AUTH_STARTTLS,
        AuthMethod.SMTP_AUTH_TLS,
    ),
    pop_before_smtp=True,
    pop_before_smtp_window_minutes=10,
    submission_starts_at=SUBMISSION_FROM,
    address=None,
    login=None,
)
PERSONAL = MailSettings(**{**MAIL.__dict__, "address": "taro@example.ne.jp", "login": "taro"})
POP_BEFORE_SMTP_ONLY = MailSettings(
    **{
        **MAIL.__dict__,
        "submission_tls": None,
        "auth_methods": (AuthMethod.POP_BEFORE_SMTP,),
    }
)
DOCS = (
    Documentation(
        url="https://portal.example.ne.jp/guides/thunderbird/",
        descriptions=(("ja", "Thunderbird の設定方法"), ("en", "Setting up Thunderbird")),
    ),
)


def account(mail: MailSettings = MAIL, address: str | None = "taro@example.ne.jp") -> ClientAccount:
    return client_account(mail=mail, address=address, isp_name="Example Net")


def golden(name: str, produced: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert produced.decode() == path.read_text(encoding="utf-8")


def text(root: Element, path: str) -> list[str]:
    return [(el.text or "") for el in root.iterfind(path)]


def test_thunderbird_golden() -> None:
    golden("thunderbird.xml", thunderbird_config(account=account(), documentation=DOCS).encode())


def test_thunderbird_placeholders_golden() -> None:
    produced = thunderbird_config(account=account(address=None), documentation=DOCS)
    golden("thunderbird-placeholders.xml", produced.encode())


def test_autodiscover_golden() -> None:
    golden("autodiscover.xml", autodiscover_response(account=account()).encode())


def test_apple_profile_golden() -> None:
    produced = apple_profile(account=account(PERSONAL, None), description="Mail for taro")
    golden("taro.mobileconfig", produced)


def test_thunderbird_agrees_with_mail_settings() -> None:
    root = fromstring(thunderbird_config(account=account(), documentation=DOCS))
    provider = root.find("emailProvider")
    assert provider is not None
    assert (root.get("version"), provider.get("id")) == ("1.1", "example.ne.jp")
    incoming = [
        (s.get("type"), s.findtext("hostname"), s.findtext("port"), s.findtext("socketType"))
        for s in provider.iterfind("incomingServer")
    ]
    assert incoming == [
        ("imap", MAIL.imap.host, str(MAIL.imap.port), "SSL"),
        ("pop3", MAIL.pop.host, str(MAIL.pop.port), "SSL"),
    ]
    outgoing = [
        (
            s.findtext("hostname"),
            s.findtext("port"),
            s.findtext("socketType"),
            text(s, "authentication"),
        )
        for s in provider.iterfind("outgoingServer")
    ]
    assert outgoing == [
        (MAIL.submission.host, "587", "STARTTLS", ["password-cleartext", "smtp-after-pop"]),
        (MAIL.submission.host, "465", "SSL", ["password-cleartext"]),
    ]
    assert text(provider, "*/username") == ["taro"] * 4
    assert [(d.get("lang"), d.text) for d in provider.iterfind("documentation/descr")] == [
        ("ja", "Thunderbird の設定方法"),
        ("en", "Setting up Thunderbird"),
    ]


def test_thunderbird_without_address_keeps_placeholders() -> None:
    root = fromstring(thunderbird_config(account=account(address=None), documentation=()))
    assert set(text(root, "emailProvider/*/username")) == {"%EMAILLOCALPART%"}


def test_thunderbird_pop_before_smtp_only_prefers_pop() -> None:
    root = fromstring(thunderbird_config(account=account(POP_BEFORE_SMTP_ONLY), documentation=()))
    assert [s.get("type") for s in root.iterfind("emailProvider/incomingServer")] == [
        "pop3",
        "imap",
    ]
    assert text(root, "emailProvider/outgoingServer/authentication") == ["smtp-after-pop"]
    assert text(root, "emailProvider/outgoingServer/port") == ["587"]


def test_autodiscover_agrees_with_mail_settings() -> None:
    root = fromstring(autodiscover_response(account=account()))
    protocols = [
        {child.tag.removeprefix(TB): child.text for child in protocol}
        for protocol in root.iter(f"{TB}Protocol")
    ]
    assert [(p["Type"], p["Server"], p["Port"], p["Encryption"]) for p in protocols] == [
        ("IMAP", MAIL.imap.host, "993", "SSL"),
        ("POP3", MAIL.pop.host, "995", "SSL"),
        ("SMTP", MAIL.submission.host, "587", "TLS"),
        ("SMTP", MAIL.submission.host, "465", "SSL"),
    ]
    assert [p.get("SMTPLast") for p in protocols] == [None, None, "on", None]
    assert [p.get("UsePOPAuth") for p in protocols] == [None, None, "on", None]
    assert {p["LoginName"] for p in protocols} == {"taro"}


def test_autodiscover_without_pop_before_smtp_has_no_smtp_last() -> None:
    mail = MailSettings(
        **{
            **MAIL.__dict__,
            "pop_before_smtp": False,
            "auth_methods": (AuthMethod.SMTP_AUTH_STARTTLS,),
        }
    )
    body = autodiscover_response(account=account(mail))
    assert ("SMTPLast" in body, "UsePOPAuth" in body) == (False, False)


def test_apple_profile_agrees_with_mail_settings() -> None:
    profile = plistlib.loads(apple_profile(account=account(PERSONAL, None), description="x"))
    (mail,) = profile["PayloadContent"]
    assert {k: v for k, v in mail.items() if k.startswith(("Incoming", "Outgoing", "Email"))} == {
        "EmailAccountDescription": "Example Net taro@example.ne.jp",
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAddress": "taro@example.ne.jp",
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "IncomingMailServerHostName": MAIL.imap.host,
        "IncomingMailServerPortNumber": 993,
        "IncomingMailServerUseSSL": True,
        "IncomingMailServerUsername": "taro",
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerHostName": MAIL.submission.host,
        "OutgoingMailServerPortNumber": 587,
        "OutgoingMailServerUseSSL": True,
        "OutgoingMailServerUsername": "taro",
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    assert profile["PayloadType"] == "Configuration"


def test_apple_profile_never_holds_a_password() -> None:
    profile = plistlib.loads(apple_profile(account=account(PERSONAL, None), description="x"))
    (mail,) = profile["PayloadContent"]
    assert [k for k in mail if k in {"IncomingPassword", "OutgoingPassword"}] == []


def test_apple_profile_identifiers_stable_per_mailbox() -> None:
    first = plistlib.loads(apple_profile(account=account(PERSONAL, None), description="a"))
    second = plistlib.loads(apple_profile(account=account(PERSONAL, None), description="b"))
    assert (first["PayloadIdentifier"], first["PayloadUUID"]) == (
        second["PayloadIdentifier"],
        second["PayloadUUID"],
    )
    assert first["PayloadIdentifier"] == "jp.ne.example.mail.taro"


def test_autodiscover_error_is_pox_error() -> None:
    from datetime import UTC, datetime

    root = fromstring(
        autodiscover_error(code=600, message="Invalid Request", at=datetime(2006, 6, 1, tzinfo=UTC))
    )
    ns = "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}"
    error = root.find(f"{ns}Response/{ns}Error")
    assert error is not None
    assert (error.findtext(f"{ns}ErrorCode"), error.findtext(f"{ns}Message")) == (
        "600",
        "Invalid Request",
    )
    assert error.get("Time") == "00:00:00.000000"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Taro@Example.ne.jp ", "taro@example.ne.jp"),
        ("hanako@example.ne.jp", "hanako@example.ne.jp"),
    ],
)
def test_address_check_accepts_our_domain(raw: str, expected: str) -> None:
    assert address_check(raw=raw, mail_domain="example.ne.jp") == expected


@pytest.mark.parametrize(
    ("raw", "status"),
    [("taro@gmail.com", 404), ("taro@sub.example.ne.jp", 404), ("not an address", 400), ("", 400)],
)
def test_address_check_refuses(raw: str, status: int) -> None:
    with pytest.raises(AddressRefused) as refused:
        address_check(raw=raw, mail_domain="example.ne.jp")
    assert refused.value.status == status
