"""The public notice is rendered from the schedule in the database."""

import pytest
from django.test import Client
from django.urls import reverse

from blocking.models import RolloutPhase
from tests.conftest import at_jst

pytestmark = pytest.mark.django_db


def test_notice_shows_schedule_from_database_in_english(client: Client, announcement: None) -> None:
    RolloutPhase.objects.filter(line_group__code="flets-west", stage="mobile").update(
        effective_at=at_jst(2006, 7, 3)
    )
    response = client.get(reverse("notice"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "FLET&#x27;S West" in body
    assert 'datetime="2006-07-03T00:00:00+09:00"' in body
    assert 'datetime="2006-10-01T00:00:00+09:00"' in body
    assert "Submission Port 587" in body
    assert "POP before SMTP" in body


def test_notice_in_japanese_by_default(client: Client, announcement: None) -> None:
    response = client.get(reverse("notice"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ja"
    assert "送信ポート" in response.content.decode()


def test_notice_without_schedule_says_so(client: Client) -> None:
    response = client.get(reverse("notice"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No schedule has been published yet." in response.content.decode()


def test_notice_query_count_constant(
    client: Client, announcement: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(3):  # type: ignore[operator]
        client.get(reverse("notice"))


def test_notice_refuses_post(client: Client) -> None:
    assert client.post(reverse("notice")).status_code == 405


def test_notice_sends_content_security_policy(client: Client) -> None:
    policy = client.get(reverse("notice")).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy


def test_healthz_answers_ok(client: Client) -> None:
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok\n")
