"""Shared fixtures: the preflight check of the real services, and persona fixtures.

Personas make permission tests read like prose: `subscriber`, `other_subscriber`,
and (later) the staff roles.
"""

import os
import socket
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import psycopg
import pytest
import redis
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from accounts.models import AccessService, IpAssignment, Line, LineGroup, Mailbox, Subscriber, User
from blocking.announcement import announcement_load

JST = ZoneInfo("Asia/Tokyo")


def _unreachable(what: str, url: str, how: str, error: Exception) -> None:
    pytest.exit(
        f"{what} is unreachable at {url} ({error.__class__.__name__}): start it with `{how}`, "
        f"or point {'DATABASE_URL' if what == 'PostgreSQL' else 'REDIS_URL'} elsewhere.",
        returncode=3,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail in one clear line when PostgreSQL or Redis is not running."""
    database_url = os.environ["DATABASE_URL"]
    if database_url.startswith("postgres"):
        parsed = urlparse(database_url)
        try:
            psycopg.connect(
                host=parsed.hostname,
                port=parsed.port or 5432,
                user=parsed.username,
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.OperationalError as error:
            _unreachable(
                "PostgreSQL",
                f"{parsed.hostname}:{parsed.port or 5432}",
                "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
                error,
            )
    redis_url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        _unreachable(
            "Redis",
            redis_url,
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
            error,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """Personas' passwords need not be hashed slowly in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def announcement(db: None) -> None:
    """The 2006 announcement's services, groups, phases, list and submission service."""
    announcement_load(smtp_host="smtp.example.ne.jp")


def make_subscriber(account_id: str, *, password: str = "correct-horse-battery") -> Subscriber:
    user = User.objects.create_user(username=account_id, password=password)
    return Subscriber.objects.create(
        account_id=account_id,
        name=f"Name of {account_id}",
        email=f"{account_id}@example.com",
        user=user,
    )


def make_line(
    subscriber: Subscriber, line_id: str, *, group: str = "eadsl-1", static_ip: str | None = None
) -> Line:
    return Line.objects.create(
        subscriber=subscriber,
        line_id=line_id,
        line_group=LineGroup.objects.get(code=group),
        ip_assignment=IpAssignment.STATIC if static_ip else IpAssignment.DYNAMIC,
        ip_address=static_ip,
    )


@pytest.fixture
def subscriber(announcement: None) -> Subscriber:
    """Taro: one dynamic eADSL line in group 1 and one mailbox."""
    taro = make_subscriber("taro")
    make_line(taro, "taro@eadsl")
    Mailbox.objects.create(subscriber=taro, address="taro@example.ne.jp", login="taro")
    return taro


@pytest.fixture
def other_subscriber(announcement: None) -> Subscriber:
    """Hanako: another customer, whose data Taro must never see."""
    hanako = make_subscriber("hanako")
    make_line(hanako, "hanako@flets", group="flets-east")
    Mailbox.objects.create(subscriber=hanako, address="hanako@example.ne.jp", login="hanako")
    return hanako


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """Django's admin asks staff for their second factor: this client has passed it."""
    client = Client()
    client.force_login(admin_user)
    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def at_jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


__all__ = ["AccessService", "at_jst", "make_line", "make_subscriber"]


@pytest.fixture
def redis_down(settings: Settings) -> None:
    """The cache is a Redis that does not answer (a port nothing listens on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.caching.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
