"""The short cache of what every visitor sees alike (portal/published.py).

These tests commit (transaction=True): inside a transaction the cache is bypassed on purpose.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from accounts.models import Subscriber
from blocking.models import RolloutPhase, SubmissionService
from blocking.selectors import schedule_by_service
from portal.mail_settings import mail_settings_get
from portal.published import published_forget
from portal.views import notice_turns_at
from tests.conftest import at_jst

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings: Settings) -> None:
    settings.PORTAL_PUBLIC_CACHE_SECONDS = 30
    published_forget()


def test_notice_cached_runs_no_query_on_second_visit(
    client: Client, announcement: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(0):
        second = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 200
    assert "As of " in second.content.decode()
    assert first.content.decode().count("<time") == second.content.decode().count("<time")


def test_notice_cache_dropped_when_staff_move_a_phase(client: Client, announcement: None) -> None:
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    phase = RolloutPhase.objects.filter(line_group__code="flets-west", stage="mobile").get()
    phase.effective_at = at_jst(2030, 7, 3)
    phase.save()
    assert (
        'datetime="2030-07-03T00:00:00+09:00"'
        in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_notice_cache_kept_per_language(client: Client, announcement: None) -> None:
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    japanese = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert english.headers["Content-Language"] == "en"
    assert "送信ポート" in japanese.content.decode()
    assert "送信ポート" not in english.content.decode()


def test_mail_settings_cache_dropped_when_submission_service_changes(announcement: None) -> None:
    before = mail_settings_get().submission.port  # now cached
    service = SubmissionService.objects.get()
    service.port = before + 1
    service.save()
    assert mail_settings_get().submission.port == before + 1


def test_mail_settings_inside_transaction_read_the_database(
    announcement: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    mail_settings_get()  # cached outside any transaction
    with transaction.atomic():
        SubmissionService.objects.update(port=2525)  # sends no signal: only a read sees it
        with django_assert_num_queries(1):
            assert mail_settings_get().submission.port == 2525
    published_forget()


def test_notice_turns_at_the_next_phase(announcement: None) -> None:
    now = timezone.now()
    schedule = schedule_by_service(at=now)
    future = [
        p.effective_at
        for item in schedule
        for row in item.groups
        for p in row.phases
        if p.effective_at > now
    ]
    mail = mail_settings_get()
    midnight = (timezone.localtime(now) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    expected = min([midnight, *future])
    assert notice_turns_at(schedule=schedule, mail=mail, at=now) == expected


def test_guide_for_anonymous_readers_cached(
    client: Client, announcement: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get("/guides/thunderbird/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(0):
        second = client.get("/guides/thunderbird/", HTTP_ACCEPT_LANGUAGE="en")
    assert first.content.decode().count("smtp.") == second.content.decode().count("smtp.")
    assert "Log in to see them filled in" in second.content.decode()


def test_guide_for_subscriber_never_cached(
    client: Client, announcement: None, subscriber: Subscriber
) -> None:
    client.get("/guides/thunderbird/", HTTP_ACCEPT_LANGUAGE="en")  # the anonymous copy
    client.force_login(subscriber.user)
    body = client.get("/guides/thunderbird/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "taro@example.ne.jp" in body
    assert "Log in to see them filled in" not in body
