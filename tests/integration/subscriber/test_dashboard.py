"""The dashboard: each line's status now and next, each mailbox's settings, only one's own."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessService, LineGroup, Mailbox
from blocking.models import ExemptionState, SubmissionAccess, SubmissionAccessState
from blocking.stages import Stage
from portal.subscriber.dashboard import Guidance
from tests.conftest import make_line, make_subscriber
from tests.integration.subscriber.conftest import exemption_make

pytestmark = pytest.mark.django_db


def dashboard_of(client, language="en"):
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def test_dashboard_anonymous_goes_to_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response["Location"] == f"{reverse('login')}?next=/my/"


def test_dashboard_staff_goes_to_console(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard"))
    assert response["Location"] == "/staff/"


def test_dashboard_login_without_subscriber_is_refused(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user(username="orphan", password="x"))
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "No customer account" in response.text


def test_dashboard_blocked_line_shows_badge_and_sentence(
    taro_client, subscriber, schedule_around_now
):
    response = dashboard_of(taro_client)
    [card] = response.context["dashboard"].lines
    assert card.status.effective == Stage.FULL
    assert card.sentence == "Port 25 from this line is blocked, except to our own mail servers."
    assert '<span class="badge badge-full">Blocked except to our servers</span>' in response.text
    assert response.context["dashboard"].guidance == Guidance.AFFECTED
    assert "Line taro@eadsl" in response.text


def test_dashboard_next_change_has_date_and_countdown(client, schedule_around_now):
    hanako = make_subscriber("hanako2")
    make_line(hanako, "hanako2@flets", group="flets-east")
    client.force_login(hanako.user)
    response = dashboard_of(client)
    [card] = response.context["dashboard"].lines
    assert card.status.effective == Stage.OPEN
    assert card.days_left == 10
    assert card.countdown == "in 10 days"
    assert card.change == "Port 25 to mobile phone carriers' mail servers will be blocked."
    assert "(in 10 days)" in response.text


def test_dashboard_dates_in_japan_time(client, announcement):
    # 15:30 UTC on 31 May 2006 is already 1 June in Japan.
    taro = make_subscriber("taro3")
    line = make_line(taro, "taro3@eadsl")
    exemption_make(
        line,
        ExemptionState.ACTIVE,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=datetime(2036, 5, 31, 15, 30, tzinfo=UTC),
    )
    client.force_login(taro.user)
    response = dashboard_of(client, "ja")
    assert "2036年6月1日0:30" in response.text
    english = dashboard_of(client, "en")
    assert "June 1, 2036, 12:30 a.m." in english.text


def test_dashboard_shows_exemption_in_force_until(taro_client, subscriber, schedule_around_now):
    line = subscriber.lines.get()
    until = timezone.now() + timedelta(days=20)
    exemption_make(line, ExemptionState.ACTIVE, ends_at=until)
    response = dashboard_of(taro_client)
    [card] = response.context["dashboard"].lines
    assert card.status.exemption.ends_at == until
    assert card.sentence == "Port 25 is open on this line because of your exemption."
    assert card.can_request is False
    assert "Exemption until" in response.text


def test_dashboard_shows_requests_and_staff_answer(taro_client, subscriber, schedule_around_now):
    line = subscriber.lines.get()
    exemption_make(
        line,
        ExemptionState.DENIED,
        decision_message="Please use port 587 instead.",
        server_host="mail.taro.example.jp",
    )
    exemption_make(line, ExemptionState.REQUESTED, reason="Second try")
    response = dashboard_of(taro_client)
    [card] = response.context["dashboard"].lines
    assert [item.state for item in card.exemptions] == [
        ExemptionState.REQUESTED,
        ExemptionState.DENIED,
    ]
    assert card.can_request is False
    assert "Please use port 587 instead." in response.text
    assert "We have your request and will answer by e-mail." in response.text


def test_dashboard_offers_exemption_request_for_blocked_line(
    taro_client, subscriber, schedule_around_now
):
    response = dashboard_of(taro_client)
    url = reverse("exemption_request", args=["taro@eadsl"])
    assert url == "/my/lines/taro@eadsl/exemption-request/"
    assert f'href="{url}"' in response.text


def test_dashboard_never_shows_another_subscribers_data(
    taro_client, subscriber, other_subscriber, schedule_around_now
):
    hanako_line = other_subscriber.lines.get()
    exemption_make(hanako_line, ExemptionState.DENIED, decision_message="Hanako's answer")
    response = dashboard_of(taro_client)
    for secret in ("hanako@flets", "hanako@example.ne.jp", "Hanako's answer", "Name of hanako"):
        assert secret not in response.text


def test_dashboard_mailbox_settings(taro_client, subscriber):
    response = dashboard_of(taro_client)
    [card] = response.context["dashboard"].mailboxes
    assert card.settings.address == "taro@example.ne.jp"
    assert card.settings.login == "taro"
    assert card.suspended is False
    assert "<code>smtp.example.ne.jp</code> · port 587 · STARTTLS" in response.text
    assert "or port 465 with SSL/TLS" in response.text


def test_dashboard_suspended_mailbox_says_so(taro_client, subscriber):
    SubmissionAccess.objects.create(
        mailbox=subscriber.mailboxes.get(), state=SubmissionAccessState.SUSPENDED, reason="spam"
    )
    response = dashboard_of(taro_client)
    [card] = response.context["dashboard"].mailboxes
    assert card.suspended is True
    assert "Sending through our mail server is suspended for this mailbox." in response.text


def test_dashboard_without_line_advises_port_587(client, announcement):
    clark = make_subscriber("clark2")
    Mailbox.objects.create(subscriber=clark, address="clark2@example.ne.jp", login="clark2")
    client.force_login(clark.user)
    response = dashboard_of(client)
    assert response.context["dashboard"].guidance == Guidance.NO_LINE
    assert "set the outgoing server to <strong>smtp.example.ne.jp</strong>, port" in response.text


def test_dashboard_line_outside_op25b_needs_nothing(client, announcement):
    dialup = AccessService.objects.create(code="dialup", name="Dial-up", op25b_in_scope=False)
    LineGroup.objects.create(access_service=dialup, code="dialup-1", name="Dial-up")
    nakamura = make_subscriber("nakamura2")
    make_line(nakamura, "nakamura2@dialup", group="dialup-1")
    client.force_login(nakamura.user)
    response = dashboard_of(client)
    [card] = response.context["dashboard"].lines
    assert response.context["dashboard"].guidance == Guidance.NOT_AFFECTED
    assert card.can_request is False
    assert card.sentence == "Port 25 is not blocked on this kind of line."


def _populate(subscriber, count):
    for n in range(count):
        line = make_line(subscriber, f"{subscriber.account_id}-{n}@eadsl")
        exemption_make(line, ExemptionState.DENIED, decision_message="no")
        mailbox = Mailbox.objects.create(
            subscriber=subscriber,
            address=f"{subscriber.account_id}{n}@example.ne.jp",
            login=f"{subscriber.account_id}{n}",
        )
        SubmissionAccess.objects.create(mailbox=mailbox, auth_methods=["smtp-auth-tls"])


# user with subscriber (the session from the cache), lines, exemptions, line groups and
# phases, submission service, mailboxes; in production the schedule and the service come
# from the short shared cache (portal/published.py), which tests turn off: 4 there
DASHBOARD_QUERIES = 7


def test_dashboard_query_count_constant(client, django_assert_num_queries, schedule_around_now):
    small = make_subscriber("small")
    _populate(small, 1)
    large = make_subscriber("large")
    _populate(large, 8)
    for subscriber in (small, large):
        client.force_login(subscriber.user)
        with django_assert_num_queries(DASHBOARD_QUERIES):
            dashboard_of(client)
