"""The notice and "will my mail still go out?" over HTTP."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from blocking.models import RolloutPhase
from tests.conftest import at_jst

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The page's words, tags dropped and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_notice_shows_figures_from_schedule(client: Client, announcement: None) -> None:
    RolloutPhase.objects.filter(line_group__code="flets-west", stage="mobile").update(
        effective_at=at_jst(2006, 7, 3)
    )
    body = client.get(reverse("notice"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count('role="img"') == 2
    assert '<title id="timeline-title">Rollout timeline</title>' in body
    assert "July 3, 2006: Port 25 to mobile carriers blocked: FLET&#x27;S West." in body
    assert "June 15, 2006: Submission port 587 opens." in body
    assert "Blocked from June 1, 2006" in body  # the mail paths picture
    assert "Blocked from Oct. 1, 2006" in body


def test_notice_lists_settings_from_submission_service(client: Client, announcement: None) -> None:
    words = text_of(client.get(reverse("notice"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Outgoing (SMTP) smtp.example.ne.jp 587 STARTTLS, authentication required" in words
    assert "Outgoing (SMTP), alternative smtp.example.ne.jp 465 SSL/TLS" in words
    assert "Incoming (POP3) pop.example.ne.jp 995 SSL/TLS" in words


def test_notice_query_count_constant_with_more_groups(
    client: Client, announcement: None, django_assert_num_queries: object
) -> None:
    from accounts.models import AccessService, LineGroup

    service = AccessService.objects.create(code="hikari", name="Hikari", op25b_in_scope=True)
    for index in range(5):
        group = LineGroup.objects.create(
            access_service=service, code=f"h-{index}", name=f"H{index}"
        )
        RolloutPhase.objects.create(line_group=group, stage="full", effective_at=at_jst(2007, 1, 1))
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert client.get(reverse("notice")).status_code == 200


def test_notice_without_schedule_has_no_timeline(client: Client) -> None:
    body = client.get(reverse("notice"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("timeline-title" in body, "No schedule has been published yet." in body) == (
        False,
        True,
    )


def test_checker_empty_form_preselects_our_network(client: Client, announcement: None) -> None:
    response = client.get(reverse("checker"), REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'value="our_line"[^>]*checked', body) is not None
    assert "You seem to be browsing from our network" in body
    assert 'id="answer"' not in body


def test_checker_empty_form_other_network(client: Client, announcement: None) -> None:
    body = client.get(
        reverse("checker"), REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert re.search(r'value="other_isp"[^>]*checked', body) is not None


def test_checker_answer_for_gmail_on_port_25(client: Client, announcement: None) -> None:
    query = {"connection": "our_line", "sender": "other_provider", "port": "25"}
    body = client.get(reverse("checker"), query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    words = text_of(body)
    # The test runs after 2006: every stage is in force.
    assert "You need to change your settings now." in words
    assert "Use your mail provider's submission port" in words
    assert "Or send through our mail server" in words
    assert "smtp.example.ne.jp" in words


def test_checker_answer_for_line_group_before_rollout(client: Client, announcement: None) -> None:
    from accounts.models import LineGroup

    RolloutPhase.objects.filter(line_group__code="eadsl-2", stage="mobile").update(
        effective_at=at_jst(2099, 6, 8)
    )
    RolloutPhase.objects.filter(line_group__code="eadsl-2", stage="full").update(
        effective_at=at_jst(2099, 10, 1)
    )
    group = LineGroup.objects.get(code="eadsl-2")
    query = {"connection": "our_line", "sender": "own_server", "line_group": str(group.pk)}
    words = text_of(
        client.get(reverse("checker"), query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "You need to change your settings before June 8, 2099." in words
    assert "From June 8, 2099 On your line: Blocked to mobile carriers" in words
    assert "Mail to mobile phone addresses does not go out." in words
    assert "From Oct. 1, 2099 On your line: Blocked except to our servers" in words
    assert "Relay your server's mail through ours" in words
    assert "Your line: eADSL, eADSL group 2" in words


def test_checker_answer_our_server_nothing_to_change(client: Client, announcement: None) -> None:
    query = {"connection": "our_line", "sender": "our_server", "port": "25"}
    words = text_of(
        client.get(reverse("checker"), query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "No change needed: your mail keeps going out as it does now." in words


def test_checker_answer_in_japanese(client: Client, announcement: None) -> None:
    query = {"connection": "other_isp", "sender": "our_server"}
    response = client.get(reverse("checker"), query)
    assert (response.status_code, response.headers["Content-Language"]) == (200, "ja")


@pytest.mark.parametrize(
    "query",
    [
        {"connection": "nonsense", "sender": "our_server"},
        {"connection": "our_line"},
        {"connection": "our_line", "sender": "our_server", "port": "99999"},
        {"connection": "our_line", "sender": "our_server", "port": "abc"},
        {"connection": "our_line", "sender": "our_server", "host": "smtp example"},
        {"connection": "our_line", "sender": "our_server", "line_group": "999999"},
    ],
)
def test_checker_bad_input_shows_errors(
    client: Client, announcement: None, query: dict[str, str]
) -> None:
    response = client.get(reverse("checker"), query, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert (response.status_code, 'id="answer"' in body) == (200, False)
    assert "Please correct the items marked below." in body


def test_checker_query_count_constant(
    client: Client, announcement: None, django_assert_num_queries: object
) -> None:
    query = {"connection": "our_line", "sender": "own_server", "port": "25"}
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert client.get(reverse("checker"), query).status_code == 200


def test_checker_refuses_post(client: Client) -> None:
    assert client.post(reverse("checker")).status_code == 405
