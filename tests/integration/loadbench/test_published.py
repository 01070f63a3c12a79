"""The short cache of what every visitor sees alike (portal/published.py).

These tests commit (transaction=True): inside a transaction the cache is bypassed on purpose.
"""

from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
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


def test_shared_reader_gets_the_whole_page_kept(client: Client, announcement: None) -> None:
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    second = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    # The very same bytes: no CSRF token or other per-visitor value in a kept page.
    assert first.content == second.content
    assert b"csrfmiddlewaretoken" not in first.content
    assert "csrftoken" not in first.cookies


@pytest.mark.parametrize("path", ["/", "/guides/", "/guides/thunderbird/"])
def test_kept_page_not_shown_to_a_logged_in_reader(
    client: Client, announcement: None, subscriber: Subscriber, path: str
) -> None:
    client.get(path, HTTP_ACCEPT_LANGUAGE="en")  # kept for shared readers
    client.force_login(subscriber.user)
    body = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log out" in body
    assert "csrfmiddlewaretoken" in body  # the logout form's, made for this reader


def test_kept_page_not_shown_with_a_pending_message(client: Client, announcement: None) -> None:
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")  # kept for shared readers
    # A one-off message waits in its cookie (as after a password reset): it must be shown.
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Your password has been set.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your password has been set." in body


def test_kept_guide_list_dropped_when_submission_service_changes(
    client: Client, announcement: None
) -> None:
    service = SubmissionService.objects.get()
    client.get("/guides/", HTTP_ACCEPT_LANGUAGE="en")
    service.port = 10587
    service.save()
    assert "10587" in client.get("/guides/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
