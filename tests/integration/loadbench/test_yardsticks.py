"""The load benchmark's yardsticks (bench/urls_bench.py) answer as `make bench` expects.

They are the floors each kind of page is compared with, so each must go through the same
login and permission as the pages it stands for, and refuse the same callers.
"""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.api_keys import api_key_create
from accounts.audit import Actor
from accounts.models import Subscriber
from blocking.console.roles import AGENT_GROUP
from tests.integration.console.conftest import make_staff, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bench_urls(settings: Settings) -> None:
    settings.ROOT_URLCONF = "bench.urls_bench"


def test_bare_and_layout_answer_anyone(client: Client) -> None:
    assert client.get("/bench/bare").content == b"ok"
    assert b"<main" in client.get("/bench/layout").content


def test_subscriber_floor_needs_a_subscriber(client: Client, subscriber: Subscriber) -> None:
    assert client.get("/bench/subscriber").status_code == 302  # to the login page
    client.force_login(subscriber.user)
    assert client.get("/bench/subscriber").content == subscriber.account_id.encode()


def test_api_floor_needs_a_key_with_read_scope(client: Client) -> None:
    assert client.get("/bench/api").status_code == 401
    _key, raw = api_key_create(name="bench", scopes=["read"], actor=Actor.system())
    answer = client.get("/bench/api", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    assert answer.json() == {}


def test_staff_floor_needs_the_second_factor(client: Client) -> None:
    agent = make_staff("agent", AGENT_GROUP)
    client.force_login(agent)
    assert client.get("/bench/staff").status_code == 302  # to the code step
    assert verified_client(agent).get("/bench/staff").content == b"ok"
