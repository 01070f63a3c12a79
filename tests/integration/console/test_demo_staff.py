"""The demo's staff: roles, authenticators with fixed secrets, and `totp_code` to read them."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from blocking.console.roles import AGENT_GROUP, AUDITOR_GROUP, SUPERVISOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    call_command("demo", "--subscribers", "0", stdout=out)
    return out.getvalue()


def totp_code(username: str) -> str:
    out = io.StringIO()
    call_command("totp_code", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_demo_prints_how_to_get_a_code(demo: str) -> None:
    assert "python manage.py totp_code agent" in demo or "totp_code agent" in demo


@pytest.mark.parametrize(
    ("username", "password", "group"),
    [
        ("agent", "demo-agent-2006", AGENT_GROUP),
        ("supervisor", "demo-supervisor-2006", SUPERVISOR_GROUP),
        ("auditor", "demo-auditor-2006", AUDITOR_GROUP),
    ],
)
def test_demo_staff_sign_in_with_totp_code(
    client: Client, demo: str, username: str, password: str, group: str
) -> None:
    client.post(reverse("console:login"), {"username": username, "password": password})
    code = totp_code(username)

    response = client.post(reverse("console:verify"), {"token": code})

    assert (len(code), code.isdigit()) == (6, True)
    assert response["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200
    assert list(User.objects.get(username=username).groups.values_list("name", flat=True)) == [
        group
    ]


def test_totp_code_refuses_a_login_without_a_demo_authenticator(demo: str) -> None:
    with translation.override("en"), pytest.raises(CommandError, match="no demo authenticator"):
        totp_code("demo")


def test_demo_roles_split_the_work(demo: str) -> None:
    agent = User.objects.get(username="agent")
    supervisor = User.objects.get(username="supervisor")
    auditor = User.objects.get(username="auditor")
    asked = (
        "blocking.add_exemption",
        "blocking.change_submissionaccess",
        "blocking.grant_long_exemption",
        "blocking.change_rolloutphase",
        "blocking.change_destinationentry",
        "blocking.change_syncchange",
        "accounts.change_apikey",
        "accounts.view_auditevent",
    )
    assert [agent.has_perm(p) for p in asked] == [True, True] + [False] * 5 + [True]
    assert [supervisor.has_perm(p) for p in asked] == [True] * 8
    assert [auditor.has_perm(p) for p in asked] == [False] * 7 + [True]


def test_roles_exist_after_migrate_without_the_demo() -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group

    from blocking.console.roles import staff_roles_after_migrate

    Group.objects.all().delete()
    staff_roles_after_migrate(apps.get_app_config("accounts"))
    assert Group.objects.count() == 0
    staff_roles_after_migrate(apps.get_app_config("portal"))
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        AUDITOR_GROUP,
        SUPERVISOR_GROUP,
        AGENT_GROUP,
    ]
