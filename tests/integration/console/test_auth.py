"""Staff sign-in: password, then a TOTP code; first-time enrolment with a QR code."""

import time
from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.integration.console.conftest import TOTP_KEY

pytestmark = pytest.mark.django_db


def current_code(key: str = TOTP_KEY) -> str:
    totp = TOTP(unhexlify(key), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def password_step(client: Client, username: str, password: str, next_url: str = "") -> object:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("console:login"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_login_then_code_opens_the_console(client: Client, agent: User) -> None:
    response = password_step(client, "agent", "agent-password-2006")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:verify") + "?next=%2Fstaff%2F"
    assert client.get(reverse("console:home")).status_code == 302  # not verified yet

    response = client.post(
        reverse("console:verify"), {"token": current_code(), "next": reverse("console:home")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


def test_wrong_code_is_refused_with_a_message(client: Client, agent: User) -> None:
    password_step(client, "agent", "agent-password-2006")
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"

    response = client.post(reverse("console:verify"), {"token": wrong}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("console:home")).status_code == 302


def test_a_code_signs_in_once(client: Client, agent: User) -> None:
    code = current_code()
    password_step(client, "agent", "agent-password-2006")
    client.post(reverse("console:verify"), {"token": code})
    other = Client()
    password_step(other, "agent", "agent-password-2006")

    response = other.post(reverse("console:verify"), {"token": code})

    assert response.status_code == 200
    assert other.get(reverse("console:home")).status_code == 302


def test_letters_instead_of_a_code_get_a_form_error(client: Client, agent: User) -> None:
    password_step(client, "agent", "agent-password-2006")
    response = client.post(reverse("console:verify"), {"token": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()


def test_subscriber_password_is_refused_at_the_staff_login(client: Client, subscriber) -> None:
    response = password_step(client, "taro", "correct-horse-battery")
    assert response.status_code == 200
    assert "This sign-in is for support staff only." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client: Client, agent: User) -> None:
    response = password_step(client, "agent", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_next_to_another_site_is_ignored(client: Client, agent: User) -> None:
    password_step(client, "agent", "agent-password-2006")
    response = client.post(
        reverse("console:verify"), {"token": current_code(), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("console:home")


def test_staff_without_a_device_enrols_with_a_qr_code(client: Client) -> None:
    User.objects.create_user(username="newbie", password="newbie-password-2006", is_staff=True)
    password_step(client, "newbie", "newbie-password-2006")

    response = client.get(reverse("console:verify"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("console:enrol"))
    body = response.content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user__username="newbie")
    assert device.confirmed is False

    response = client.post(reverse("console:enrol"), {"token": current_code(device.key)})

    device.refresh_from_db()
    assert device.confirmed is True
    assert response.status_code == 302
    assert client.get(reverse("console:home")).status_code == 403  # verified, but no role yet


def test_enrolment_with_a_wrong_code_keeps_the_device_unconfirmed(client: Client) -> None:
    User.objects.create_user(username="newbie", password="newbie-password-2006", is_staff=True)
    password_step(client, "newbie", "newbie-password-2006")
    client.get(reverse("console:enrol"))
    device = TOTPDevice.objects.get(user__username="newbie")
    wrong = f"{(int(current_code(device.key)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("console:enrol"), {"token": wrong})

    device.refresh_from_db()
    assert (response.status_code, device.confirmed) == (200, False)


def test_enrolment_is_closed_once_a_device_exists(client: Client, agent: User) -> None:
    password_step(client, "agent", "agent-password-2006")
    response = client.get(reverse("console:enrol"))
    assert response["Location"].startswith(reverse("console:verify"))


def test_subscriber_cannot_reach_the_code_step(client: Client, subscriber) -> None:
    client.force_login(User.objects.get(username="taro"))
    assert client.get(reverse("console:verify")).status_code == 403
    assert client.get(reverse("console:enrol")).status_code == 403
    assert TOTPDevice.objects.count() == 0


def test_logout_ends_the_session(agent_client: Client) -> None:
    response = agent_client.post(reverse("console:logout"))
    assert response["Location"] == reverse("console:login")
    assert agent_client.get(reverse("console:home")).status_code == 302
