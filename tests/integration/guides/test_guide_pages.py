"""Guide pages: public, filled in from the database, personal only with the reader's own data."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Mailbox, Subscriber
from blocking.models import SubmissionAccess, SubmissionAccessState, SubmissionService
from portal.guides.registry import GUIDES
from portal.guides.troubleshooting import PROBLEMS

pytestmark = pytest.mark.django_db

SLUGS = list(GUIDES)


def _get(client: Client, url: str, language: str = "ja", **params: str):  # type: ignore[no-untyped-def]
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_guide_detail_renders_service_values(
    client: Client, announcement: None, slug: str, language: str
) -> None:
    response = _get(client, reverse("guide_detail", args=[slug]), language)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert "smtp.example.ne.jp" in html
    assert ">465<" in html
    assert ">587<" in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_guide_list_and_troubleshooting_render(
    client: Client, announcement: None, language: str
) -> None:
    for name in ("guide_list", "troubleshooting"):
        response = _get(client, reverse(name), language)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_guide_list_links_every_guide(client: Client, announcement: None) -> None:
    html = _get(client, reverse("guide_list")).content.decode()
    links = re.findall(r'href="/guides/([a-z-]+)/"', html)
    assert links == SLUGS


def test_guide_detail_follows_the_submission_service_row(
    client: Client, announcement: None
) -> None:
    SubmissionService.objects.update(host="submit.example.ne.jp", port=2587, implicit_tls_port=2465)
    html = _get(client, reverse("guide_detail", args=["thunderbird"])).content.decode()
    assert "submit.example.ne.jp" in html
    assert ">2465<" in html
    assert ">2587<" in html
    assert "smtp.example.ne.jp" not in html


def test_guide_detail_without_implicit_tls_recommends_587(
    client: Client, announcement: None
) -> None:
    SubmissionService.objects.update(implicit_tls_port=None)
    html = _get(client, reverse("guide_detail", args=["thunderbird"]), "en").content.decode()
    assert ">465<" not in html
    assert 'id="step-starttls-587"' not in html
    assert 'id="step-outgoing-server"' in html


def test_guide_detail_anonymous_shows_placeholders(client: Client, announcement: None) -> None:
    html = _get(client, reverse("guide_detail", args=["generic"]), "en").content.decode()
    assert "your mail address" in html
    assert "your mail account ID" in html


def test_guide_detail_subscriber_sees_own_mailbox(client: Client, subscriber: Subscriber) -> None:
    client.force_login(subscriber.user)
    html = _get(client, reverse("guide_detail", args=["generic"]), "en").content.decode()
    assert "taro@example.ne.jp" in html
    assert '<code class="value">taro</code>' in html
    assert "your mail address" not in html


def test_guide_detail_mailbox_parameter_picks_own_mailbox(
    client: Client, subscriber: Subscriber, second_mailbox: Mailbox
) -> None:
    client.force_login(subscriber.user)
    response = _get(
        client, reverse("guide_detail", args=["generic"]), "en", mailbox="taro.shop@example.ne.jp"
    )
    html = response.content.decode()
    assert '<code class="value">taro-shop</code>' in html
    assert '<option value="taro.shop@example.ne.jp" selected>' in html
    assert "mailbox=taro.shop%40example.ne.jp" in html


def test_guide_detail_other_subscribers_mailbox_refused(
    client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    client.force_login(subscriber.user)
    response = _get(
        client, reverse("guide_detail", args=["generic"]), "en", mailbox="hanako@example.ne.jp"
    )
    # The language switcher echoes the reader's own query string; nothing else may name Hanako.
    html = response.content.decode().replace("mailbox=hanako%40example.ne.jp", "")
    assert response.status_code == 200
    assert "hanako" not in html
    assert "That mailbox is not one of yours" in html
    assert '<code class="value">taro</code>' in html


def test_guide_detail_refusal_same_for_unknown_address(
    client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    """Someone else's address and a made-up one get the same page: nothing leaks."""
    client.force_login(subscriber.user)
    url = reverse("guide_detail", args=["generic"])
    existing = _get(client, url, "en", mailbox="hanako@example.ne.jp").content.decode()
    unknown = _get(client, url, "en", mailbox="nobody@example.ne.jp").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|mailbox=[a-z]+%40example.ne.jp')
    assert strip.sub("", existing) == strip.sub("", unknown)


def test_guide_detail_anonymous_mailbox_parameter_ignored(
    client: Client, subscriber: Subscriber
) -> None:
    html = _get(
        client, reverse("guide_detail", args=["generic"]), "en", mailbox="taro@example.ne.jp"
    ).content.decode()
    assert "taro" not in html.replace("mailbox=taro%40example.ne.jp", "")
    assert "your mail address" in html


def test_guide_detail_suspended_mailbox_warned(client: Client, subscriber: Subscriber) -> None:
    SubmissionAccess.objects.create(
        mailbox=subscriber.mailboxes.get(), state=SubmissionAccessState.SUSPENDED
    )
    client.force_login(subscriber.user)
    html = _get(client, reverse("guide_detail", args=["thunderbird"]), "en").content.decode()
    assert "Sending through our mail server is suspended for this mailbox" in html
    # The settings stay: they apply again once sending is restored.
    assert 'id="step-smtp-auth"' in html


def test_guide_detail_unknown_slug_is_a_helpful_404(client: Client, announcement: None) -> None:
    response = _get(client, "/guides/eudora/", "en")
    html = response.content.decode()
    assert response.status_code == 404
    assert "No guide for that program" in html
    assert re.findall(r'href="/guides/([a-z-]+)/"', html) == SLUGS


def test_guide_pages_refuse_post(client: Client, announcement: None) -> None:
    assert client.post(reverse("guide_detail", args=["thunderbird"])).status_code == 405
    assert client.post(reverse("troubleshooting")).status_code == 405


def test_troubleshooting_links_reach_steps_on_guide_pages(
    client: Client, announcement: None
) -> None:
    pages = {
        slug: _get(client, reverse("guide_detail", args=[slug]), "en").content.decode()
        for slug in SLUGS
    }
    html = _get(client, reverse("troubleshooting"), "en").content.decode()
    links = re.findall(r'href="/guides/([a-z-]+)/#(step-[a-z0-9-]+)"', html)
    assert len(links) == sum(len(problem.links) for problem in PROBLEMS)
    assert [(slug, anchor) for slug, anchor in links if f'id="{anchor}"' not in pages[slug]] == []


@pytest.mark.parametrize("name", ["guide_list", "guide_detail", "troubleshooting"])
def test_guide_pages_constant_queries_anonymous(
    client: Client, announcement: None, django_assert_num_queries, name: str
) -> None:
    url = reverse(name, args=["thunderbird"]) if name == "guide_detail" else reverse(name)
    with django_assert_num_queries(1):  # the submission service
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["guide_list", "guide_detail", "troubleshooting"])
def test_guide_pages_constant_queries_logged_in(
    client: Client,
    subscriber: Subscriber,
    second_mailbox: Mailbox,
    django_assert_num_queries,
    name: str,
) -> None:
    url = reverse(name, args=["thunderbird"]) if name == "guide_detail" else reverse(name)
    client.force_login(subscriber.user)
    # user, the reader's mailboxes (with their access), the submission service; the session
    # comes from the cache
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    for number in range(5):
        Mailbox.objects.create(
            subscriber=subscriber, address=f"taro{number}@example.ne.jp", login=f"taro{number}"
        )
    with django_assert_num_queries(3):
        assert client.get(url, {"mailbox": "taro3@example.ne.jp"}).status_code == 200
