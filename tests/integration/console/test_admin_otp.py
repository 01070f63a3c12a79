"""Django's admin asks for a verified TOTP device too: a password alone does not open it."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_session_without_a_code(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_opens_for_a_verified_session(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200


def test_admin_login_asks_for_the_code(client: Client) -> None:
    body = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in body
