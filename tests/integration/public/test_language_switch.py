"""The language switch: a GET form that sets the language cookie and goes back."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_switch_sets_the_cookie_and_returns(client: Client) -> None:
    response = client.get("/i18n/setlang/", {"language": "en", "next": "/guides/"})
    assert response.status_code == 302
    assert response["Location"] == "/guides/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    page = client.get("/guides/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_switch_form_is_a_get_form_without_token(client: Client) -> None:
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<form class="language" action="/i18n/setlang/" method="get">' in body
    assert "csrfmiddlewaretoken" not in body


def test_switch_still_takes_a_post(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_switch_never_leaves_the_site(client: Client, target: str) -> None:
    response = client.get("/i18n/setlang/", {"language": "ja", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("code", ["", "fr", "x" * 300])
def test_unknown_language_is_a_clear_400(client: Client, code: str) -> None:
    response = client.get(
        "/i18n/setlang/", {"language": code, "next": "/guides/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Unknown language" in body
    assert "?language=ja&amp;next=/guides/" in body
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
