"""Asking for an exemption: own lines only, conditions and terms first, stored with the terms."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AccessService, AuditEvent, LineGroup
from blocking.models import Exemption, ExemptionState
from blocking.terms import EXEMPTION_CONDITIONS, EXEMPTION_TERMS_VERSION
from tests.conftest import make_line
from tests.integration.subscriber.conftest import exemption_form, exemption_make

pytestmark = pytest.mark.django_db

TARO_URL = "/my/lines/taro@eadsl/exemption-request/"


def test_exemption_request_url_named():
    assert reverse("exemption_request", args=["taro@eadsl"]) == TARO_URL


def test_exemption_request_page_shows_conditions_and_terms(
    taro_client, subscriber, schedule_around_now
):
    response = taro_client.get(TARO_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    for condition in EXEMPTION_CONDITIONS:
        assert escape(str(condition)) in response.text
    assert f"Exemption terms, version {EXEMPTION_TERMS_VERSION}" in response.text
    assert response.context["form"].initial["contact"] == "taro@example.com"


def test_exemption_request_stores_request_with_terms(taro_client, subscriber, schedule_around_now):
    response = taro_client.post(TARO_URL, exemption_form(), HTTP_ACCEPT_LANGUAGE="en")
    line = subscriber.lines.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my/#line-{line.pk}"
    exemption = Exemption.objects.get()
    assert (exemption.line, exemption.state) == (line, ExemptionState.REQUESTED)
    assert exemption.server_host == "mail.taro-shop.example.jp"
    assert exemption.contact == "03-1234-5678"
    assert exemption.terms_version == EXEMPTION_TERMS_VERSION
    assert exemption.terms_accepted_at is not None
    assert exemption.requested_by == subscriber.user
    event = AuditEvent.objects.get(action="exemption.request")
    assert (event.subscriber, event.actor_label) == (subscriber, "taro")


def test_exemption_request_then_dashboard_shows_it(taro_client, subscriber, schedule_around_now):
    response = taro_client.post(TARO_URL, exemption_form(), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "We have your exemption request for line taro@eadsl" in response.text
    [card] = response.context["dashboard"].lines
    assert card.pending.exemption.server_host == "mail.taro-shop.example.jp"


def test_exemption_request_other_subscribers_line_is_404_and_stores_nothing(
    taro_client, subscriber, other_subscriber, schedule_around_now
):
    url = reverse("exemption_request", args=["hanako@flets"])
    assert taro_client.get(url).status_code == 404
    assert taro_client.post(url, exemption_form()).status_code == 404
    assert Exemption.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_exemption_request_unknown_line_is_404(taro_client, subscriber):
    assert taro_client.get("/my/lines/nobody@eadsl/exemption-request/").status_code == 404


def test_exemption_request_anonymous_goes_to_login(client, subscriber):
    response = client.post(TARO_URL, exemption_form())
    assert response["Location"] == f"/login/?next={TARO_URL.replace('@', '%40')}"
    assert Exemption.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"conditions": ["0"]}, "conditions", "Please confirm every condition."),
        (
            {"accept_terms": ""},
            "accept_terms",
            "You can ask for an exemption only if you accept the terms.",
        ),
        ({"reason": "  "}, "reason", "Tell us why you need port 25."),
        (
            {"server_host": "not a host!"},
            "server_host",
            "Enter the server's host name (such as mail.example.jp) or its IP address.",
        ),
        ({"contact": ""}, "contact", "Tell us how we can reach you."),
    ],
)
def test_exemption_request_refuses_incomplete_form(
    taro_client, subscriber, schedule_around_now, overrides, field, message
):
    response = taro_client.post(TARO_URL, exemption_form(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Exemption.objects.count() == 0


def test_exemption_request_accepts_ip_address(taro_client, subscriber, schedule_around_now):
    taro_client.post(TARO_URL, exemption_form(server_host="203.0.113.25"))
    assert Exemption.objects.get().server_host == "203.0.113.25"


def test_exemption_request_stale_terms_refused(taro_client, subscriber, schedule_around_now):
    response = taro_client.post(
        TARO_URL, exemption_form(terms_version="2005-01-1"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The exemption terms have changed; please read and accept them again."
    ]
    assert Exemption.objects.count() == 0


def test_exemption_request_while_one_waits_is_refused(taro_client, subscriber, schedule_around_now):
    exemption_make(subscriber.lines.get(), ExemptionState.REQUESTED)
    response = taro_client.post(TARO_URL, exemption_form(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "already has a request waiting for our answer" in response.text
    assert Exemption.objects.count() == 1


def test_exemption_request_after_denial_allowed(taro_client, subscriber, schedule_around_now):
    exemption_make(subscriber.lines.get(), ExemptionState.DENIED, decision_message="No.")
    response = taro_client.post(TARO_URL, exemption_form())
    assert response.status_code == 302
    assert Exemption.objects.filter(state=ExemptionState.REQUESTED).count() == 1


def test_exemption_request_line_never_blocked_needs_none(client, announcement):
    from tests.conftest import make_subscriber

    dialup = AccessService.objects.create(code="dialup", name="Dial-up", op25b_in_scope=False)
    LineGroup.objects.create(access_service=dialup, code="dialup-1", name="Dial-up")
    nakamura = make_subscriber("nakamura2")
    make_line(nakamura, "nakamura2@dialup", group="dialup-1")
    client.force_login(nakamura.user)
    url = reverse("exemption_request", args=["nakamura2@dialup"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "so it needs no exemption" in page.text
    assert page.context["can_request"] is False
    assert client.post(url, exemption_form()).status_code == 409
    assert Exemption.objects.count() == 0


# user with subscriber (the session from the cache), line, phases, exemption windows, the
# line's requests
EXEMPTION_PAGE_QUERIES = 5


def test_exemption_request_page_query_count(
    taro_client, subscriber, schedule_around_now, django_assert_num_queries
):
    exemption_make(subscriber.lines.get(), ExemptionState.DENIED)
    with django_assert_num_queries(EXEMPTION_PAGE_QUERIES):
        assert taro_client.get(TARO_URL).status_code == 200
