"""Personas of the admin API: staff in each role (verified by TOTP), keys with each scope.

`world` builds one small, complete state: an active exemption, a waiting request,
a free line, a suspended mailbox, a failed sync change and a line group without
phases, so every endpoint has something to act on.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from accounts.api_keys import SCOPES, api_key_create, api_key_revoke
from accounts.audit import Actor
from accounts.models import LineGroup, Mailbox, Subscriber, User
from blocking import services
from blocking.console.roles import (
    AGENT_GROUP,
    AUDITOR_GROUP,
    SUPERVISOR_GROUP,
    staff_roles_ensure,
)
from blocking.models import (
    DestinationEntry,
    Exemption,
    RolloutPhase,
    SubmissionAccess,
    SubmissionAccessState,
)
from blocking.sync.models import SyncBackend, SyncChange, SyncResource, SyncState
from blocking.terms import EXEMPTION_TERMS_VERSION
from tests.conftest import make_line

ADMIN = Actor.system("test")


@pytest.fixture(autouse=True)
def _api_cache(settings: Settings) -> None:
    """A fresh throttle cache per test, and a rate no test reaches unless it means to."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{uuid.uuid4()}",
        }
    }
    settings.PORTAL_API_THROTTLE_RATE = "100000/min"


def key_client(raw_key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw_key}"})


def staff_user(username: str, group: str, groups: dict[str, Group] | None = None) -> User:
    groups = groups or staff_roles_ensure()
    user = User.objects.create_user(username=username, password="staff-password-2006")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.set([groups[group]])
    return user


def verified_client(user: User) -> Client:
    """A staff session past the TOTP step, as the console's login leaves it."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@dataclass
class World:
    taro: Subscriber
    hanako: Subscriber
    active: Exemption
    request: Exemption
    free_line_id: str
    mailbox: Mailbox
    suspended_mailbox: Mailbox
    failed_change: SyncChange
    phase: RolloutPhase
    empty_group: LineGroup
    entry: DestinationEntry


@pytest.fixture
def world(subscriber: Subscriber, other_subscriber: Subscriber) -> World:
    now = timezone.now()
    make_line(subscriber, "taro-2@eadsl")
    active = services.exemption_grant(
        line=subscriber.lines.get(line_id="taro@eadsl"),
        actor=ADMIN,
        reason="Runs a mail server",
        ends_at=now + timedelta(days=30),
    )
    request = services.exemption_request(
        line=other_subscriber.lines.get(),
        actor=ADMIN,
        reason="Our office mail server",
        server_host="mail.hanako.example",
        contact="hanako@example.com",
        terms_version=EXEMPTION_TERMS_VERSION,
    )
    suspended = other_subscriber.mailboxes.get()
    SubmissionAccess.objects.create(mailbox=suspended, state=SubmissionAccessState.SUSPENDED)
    failed = SyncChange.objects.create(
        backend=SyncBackend.NETWORK,
        resource=SyncResource.LINE_EXEMPTION,
        resource_key="taro@eadsl",
        version=1,
        payload={"exempt": True},
        state=SyncState.FAILED,
        attempts=8,
        next_attempt_at=now,
        last_error="connection refused",
        subscriber=subscriber,
    )
    eadsl_1 = LineGroup.objects.get(code="eadsl-1")
    empty_group = LineGroup.objects.create(
        access_service=eadsl_1.access_service, code="eadsl-9", name="eADSL group 9"
    )
    return World(
        taro=subscriber,
        hanako=other_subscriber,
        active=active,
        request=request,
        free_line_id="taro-2@eadsl",
        mailbox=subscriber.mailboxes.get(),
        suspended_mailbox=suspended,
        failed_change=failed,
        phase=RolloutPhase.objects.filter(line_group=eadsl_1).order_by("effective_at").first(),
        empty_group=empty_group,
        entry=DestinationEntry.objects.order_by("id").first(),
    )


@dataclass
class Principals:
    """Every kind of caller, by name: the rows of the permission matrix."""

    clients: dict[str, Client]


@pytest.fixture
def principals(world: World) -> Principals:
    clients: dict[str, Client] = {"anonymous": Client()}
    subscriber_client = Client()
    subscriber_client.force_login(world.taro.user)
    clients["subscriber"] = subscriber_client
    groups = staff_roles_ensure()
    for name, group in (
        ("auditor", AUDITOR_GROUP),
        ("agent", AGENT_GROUP),
        ("supervisor", SUPERVISOR_GROUP),
    ):
        clients[name] = verified_client(staff_user(name, group, groups))
    unverified = Client()
    unverified.force_login(staff_user("supervisor-no-otp", SUPERVISOR_GROUP, groups))
    clients["supervisor without TOTP"] = unverified
    for scope in SCOPES:
        _key, raw = api_key_create(name=f"client-{scope}", scopes=[scope], actor=ADMIN)
        clients[f"key {scope}"] = key_client(raw)
    revoked, raw = api_key_create(name="client-revoked", scopes=list(SCOPES), actor=ADMIN)
    api_key_revoke(api_key=revoked, actor=ADMIN)
    clients["revoked key"] = key_client(raw)
    return Principals(clients=clients)


@pytest.fixture
def all_scopes_key(db: None) -> str:
    _key, raw = api_key_create(name="crm", scopes=list(SCOPES), actor=ADMIN)
    return raw


@pytest.fixture
def api(all_scopes_key: str) -> Client:
    """A machine client holding every scope."""
    return key_client(all_scopes_key)
