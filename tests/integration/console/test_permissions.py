"""The permission matrix: every console page for every kind of visitor, refusals included."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey, Mailbox, Subscriber, User
from blocking.models import DestinationEntry, Exemption, ExemptionState, SubmissionAccess
from blocking.sync.models import SyncChange, SyncState
from tests.integration.console.conftest import make_staff, verified_client

pytestmark = pytest.mark.django_db

READ, AGENT, SUPERVISOR = "read", "agent", "supervisor"
# Which roles may do what: every role reads; agents handle exemptions and port 587.
ALLOWED = {
    READ: {"auditor", "agent", "supervisor"},
    AGENT: {"agent", "supervisor"},
    SUPERVISOR: {"supervisor"},
}


@pytest.fixture
def objects(subscriber: Subscriber, other_subscriber: Subscriber) -> dict[str, int]:
    now = timezone.now()
    line = subscriber.lines.get()
    active = Exemption.objects.create(
        line=line,
        state=ExemptionState.ACTIVE,
        reason="own server",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=5),
    )
    requested = Exemption.objects.create(
        line=other_subscriber.lines.get(),
        state=ExemptionState.REQUESTED,
        reason="clinic server",
        starts_at=now,
        ends_at=now + timedelta(days=90),
    )
    change = SyncChange.objects.create(
        backend="network",
        resource="line-exemption",
        resource_key=line.line_id,
        version=1,
        payload={"exempt": True},
        state=SyncState.FAILED,
        next_attempt_at=now,
        last_error="connection refused",
        subscriber=subscriber,
    )
    key = ApiKey.objects.create(name="crm", prefix="abcd1234", key_hash="x" * 64, scopes=["read"])
    return {
        "active": active.pk,
        "requested": requested.pk,
        "change": change.pk,
        "key": key.pk,
        "entry": DestinationEntry.objects.order_by("pk").first().pk,
    }


# (URL name, arguments, method, data, who may)
PAGES = [
    ("home", [], "get", {}, READ),
    ("search", [], "get", {"q": "Name of"}, READ),
    ("subscriber", ["taro"], "get", {}, READ),
    ("exemption_requests", [], "get", {}, READ),
    ("exemptions_expiring", [], "get", {}, READ),
    ("schedule", [], "get", {}, READ),
    ("destinations", [], "get", {}, READ),
    ("sync_queue", [], "get", {}, READ),
    ("sync_change", ["change"], "get", {}, READ),
    ("audit_log", [], "get", {}, READ),
    ("audit_log_csv", [], "get", {}, READ),
    ("api_keys", [], "get", {}, READ),
    ("exemption_grant", ["taro@eadsl"], "get", {}, AGENT),
    ("exemption_extend", ["active"], "get", {}, AGENT),
    ("exemption_revoke", ["active"], "get", {}, AGENT),
    ("exemption_decide", ["requested"], "get", {}, AGENT),
    ("submission_access", ["taro@example.ne.jp", "suspend"], "get", {}, AGENT),
    ("exemption_revoke", ["active"], "post", {"reason": "abuse report"}, AGENT),
    ("submission_access", ["taro@example.ne.jp", "suspend"], "post", {"reason": "spam"}, AGENT),
    ("schedule_change", [], "get", {}, SUPERVISOR),
    ("destination_remove", ["entry"], "get", {}, SUPERVISOR),
    ("destination_add", [], "post", {"carrier": "x"}, SUPERVISOR),
    ("sync_retry", ["change"], "post", {}, SUPERVISOR),
    ("sync_retry_all", [], "post", {}, SUPERVISOR),
    ("api_key_add", [], "post", {"name": "crm2", "scopes": ["read"]}, SUPERVISOR),
    ("api_key_revoke", ["key"], "post", {}, SUPERVISOR),
]


def _url(name: str, args: list[str], objects: dict[str, int]) -> str:
    return reverse(f"console:{name}", args=[objects.get(a, a) for a in args])


def _ids(page: tuple) -> str:
    return f"{page[2]}-{page[0]}"


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_anonymous_goes_to_the_console_login(client: Client, objects: dict, page: tuple) -> None:
    name, args, method, data, _who = page
    url = _url(name, args, objects)
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login") + "?next=")


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_subscriber_is_refused(client: Client, objects: dict, page: tuple) -> None:
    name, args, method, data, _who = page
    client.force_login(User.objects.get(username="taro"))
    response = getattr(client, method)(_url(name, args, objects), data)
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_staff_without_the_code_goes_to_the_code_step(
    client: Client, supervisor: User, objects: dict, page: tuple
) -> None:
    name, args, method, data, _who = page
    client.force_login(supervisor)
    response = getattr(client, method)(_url(name, args, objects), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:verify") + "?next=")


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_staff_without_a_role_is_refused(objects: dict, page: tuple) -> None:
    name, args, method, data, _who = page
    client = verified_client(make_staff("nobody", None))
    response = getattr(client, method)(_url(name, args, objects), data)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["auditor", "agent", "supervisor"])
@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_role_matrix(role: str, objects: dict, page: tuple) -> None:
    name, args, method, data, who = page
    from blocking.console.roles import AGENT_GROUP, AUDITOR_GROUP, SUPERVISOR_GROUP

    group = {"auditor": AUDITOR_GROUP, "agent": AGENT_GROUP, "supervisor": SUPERVISOR_GROUP}[role]
    client = verified_client(make_staff(role, group))
    response = getattr(client, method)(_url(name, args, objects), data)
    if role in ALLOWED[who]:
        assert response.status_code in (200, 302, 400), response.content[:500]
        if response.status_code == 302:
            assert not response["Location"].startswith("/staff/login")
    else:
        assert response.status_code == 403


def test_auditor_pages_offer_no_changes(auditor_client: Client, objects: dict) -> None:
    body = auditor_client.get(reverse("console:subscriber", args=["taro"])).content.decode()
    grant = reverse("console:exemption_grant", args=["taro@eadsl"])
    revoke = reverse("console:exemption_revoke", args=[objects["active"]])
    suspend = reverse("console:submission_access", args=["taro@example.ne.jp", "suspend"])
    retry = reverse("console:sync_retry", args=[objects["change"]])
    assert [url in body for url in (grant, revoke, suspend, retry)] == [False] * 4


def test_agent_sees_exemption_actions_but_no_schedule_form(
    agent_client: Client, objects: dict
) -> None:
    body = agent_client.get(reverse("console:subscriber", args=["taro"])).content.decode()
    assert reverse("console:exemption_revoke", args=[objects["active"]]) in body
    schedule = agent_client.get(reverse("console:schedule")).content.decode()
    assert reverse("console:schedule_change") not in schedule


def test_refused_writes_change_nothing(auditor_client: Client, objects: dict) -> None:
    auditor_client.post(
        reverse("console:exemption_revoke", args=[objects["active"]]), {"reason": "x"}
    )
    auditor_client.post(
        reverse("console:submission_access", args=["taro@example.ne.jp", "suspend"]),
        {"reason": "x"},
    )
    assert Exemption.objects.get(pk=objects["active"]).state == ExemptionState.ACTIVE
    mailbox = Mailbox.objects.get(address="taro@example.ne.jp")
    assert SubmissionAccess.objects.filter(mailbox=mailbox).exists() is False


def test_every_console_url_is_in_the_matrix() -> None:
    from blocking.console.urls import urlpatterns

    public = {"login", "verify", "enrol", "logout"}
    covered = {name for name, *_rest in PAGES}
    assert {p.name for p in urlpatterns} - public == covered


def test_every_console_view_names_its_permission() -> None:
    from blocking.console.urls import urlpatterns

    public = {"login", "verify", "enrol", "logout"}
    unguarded = [
        p.name
        for p in urlpatterns
        if p.name not in public and not hasattr(p.callback, "console_permission")
    ]
    assert unguarded == []


def test_access_load_primes_what_the_model_backend_would_find(django_assert_num_queries) -> None:
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group, Permission

    from blocking.console.permissions import staff_access_load
    from blocking.console.roles import AGENT_GROUP, AUDITOR_GROUP

    user = make_staff("both", AGENT_GROUP)
    user.groups.add(Group.objects.get(name=AUDITOR_GROUP), Group.objects.create(name="no rights"))
    user.user_permissions.add(Permission.objects.get(codename="delete_apikey"))
    asked = User.objects.get(pk=user.pk)
    backend = ModelBackend()
    expected = (
        backend.get_user_permissions(asked),
        backend.get_group_permissions(asked),
        backend.get_all_permissions(asked),
    )
    primed = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        roles = staff_access_load(primed)
        found = (
            primed.get_user_permissions(),
            primed.get_group_permissions(),
            primed.get_all_permissions(),
        )
        assert primed.has_perm("accounts.delete_apikey")
        assert not primed.has_perm("blocking.change_rolloutphase")
    assert found == expected
    assert "accounts.delete_apikey" in found[0]
    assert roles == tuple(user.groups.order_by("pk").values_list("name", flat=True))


def test_access_load_leaves_a_superuser_every_permission(django_assert_num_queries) -> None:
    from blocking.console.permissions import staff_access_load

    user = make_staff("root", None)
    user.is_superuser = True
    user.save()
    with django_assert_num_queries(1):
        assert staff_access_load(user) == ()
        assert user.has_perm("blocking.change_rolloutphase")
    assert not hasattr(user, "_perm_cache")


def test_layout_names_the_roles_and_the_pages_allowed(objects: dict) -> None:
    from blocking.console.roles import AUDITOR_GROUP, SUPERVISOR_GROUP

    for role, group in (("auditor", AUDITOR_GROUP), ("supervisor", SUPERVISOR_GROUP)):
        body = verified_client(make_staff(role, group)).get(reverse("console:home")).content
        page = body.decode()
        assert f'<span class="console-user">{role} · {group}</span>' in page
        assert f'<a href="{reverse("console:home")}" aria-current="page">' in page
        assert f'<a href="{reverse("console:api_keys")}">' in page
        assert f'action="{reverse("console:logout")}"' in page
