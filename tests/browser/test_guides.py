"""Setup guides and troubleshooting in a real Chromium: phone and desktop, Japanese and English,
JavaScript off, a logged-in subscriber's own values, and no serious accessibility findings."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from accounts.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shot = Callable[[Page, str], Path]
Axe = Callable[[Page], list[dict[str, Any]]]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("path", ["/guides/", "/guides/thunderbird/", "/help/troubleshooting/"])
def test_guide_pages_readable_on_desktop_and_phone(
    page: Page,
    phone_page: Page,
    live_server: Any,
    announcement: None,
    screenshot: Shot,
    axe_violations: Axe,
    language: str,
    path: str,
) -> None:
    for view, name in ((page, "desktop"), (phone_page, "phone")):
        # The context's locale decides Accept-Language; the language cookie overrides it.
        view.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        view.goto(f"{live_server.url}{path}")
        assert view.locator("html").get_attribute("lang") == language
        # Nothing spills sideways on a phone.
        overflow = view.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        slug = path.strip("/").replace("/", "-")
        screenshot(view, f"guides-{slug}-{language}-{name}")
        assert axe_violations(view) == []


def test_guide_works_with_javascript_off(
    browser: Browser, live_server: Any, announcement: None
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
        extra_http_headers={"Accept-Language": "en"},
    )
    view = context.new_page()
    view.goto(f"{live_server.url}/guides/")
    view.locator('a[href="/guides/becky/"]').click()
    assert view.locator("#step-pop-before-smtp").is_visible()
    # The values at a glance open without any script.
    view.locator("details.values > summary").click()
    assert view.locator("details.values table.fields").is_visible()
    context.close()


def test_guide_troubleshooting_link_lands_on_the_step(
    page: Page, live_server: Any, announcement: None
) -> None:
    page.goto(f"{live_server.url}/help/troubleshooting/")
    page.locator('#outlook-0x800ccc0e a[href*="/guides/outlook-classic/"]').click()
    page.wait_for_url("**/guides/outlook-classic/#step-outgoing-server")
    assert page.locator("#step-outgoing-server").is_visible()
    assert "smtp.example.ne.jp" in page.locator("body").inner_text()


def test_guide_shows_the_subscribers_own_values(
    page: Page, live_server: Any, subscriber: Subscriber, screenshot: Shot, axe_violations: Axe
) -> None:
    client = Client()
    client.force_login(subscriber.user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/guides/iphone/")
    step = page.locator("#step-smtp-auth")
    assert "taro" in step.inner_text()
    assert "smtp.example.ne.jp" in step.inner_text()
    screenshot(page, "guides-iphone-ja-desktop-subscriber")
    assert axe_violations(page) == []
