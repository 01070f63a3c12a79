"""Shared fixtures for the browser tests: a real headless Debian Chromium driven by Playwright.

Tests here use pytest-django's `live_server` (a transactional database), so mark them
`@pytest.mark.browser` and `@pytest.mark.django_db(transaction=True)`. Screenshots go to
tests/browser/screenshots/ (ignored by git) for people to look at.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Impacts that fail a page; "moderate" and "minor" findings are reported by axe but not fatal.
AXE_FATAL_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not on PATH: install it with `apt-get install chromium` "
            "(never `playwright install`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _new_page(browser: Browser, viewport: dict[str, int], **options: Any) -> Iterator[Page]:
    context = browser.new_context(
        viewport=viewport,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        accept_downloads=True,
        **options,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop browser context (1280x900, Japanese, Tokyo) per test."""
    yield from _new_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized context (390x844, touch, Japanese, Tokyo) per test."""
    yield from _new_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, "dashboard-ja-desktop")` saves the full page as screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def _axe() -> Axe:
    return Axe()


@pytest.fixture
def axe_violations(_axe: Axe) -> Callable[[Page], list[dict[str, Any]]]:
    """`axe_violations(page)` runs axe-core and returns the serious and critical violations.

    Each is summarised as {"id", "impact", "help", "targets"} so `assert ... == []` prints
    a readable failure.
    """

    def run(page: Page) -> list[dict[str, Any]]:
        results = _axe.run(page)
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in results.response["violations"]
            if violation["impact"] in AXE_FATAL_IMPACTS
        ]

    return run
