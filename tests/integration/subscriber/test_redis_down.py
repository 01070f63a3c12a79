"""With Redis down, logged-in subscribers keep their pages: sessions fall back to PostgreSQL."""

import socket

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings: Settings) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.caching.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_login_dashboard_logout_without_redis(
    client: Client, subscriber: Subscriber, redis_down: None
) -> None:
    answer = client.post(
        "/login/", {"username": subscriber.account_id, "password": "correct-horse-battery"}
    )
    assert answer.status_code == 302
    assert client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/my/").status_code == 302  # logged out: to the login page
