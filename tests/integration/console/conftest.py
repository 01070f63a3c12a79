"""Persona fixtures for the console: staff of each role, signed in with or without their code."""

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from blocking.console.roles import AGENT_GROUP, AUDITOR_GROUP, SUPERVISOR_GROUP, staff_roles_ensure

# A fixed secret, so a test can compute the code an authenticator app would show.
TOTP_KEY = "3132333435363738393031323334353637383930"


def make_staff(username: str, group: str | None) -> User:
    user = User.objects.create_user(
        username=username, password=f"{username}-password-2006", is_staff=True
    )
    if group:
        user.groups.set([staff_roles_ensure()[group]])
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    return user


def verified_client(user: User) -> Client:
    """A client signed in with password and TOTP code, as after the console's login."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def agent(db: None) -> User:
    return make_staff("agent", AGENT_GROUP)


@pytest.fixture
def supervisor(db: None) -> User:
    return make_staff("supervisor", SUPERVISOR_GROUP)


@pytest.fixture
def auditor(db: None) -> User:
    return make_staff("auditor", AUDITOR_GROUP)


@pytest.fixture
def staff_client() -> Callable[[User], Client]:
    return verified_client


@pytest.fixture
def agent_client(agent: User) -> Client:
    return verified_client(agent)


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return verified_client(supervisor)


@pytest.fixture
def auditor_client(auditor: User) -> Client:
    return verified_client(auditor)
