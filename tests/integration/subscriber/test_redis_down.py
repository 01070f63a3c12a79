"""With Redis down, pages go on: sessions fall back to PostgreSQL, public pages are built."""

import pytest
from django.test import Client

from accounts.models import Subscriber

pytestmark = pytest.mark.django_db


def test_login_dashboard_logout_without_redis(
    client: Client, subscriber: Subscriber, redis_down: None
) -> None:
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200  # no kept page: built
    answer = client.post(
        "/login/", {"username": subscriber.account_id, "password": "correct-horse-battery"}
    )
    assert answer.status_code == 302
    assert client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/my/").status_code == 302  # logged out: to the login page
