"""Logging in with the account ID, lockout, logout, password change and reset by e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Subscriber, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client: Client, username: str, password: str, **extra: str):
    """Post the login form; `HTTP_*` keywords are request headers, the rest form fields."""
    headers = {key: value for key, value in extra.items() if key.startswith("HTTP_")}
    fields = {key: value for key, value in extra.items() if not key.startswith("HTTP_")}
    return client.post(
        reverse("login"), {"username": username, "password": password, **fields}, **headers
    )


def test_login_page_labels_account_id(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].fields["username"].label == "Account ID"
    assert '<label for="id_username">Account ID:</label>' in response.text


def test_login_subscriber_goes_to_dashboard(client, subscriber):
    response = login(client, "taro", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_login_follows_next_on_this_site_only(client, subscriber):
    inside = login(client, "taro", PASSWORD, next="/my/?tab=1")
    assert inside["Location"] == "/my/?tab=1"
    client.logout()
    outside = login(client, "taro", PASSWORD, next="https://evil.example/")
    assert outside["Location"] == reverse("dashboard")


def test_login_wrong_password_shows_error(client, subscriber):
    response = login(client, "taro", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors().as_data()[0].code == "invalid_login"
    assert "_auth_user_id" not in client.session


def test_login_staff_refused_with_console_link(client, staff_user):
    response = login(client, "agent1", "agent-password-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors().as_data()[0].code == "staff_login"
    assert '<a href="/staff/">' in response.text
    assert "_auth_user_id" not in client.session


def test_login_without_subscriber_refused(client, db):
    User.objects.create_user(username="orphan", password=PASSWORD)
    response = login(client, "orphan", PASSWORD)
    assert response.context["form"].non_field_errors().as_data()[0].code == "no_subscriber"
    assert "_auth_user_id" not in client.session


def test_login_locked_out_after_five_failures(client, subscriber, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "taro", "wrong").status_code == 200
    locked = login(client, "taro", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert "Logging in is paused" in locked.text
    assert "Please try again in 15 minutes." in locked.text
    # Even the right password is refused while locked out.
    assert login(client, "taro", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_page_in_japanese(client, subscriber, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "taro", "wrong", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 429
    assert "registration/lockout.html" in [template.name for template in response.templates]
    assert '<html lang="ja">' in response.text


def test_logout_logs_out_and_says_so(taro_client):
    response = taro_client.post(reverse("logout"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "You have logged out." in response.text
    assert taro_client.get(reverse("dashboard")).status_code == 302


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_changes_password(taro_client, subscriber):
    response = taro_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2006",
            "new_password2": "a-new-long-passphrase-2006",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    subscriber.user.refresh_from_db()
    assert subscriber.user.check_password("a-new-long-passphrase-2006") is True


def test_password_reset_mails_contact_address(client, subscriber):
    response = client.post(
        reverse("password_reset"), {"email": "TARO@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["taro@example.com"]
    assert message.subject == "Example Net: set a new password for My page"
    assert "account ID taro" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    link = re.search(r"http://testserver(/password/reset/[^/]+/[^/]+/)", message.body)
    assert link is not None
    assert link.group(1) in html


def test_password_reset_unknown_or_staff_address_sends_nothing(client, subscriber, staff_user):
    staff_user.email = "agent1@example.ne.jp"
    staff_user.save()
    for address in ("nobody@example.com", "agent1@example.ne.jp"):
        response = client.post(reverse("password_reset"), {"email": address})
        assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_link_sets_new_password(client, subscriber):
    client.post(reverse("password_reset"), {"email": "taro@example.com"})
    path = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    new = "another-long-passphrase-77"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert Subscriber.objects.get(account_id="taro").user.check_password(new) is True


def test_password_reset_first_password_for_imported_subscriber(client, subscriber):
    # Imported subscribers have no usable password until they choose one here.
    subscriber.user.set_unusable_password()
    subscriber.user.save()
    client.post(reverse("password_reset"), {"email": "taro@example.com"})
    path = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    new = "first-long-passphrase-2006"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert Subscriber.objects.get(account_id="taro").user.check_password(new) is True


def test_password_reset_email_in_japanese(client, subscriber):
    client.post(reverse("password_reset"), {"email": "taro@example.com"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "taro" in mail.outbox[0].body
    assert 'lang="ja"' in mail.outbox[0].alternatives[0][0]
