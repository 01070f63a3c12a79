"""The notice and the checker in a real Chromium: phone and desktop, Japanese and English,
JavaScript off, and no serious accessibility findings."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shot = Callable[[Page, str], Path]
Axe = Callable[[Page], list[dict[str, Any]]]


@pytest.fixture
def announced(announcement: None) -> None:
    """The 2006 schedule, loaded in the live server's database."""


@pytest.mark.parametrize("language", ["ja", "en"])
def test_notice_readable_on_desktop_and_phone(
    page: Page,
    phone_page: Page,
    live_server: Any,
    announced: None,
    screenshot: Shot,
    axe_violations: Axe,
    language: str,
) -> None:
    for view, name in ((page, "desktop"), (phone_page, "phone")):
        view.context.set_extra_http_headers({"Accept-Language": language})
        view.goto(f"{live_server.url}/")
        assert view.locator("svg.timeline").is_visible()
        assert view.locator("svg.mail-paths").is_visible()
        # Nothing spills sideways on a phone.
        overflow = view.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        screenshot(view, f"public-notice-{language}-{name}")
        assert axe_violations(view) == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_checker_answers_with_javascript_off(
    browser: Browser,
    page: Page,
    phone_page: Page,
    live_server: Any,
    announced: None,
    screenshot: Shot,
    axe_violations: Axe,
    language: str,
) -> None:
    context = browser.new_context(
        java_script_enabled=False, extra_http_headers={"Accept-Language": language}
    )
    context.set_default_timeout(10_000)
    view = context.new_page()
    view.goto(f"{live_server.url}/check/")
    view.locator('input[value="our_line"]').check()
    view.locator('input[value="other_provider"]').check()
    view.locator('input[name="port"]').fill("25")
    view.locator('.checker-form button[type="submit"]').click()
    assert view.locator("#answer").is_visible()
    assert view.locator(".moment").count() == 1  # after 2006 every stage is in force
    answer_url = view.url
    context.close()
    # axe-core needs JavaScript: check the same answer page with it on.
    for shown, name in ((page, "desktop"), (phone_page, "phone")):
        shown.context.set_extra_http_headers({"Accept-Language": language})
        shown.goto(answer_url)
        overflow = shown.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        screenshot(shown, f"public-checker-{language}-{name}")
        assert axe_violations(shown) == []
