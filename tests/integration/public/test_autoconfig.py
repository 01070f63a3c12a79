"""Auto-configuration endpoints over HTTP: formats, refusals, permissions, query counts."""

import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.models import Mailbox, Subscriber
from blocking.models import AuthMethod, SubmissionAccess, SubmissionAccessState, SubmissionService

pytestmark = pytest.mark.django_db

AD = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
AD_ERROR = "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}"
AUTODISCOVER_REQUEST = """<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>{address}</EMailAddress>
    <AcceptableResponseSchema>{schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>"""
SCHEMA_2006A = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"


def autodiscover_body(address: str, schema: str = SCHEMA_2006A) -> bytes:
    return AUTODISCOVER_REQUEST.format(address=address, schema=schema).encode()


def post_autodiscover(client: Client, body: bytes, path: str = "/autodiscover/autodiscover.xml"):
    return client.post(path, data=body, content_type="text/xml")


def autodiscover_error_code(content: bytes) -> str | None:
    return fromstring(content).findtext(f"{AD_ERROR}Response/{AD_ERROR}Error/{AD_ERROR}ErrorCode")


# Thunderbird -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"]
)
def test_thunderbird_config_for_address(client: Client, announcement: None, path: str) -> None:
    response = client.get(path, {"emailaddress": "taro@example.ne.jp"})
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/xml; charset=utf-8",
    )
    root = fromstring(response.content)
    ports = [s.findtext("port") for s in root.iterfind("emailProvider/outgoingServer")]
    assert ports == ["587", "465"]
    assert {u.text for u in root.iterfind("emailProvider/*/username")} == {"taro"}
    docs = [d.get("url") for d in root.iterfind("emailProvider/documentation")]
    assert docs == [
        "http://testserver/guides/thunderbird/",
        "http://testserver/guides/generic/",
    ]


def test_thunderbird_config_without_address_has_placeholders(
    client: Client, announcement: None
) -> None:
    response = client.get("/.well-known/autoconfig/mail/config-v1.1.xml")
    assert response.status_code == 200
    root = fromstring(response.content)
    assert {u.text for u in root.iterfind("emailProvider/*/username")} == {"%EMAILLOCALPART%"}


