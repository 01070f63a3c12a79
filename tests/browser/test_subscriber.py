"""Issue 3, the subscriber's path in a real browser: log in, read the dashboard, switch
language, open a guide, download the profile, ask for an exemption; axe on every page.

Screenshots of each page at desktop and phone widths, in Japanese and English, go to
tests/browser/screenshots/ for people to look at.
"""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from blocking.models import Exemption, ExemptionState
from blocking.terms import EXEMPTION_TERMS_VERSION
from portal.demo import demo_build
from portal.demo.personas import SUBSCRIBER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_personas(transactional_db):
    """The demo's schedule around today and its named personas (no bulk subscribers)."""
    demo_build(subscribers=0)


def url_or_none(name: str, *args: str) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def log_in(page: Page, base: str, account: str) -> None:
    page.goto(f"{base}/my/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/my/$"))
    page.locator("#id_username").fill(account)
    page.locator("#id_password").fill(SUBSCRIBER_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/my/")


def switch_language(page: Page, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_subscriber_path_desktop(live_server, page, screenshot, axe_violations, demo_personas):
    base = live_server.url
    page.goto(f"{base}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    screenshot(page, "login-ja-desktop")
    assert axe_violations(page) == []

    # A wrong password: the error is announced and the page stays accessible.
    page.locator("#id_username").fill("demo")
    page.locator("#id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()
    assert axe_violations(page) == []

    log_in(page, base, "demo")
    card = page.locator("article#line-" + str(_line_pk("demo@eadsl")))
    expect(card.locator(".badge-mobile")).to_be_visible()
    expect(card.locator(".countdown")).to_have_text(re.compile(r"30"))
    expect(page.locator("table.settings code").first).to_have_text("demo")
    screenshot(page, "dashboard-ja-desktop")
    assert axe_violations(page) == []

    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("My page")
    expect(card.locator(".countdown")).to_have_text("(in 30 days)")
    screenshot(page, "dashboard-en-desktop")
    assert axe_violations(page) == []
    # Remembered: a new page load keeps English.
    page.goto(f"{base}/my/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "ja")

    guide = url_or_none("guide_detail", "thunderbird")
    if guide is not None:
        page.goto(f"{base}{guide}")
        expect(page.locator("h1")).to_be_visible()
        screenshot(page, "guide-thunderbird-ja-desktop")
        assert axe_violations(page) == []
        page.goto(f"{base}/my/")

    profile_link = page.locator("a[href$='.mobileconfig']")
    if url_or_none("mail_profile", "demo@example.ne.jp") is not None:
        with page.expect_download() as download_info:
            profile_link.first.click()
        download = download_info.value
        assert download.suggested_filename.endswith(".mobileconfig")
        content = open(download.path(), "rb").read()  # noqa: SIM115 - a temp file
        assert b"demo@example.ne.jp" in content

    card.locator("a[href*='exemption-request']").click()
    expect(page).to_have_url(f"{base}/my/lines/demo@eadsl/exemption-request/")
    screenshot(page, "exemption-request-ja-desktop")
    assert axe_violations(page) == []

    # Sending without the checklist and terms is refused, with the errors shown.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()
    assert Exemption.objects.filter(line__line_id="demo@eadsl").count() == 0
    assert axe_violations(page) == []

    for checkbox in page.locator("input[name=conditions]").all():
        checkbox.check()
    page.locator("#id_reason").fill("自社の受注システムが確認メールを送ります。")
    page.locator("#id_server_host").fill("mail.demo-shop.example.jp")
    page.locator("#id_contact").fill("03-1234-5678")
    page.locator("#id_accept_terms").check()
    screenshot(page, "exemption-request-filled-ja-desktop")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/my/#line-\d+$"))
    expect(page.locator(".messages")).to_contain_text("demo@eadsl")
    expect(card.locator(".badge-state-requested")).to_be_visible()
    screenshot(page, "dashboard-after-request-ja-desktop")
    assert axe_violations(page) == []

    request = Exemption.objects.get(line__line_id="demo@eadsl")
    assert (request.state, request.server_host, request.terms_version) == (
        ExemptionState.REQUESTED,
        "mail.demo-shop.example.jp",
        EXEMPTION_TERMS_VERSION,
    )


def test_subscriber_pages_phone(live_server, phone_page, screenshot, axe_violations, demo_personas):
    page = phone_page
    base = live_server.url
    page.goto(f"{base}/login/")
    screenshot(page, "login-ja-phone")
    log_in(page, base, "watanabe")  # a denied request with the staff's answer
    expect(page.locator(".answer")).to_be_visible()
    screenshot(page, "dashboard-denied-ja-phone")
    assert axe_violations(page) == []
    # Nothing sticks out sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    switch_language(page, "en")
    screenshot(page, "dashboard-denied-en-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{base}/my/lines/watanabe@flets/exemption-request/")
    screenshot(page, "exemption-request-en-phone")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_subscriber_without_line_phone(
    live_server, phone_page, screenshot, axe_violations, demo_personas
):
    page = phone_page
    log_in(page, live_server.url, "clark")  # two mailboxes, no line of ours
    expect(page.locator("table.settings")).to_have_count(2)
    screenshot(page, "dashboard-no-line-ja-phone")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_subscriber_keyboard_skip_link(live_server, page, demo_personas):
    log_in(page, live_server.url, "suzuki")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_another_subscribers_line_is_not_found(live_server, page, demo_personas):
    log_in(page, live_server.url, "demo")
    response = page.goto(f"{live_server.url}/my/lines/suzuki@eadsl/exemption-request/")
    assert response is not None
    assert response.status == 404
    profile = url_or_none("mail_profile", "suzuki@example.ne.jp")
    if profile is not None:
        other = page.request.get(f"{live_server.url}{profile}")
        assert other.status == 404


def _line_pk(line_id: str) -> int:
    from accounts.models import Line

    return Line.objects.get(line_id=line_id).pk
