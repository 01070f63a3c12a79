"""The support console's main path in a real Chromium: sign in with a TOTP code, search,
open the subscriber, grant an exemption, and see the reference network backend apply it."""

import re
import subprocess
import sys
import time
from binascii import unhexlify
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page
from pytest_django.fixtures import Settings

from accounts.models import Subscriber
from blocking.models import Exemption, ExemptionState
from blocking.sync.delivery import sync_change_deliver
from blocking.sync.models import SyncChange, SyncState
from tests.integration.console.conftest import TOTP_KEY, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shot = Callable[[Page, str], Path]
Axe = Callable[[Page], list[dict[str, Any]]]
ROOT = Path(__file__).resolve().parents[2]
NETWORK_TOKEN = "console-browser-test-token"


@pytest.fixture
def network_backend(settings: Settings) -> Iterator[str]:
    """The reference network backend as its own process, on a free port."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "blocking.sync.reference",
            "network",
            *("--port", "0", "--token", NETWORK_TOKEN),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    match = re.search(r":(\d+)$", process.stdout.readline().strip())
    assert match, "the reference network backend did not start"
    url = f"http://127.0.0.1:{match.group(1)}"
    settings.PORTAL_NETWORK_BACKEND_URL = url
    settings.PORTAL_NETWORK_BACKEND_TOKEN = NETWORK_TOKEN
    yield url
    process.kill()
    process.wait(timeout=5)


def current_code() -> str:
    totp = TOTP(unhexlify(TOTP_KEY), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_console_main_path(
    page: Page,
    live_server: Any,
    subscriber: Subscriber,
    network_backend: str,
    screenshot: Shot,
    axe_violations: Axe,
) -> None:
    make_staff("agent", "support agent")
    page.goto(f"{live_server.url}/staff/")
    assert "/staff/login/" in page.url
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "agent-password-2006")
    screenshot(page, "console-login")
    assert axe_violations(page) == []
    page.locator("form button[type=submit]").last.click()

    page.wait_for_url("**/staff/login/code/**")
    page.fill("input[name=token]", current_code())
    screenshot(page, "console-code")
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(f"{live_server.url}/staff/")
    assert page.evaluate("document.activeElement.name") == "q"  # the search box has focus
    screenshot(page, "console-home")
    assert axe_violations(page) == []
    page.keyboard.type("TARO@EADSL")
    page.keyboard.press("Enter")

    page.wait_for_url("**/staff/subscribers/taro/")
    screenshot(page, "console-subscriber")
    assert axe_violations(page) == []
    page.locator('a[href="/staff/lines/taro@eadsl/exemptions/grant/"]').click()

    page.wait_for_url("**/exemptions/grant/")
    ends_on = timezone.localdate() + timezone.timedelta(days=30)
    page.fill("input[name=ends_on]", ends_on.isoformat())
    page.fill("textarea[name=reason]", "Runs its own order-confirmation mail server.")
    page.fill("input[name=server_host]", "mail.taro.example.jp")
    screenshot(page, "console-grant")
    assert axe_violations(page) == []
    page.locator("form.console-form button[type=submit]").click()

    page.wait_for_url("**/staff/subscribers/taro/")
    exemption = Exemption.objects.get(line__line_id="taro@eadsl")
    assert exemption.state == ExemptionState.ACTIVE
    change = SyncChange.objects.get(resource="line-exemption", resource_key="taro@eadsl")
    assert change.state == SyncState.PENDING
    assert page.locator("#sync-heading ~ table .state-pending").count() == 1
    screenshot(page, "console-subscriber-granted")

    # What the worker does with the change, here in the test's process: a real HTTP PUT.
    assert sync_change_deliver(change_id=change.pk) == "applied"
    page.reload()
    assert page.locator("#sync-heading ~ table .state-applied").count() == 1
    applied = requests.get(
        f"{network_backend}/v1/lines/taro@eadsl/exemption",
        headers={"Authorization": f"Bearer {NETWORK_TOKEN}"},
        timeout=5,
    ).json()
    assert applied["exempt"] is True
    screenshot(page, "console-subscriber-applied")