def test_thunderbird_config_foreign_domain_404(client: Client, announcement: None) -> None:
    response = client.get(
        reverse("autoconfig_thunderbird"),
        {"emailaddress": "x@gmail.com"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (response.status_code, response["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert response.content.decode() == "Only addresses in example.ne.jp can be configured here.\n"


def test_thunderbird_config_malformed_address_400(client: Client, announcement: None) -> None:
    response = client.get(reverse("autoconfig_thunderbird"), {"emailaddress": "<script>"})
    assert response.status_code == 400


def test_thunderbird_config_without_submission_row_uses_settings(client: Client) -> None:
    response = client.get(reverse("autoconfig_thunderbird"))
    root = fromstring(response.content)
    assert [s.findtext("port") for s in root.iterfind("emailProvider/outgoingServer")] == [
        "587",
        "465",
    ]


def test_thunderbird_config_follows_submission_service(client: Client, announcement: None) -> None:
    SubmissionService.objects.update(
        host="submit.example.ne.jp",
        implicit_tls_port=None,
        auth_methods=[AuthMethod.SMTP_AUTH_STARTTLS],
    )
    root = fromstring(client.get(reverse("autoconfig_thunderbird")).content)
    servers = [
        (s.findtext("hostname"), s.findtext("port"), [a.text for a in s.iterfind("authentication")])
        for s in root.iterfind("emailProvider/outgoingServer")
    ]
    assert servers == [("submit.example.ne.jp", "587", ["password-cleartext"])]


def test_thunderbird_config_query_count(
    client: Client, announcement: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        client.get(reverse("autoconfig_thunderbird"), {"emailaddress": "taro@example.ne.jp"})


def test_thunderbird_config_refuses_post(client: Client) -> None:
    assert client.post(reverse("autoconfig_thunderbird")).status_code == 405


# Autodiscover ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"]
)
def test_autodiscover_answers_settings(client: Client, announcement: None, path: str) -> None:
    response = post_autodiscover(client, autodiscover_body("Taro@example.ne.jp"), path)
    assert (response.status_code, response["Content-Type"]) == (200, "text/xml; charset=utf-8")
    root = fromstring(response.content)
    protocols = [
        (p.findtext(f"{AD}Type"), p.findtext(f"{AD}Port"), p.findtext(f"{AD}SMTPLast"))
        for p in root.iter(f"{AD}Protocol")
    ]
    assert protocols == [
        ("IMAP", "993", None),
        ("POP3", "995", None),
        ("SMTP", "587", "on"),
        ("SMTP", "465", None),
    ]


def test_autodiscover_without_pop_before_smtp_omits_smtp_last(
    client: Client, announcement: None
) -> None:
    SubmissionService.objects.update(auth_methods=[AuthMethod.SMTP_AUTH_STARTTLS])
    response = post_autodiscover(client, autodiscover_body("taro@example.ne.jp"))
    assert (b"SMTPLast" in response.content, b"UsePOPAuth" in response.content) == (False, False)


def test_autodiscover_foreign_domain_refused_in_pox(client: Client, announcement: None) -> None:
    response = post_autodiscover(client, autodiscover_body("someone@example.com"))
    assert (response.status_code, response["Content-Type"]) == (404, "text/xml; charset=utf-8")
    assert autodiscover_error_code(response.content) == "600"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<Autodiscover><Request></Request></Autodiscover>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    ],
)
def test_autodiscover_malformed_request_400(
    client: Client, announcement: None, body: bytes
) -> None:
    response = post_autodiscover(client, body)
    assert (response.status_code, autodiscover_error_code(response.content)) == (400, "600")


def test_autodiscover_other_schema_provider_unavailable(client: Client, announcement: None) -> None:
    body = autodiscover_body(
        "taro@example.ne.jp",
        "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006",
    )
    response = post_autodiscover(client, body)
    assert (response.status_code, autodiscover_error_code(response.content)) == (400, "601")


def test_autodiscover_get_refused_in_pox(client: Client) -> None:
    response = client.get(reverse("autodiscover"))
    assert (response.status_code, autodiscover_error_code(response.content)) == (405, "600")


def test_autodiscover_query_count(
    client: Client, announcement: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        post_autodiscover(client, autodiscover_body("taro@example.ne.jp"))


# Apple profile -----------------------------------------------------------------------------


def profile_url(address: str) -> str:
    return reverse("mail_profile", args=[address])


def test_mail_profile_for_own_mailbox(client: Client, subscriber: Subscriber) -> None:
    client.force_login(subscriber.user)
    response = client.get(profile_url("taro@example.ne.jp"))
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/x-apple-aspen-config",
    )
    assert response["Content-Disposition"] == 'attachment; filename="taro.mobileconfig"'
    (mail,) = plistlib.loads(response.content)["PayloadContent"]
    assert (
        mail["EmailAddress"],
        mail["IncomingMailServerUsername"],
        mail["OutgoingMailServerHostName"],
        mail["OutgoingMailServerPortNumber"],
        mail["IncomingMailServerPortNumber"],
    ) == ("taro@example.ne.jp", "taro", "smtp.example.ne.jp", 587, 993)
    assert b"correct-horse-battery" not in response.content


def test_mail_profile_uses_mailbox_login(client: Client, subscriber: Subscriber) -> None:
    Mailbox.objects.filter(address="taro@example.ne.jp").update(login="t0001")
    client.force_login(subscriber.user)
    (mail,) = plistlib.loads(client.get(profile_url("taro@example.ne.jp")).content)[
        "PayloadContent"
    ]
    assert (mail["IncomingMailServerUsername"], mail["OutgoingMailServerUsername"]) == (
        "t0001",
        "t0001",
    )


def test_mail_profile_of_other_subscriber_404(
    client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    client.force_login(subscriber.user)
    assert client.get(profile_url("hanako@example.ne.jp")).status_code == 404
    assert client.get(profile_url("nobody@example.ne.jp")).status_code == 404


def test_mail_profile_anonymous_redirects_to_login(client: Client, subscriber: Subscriber) -> None:
    response = client.get(profile_url("taro@example.ne.jp"))
    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/my/mail-profile/taro%40example.ne.jp.mobileconfig",
    )


def test_mail_profile_suspended_mailbox_keeps_its_methods(
    client: Client, subscriber: Subscriber
) -> None:
    mailbox = Mailbox.objects.get(address="taro@example.ne.jp")
    SubmissionAccess.objects.create(
        mailbox=mailbox,
        state=SubmissionAccessState.SUSPENDED,
        auth_methods=[AuthMethod.POP_BEFORE_SMTP],
    )
    client.force_login(subscriber.user)
    (mail,) = plistlib.loads(client.get(profile_url("taro@example.ne.jp")).content)[
        "PayloadContent"
    ]
    assert (mail["OutgoingMailServerAuthentication"], mail["OutgoingMailServerPortNumber"]) == (
        "EmailAuthNone",
        587,
    )


def test_mail_profile_query_count(
    client: Client, subscriber: Subscriber, django_assert_num_queries: object
) -> None:
    client.force_login(subscriber.user)
    # user, mailbox with its access, submission service (the session from the cache)
    with django_assert_num_queries(3):  # type: ignore[operator]
        client.get(profile_url("taro@example.ne.jp"))


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=profiles.example.ne.jp", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_mail_profile_signed_when_configured(
    client: Client, subscriber: Subscriber, settings: Settings, tmp_path: Path
) -> None:
    cert, key = _self_signed(tmp_path)
    settings.PORTAL_PROFILE_SIGNING_CERT = str(cert)
    settings.PORTAL_PROFILE_SIGNING_KEY = str(key)
    client.force_login(subscriber.user)
    response = client.get(profile_url("taro@example.ne.jp"))
    assert response["Content-Type"] == "application/x-apple-aspen-config"
    signed = tmp_path / "profile.der"
    signed.write_bytes(response.content)
    verified = subprocess.run(
        [
            "openssl", "cms", "-verify", "-inform", "DER", "-in", str(signed),
            "-CAfile", str(cert), "-binary",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (mail,) = plistlib.loads(verified.stdout)["PayloadContent"]
    assert (mail["EmailAddress"], mail["OutgoingMailServerPortNumber"]) == (
        "taro@example.ne.jp",
        587,
    )


def test_mail_profile_unsigned_when_key_unusable(
    client: Client, subscriber: Subscriber, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "cert.pem").write_text("not a certificate")
    settings.PORTAL_PROFILE_SIGNING_CERT = str(tmp_path / "cert.pem")
    settings.PORTAL_PROFILE_SIGNING_KEY = str(tmp_path / "missing.pem")
    client.force_login(subscriber.user)
    response = client.get(profile_url("taro@example.ne.jp"))
    assert response.status_code == 200
    assert plistlib.loads(response.content)["PayloadType"] == "Configuration"
