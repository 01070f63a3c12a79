"""The support desk's admin: every page opens, the status shows, search finds, queries stay flat."""

from datetime import timedelta

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import (
    AccessService,
    AuditEvent,
    IpAssignment,
    Line,
    LineGroup,
    Mailbox,
    Subscriber,
    User,
)
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
    SubmissionService,
)
from blocking.stages import Stage
from tests.conftest import make_line

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    User,
    Subscriber,
    AccessService,
    LineGroup,
    Line,
    Mailbox,
    AuditEvent,
    RolloutPhase,
    DestinationList,
    DestinationEntry,
    Exemption,
    SubmissionService,
    SubmissionAccess,
]


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def get_en(client: Client, url: str, **params: str):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def en(label: object) -> str:
    """A label as an English page shows it."""
    with translation.override("en"):
        return escape(str(label))


@pytest.fixture
def one_of_each(subscriber: Subscriber, other_subscriber: Subscriber) -> dict:
    """One row of every model the admin shows (the announcement provides the schedule)."""
    line = Line.objects.get(line_id="taro@eadsl")
    mailbox = Mailbox.objects.get(address="taro@example.ne.jp")
    now = timezone.now()
    return {
        User: subscriber.user,
        Subscriber: subscriber,
        AccessService: AccessService.objects.get(code="eadsl"),
        LineGroup: LineGroup.objects.get(code="eadsl-1"),
        Line: line,
        Mailbox: mailbox,
        AuditEvent: AuditEvent.objects.create(
            actor_label="support-1",
            action="exemption.approve",
            object_type="exemption",
            object_id="1",
            subscriber=subscriber,
            source_ip="192.0.2.10",
            before={"state": "requested"},
            after={"state": "active"},
        ),
        RolloutPhase: RolloutPhase.objects.order_by("pk").first(),
        DestinationList: DestinationList.objects.get(slug=DestinationList.MOBILE_CARRIERS),
        DestinationEntry: DestinationEntry.objects.order_by("pk").first(),
        Exemption: Exemption.objects.create(
            line=line,
            state=ExemptionState.REQUESTED,
            reason="I run a mail server for my shop.",
            server_host="mail.shop.example",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=31),
            requested_by=subscriber.user,
        ),
        SubmissionService: SubmissionService.objects.get(),
        SubmissionAccess: SubmissionAccess.objects.create(mailbox=mailbox),
    }


# ---------------------------------------------------------------------------
# Every page opens
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelist_opens(admin_client: Client, one_of_each: dict, model) -> None:
    response = get_en(admin_client, admin_url(model, "changelist"))
    assert response.status_code == 200
    assert one_of_each[model] in list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_change_form_opens(admin_client: Client, one_of_each: dict, model) -> None:
    response = get_en(admin_client, admin_url(model, "change", one_of_each[model].pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in ALL_MODELS if m is not AuditEvent], ids=lambda m: m.__name__
)
def test_add_form_opens(admin_client: Client, one_of_each: dict, model) -> None:
    assert get_en(admin_client, admin_url(model, "add")).status_code == 200


def test_filters_and_date_hierarchies_open(admin_client: Client, one_of_each: dict) -> None:
    eadsl = one_of_each[AccessService].pk
    group = one_of_each[LineGroup].pk
    ends = timezone.localtime(one_of_each[Exemption].ends_at)
    at = timezone.localtime(one_of_each[AuditEvent].at)
    pages = [
        (Line, {"line_group__access_service__id__exact": str(eadsl)}),
        (Line, {"line_group__id__exact": str(group), "ip_assignment__exact": "dynamic"}),
        (
            RolloutPhase,
            {"stage__exact": "full", "line_group__access_service__id__exact": str(eadsl)},
        ),
        (Exemption, {"state__exact": "requested", "ends_at__year": str(ends.year)}),
        (AuditEvent, {"action": "exemption.approve", "at__year": str(at.year)}),
        (DestinationEntry, {"kind__exact": "domain"}),
        (SubmissionAccess, {"state__exact": "enabled"}),
        (Subscriber, {"preferred_language__exact": "ja"}),
    ]
    for model, params in pages:
        response = get_en(admin_client, admin_url(model, "changelist"), **params)
        assert response.status_code == 200, (model, params)
        assert len(response.context["cl"].result_list) >= 1, (model, params)


def test_line_group_autocomplete_for_the_line_inline(
    admin_client: Client, announcement: None
) -> None:
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "line", "field_name": "line_group", "term": "West"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        str(LineGroup.objects.select_related("access_service").get(code="flets-west"))
    ]


# ---------------------------------------------------------------------------
# A line's status, computed by blocking.policy
# ---------------------------------------------------------------------------


def test_line_change_form_shows_status_rule_and_next_change(
    admin_client: Client, subscriber: Subscriber
) -> None:
    line = Line.objects.get(line_id="taro@eadsl")
    now = timezone.now()
    Exemption.objects.create(
        line=line,
        state=ExemptionState.ACTIVE,
        reason="Migration of the shop's mail server.",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=40),
    )
    response = get_en(admin_client, admin_url(Line, "change", line.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status now" in body
    assert en(Stage.FULL.label) in body
    assert "the line group&#x27;s rollout phase, since" in body
    assert f"{en(Stage.OPEN.label)} (an exemption)" in body


def test_line_change_form_without_anything_ahead(
    admin_client: Client, subscriber: Subscriber
) -> None:
    line = Line.objects.get(line_id="taro@eadsl")
    body = get_en(admin_client, admin_url(Line, "change", line.pk)).content.decode()
    assert "None scheduled" in body


def test_line_changelist_shows_each_lines_status(
    admin_client: Client, subscriber: Subscriber
) -> None:
    dialup = AccessService.objects.create(code="dialup", name="Dial-up", op25b_in_scope=False)
    LineGroup.objects.create(access_service=dialup, code="dialup-1", name="Dial-up")
    make_line(subscriber, "taro@dialup", group="dialup-1")
    make_line(subscriber, "taro@fixed", group="flets-west", static_ip="198.51.100.8")
    response = get_en(admin_client, admin_url(Line, "changelist"))
    assert response.status_code == 200
    rows = {
        line.line_id: line._admin_status.effective.value
        for line in response.context["cl"].result_list
    }
    assert rows == {"taro@dialup": "open", "taro@eadsl": "full", "taro@fixed": "open"}
    body = response.content.decode()
    assert en(Stage.FULL.label) in body
    assert en(Stage.OPEN.label) in body
    assert "198.51.100.8" in body


# ---------------------------------------------------------------------------
# Finding a subscriber
# ---------------------------------------------------------------------------


def found(client: Client, term: str) -> list[str]:
    response = get_en(client, admin_url(Subscriber, "changelist"), q=term)
    assert response.status_code == 200
    return [s.account_id for s in response.context["cl"].result_list]


def test_subscriber_search_by_line_id(
    admin_client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    assert found(admin_client, "taro@eadsl") == ["taro"]
    assert found(admin_client, "HANAKO@FLETS") == ["hanako"]


def test_subscriber_search_by_mailbox_address(
    admin_client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    assert found(admin_client, "taro@example.ne.jp") == ["taro"]
    assert found(admin_client, "Hanako@Example.ne.jp") == ["hanako"]


def test_subscriber_search_by_static_ip_lists_subscriber_once(
    admin_client: Client, subscriber: Subscriber, other_subscriber: Subscriber
) -> None:
    make_line(subscriber, "taro@fixed", group="flets-west", static_ip="198.51.100.8")
    make_line(subscriber, "taro@fixed2", group="flets-west", static_ip="198.51.100.9")
    Mailbox.objects.create(subscriber=subscriber, address="shop@example.ne.jp", login="taro-shop")
    assert found(admin_client, "198.51.100.8") == ["taro"]
    assert found(admin_client, "example.ne.jp") == []  # whole values only
    assert found(admin_client, "Name") == ["hanako", "taro"]  # part of the name
    assert found(admin_client, "Name taro") == ["taro"]  # every word must match
    assert found(admin_client, "nobody@example.ne.jp") == []


# ---------------------------------------------------------------------------
# The audit trail cannot be edited here
# ---------------------------------------------------------------------------


def test_audit_event_admin_refuses_add_change_and_delete(
    admin_client: Client, one_of_each: dict
) -> None:
    event = one_of_each[AuditEvent]
    assert get_en(admin_client, admin_url(AuditEvent, "add")).status_code == 403
    assert admin_client.post(admin_url(AuditEvent, "add"), {}).status_code == 403
    assert get_en(admin_client, admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert admin_client.post(admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert (
        admin_client.post(
            admin_url(AuditEvent, "change", event.pk), {"actor_label": "someone-else"}
        ).status_code
        == 403
    )

    changelist = get_en(admin_client, admin_url(AuditEvent, "changelist")).content.decode()
    assert admin_url(AuditEvent, "add") not in changelist
    assert "delete_selected" not in changelist

    change_form = get_en(admin_client, admin_url(AuditEvent, "change", event.pk))
    assert change_form.status_code == 200  # viewable
    body = change_form.content.decode()
    assert 'name="_save"' not in body
    assert admin_url(AuditEvent, "delete", event.pk) not in body

    event.refresh_from_db()
    assert event.actor_label == "support-1"
    assert AuditEvent.objects.count() == 1


# ---------------------------------------------------------------------------
# Deciding an exemption stamps the time the form cannot edit
# ---------------------------------------------------------------------------


def exemption_form(exemption: Exemption, **changes: str) -> dict[str, str]:
    local = {f: timezone.localtime(getattr(exemption, f)) for f in ("starts_at", "ends_at")}
    data = {
        "line": str(exemption.line_id),
        "state": exemption.state,
        "reason": exemption.reason,
        "server_host": exemption.server_host,
        "contact": exemption.contact,
        "requested_by": str(exemption.requested_by_id or ""),
        "terms_version": "",
        "terms_accepted_at_0": "",
        "terms_accepted_at_1": "",
        "decided_by": "",
        "decision_message": "",
        "revoked_by": "",
    }
    for field, value in local.items():
        data[f"{field}_0"] = value.strftime("%Y-%m-%d")
        data[f"{field}_1"] = value.strftime("%H:%M:%S")
    data.update(changes)
    return data


def test_exemption_decision_and_revocation_are_stamped(
    admin_client: Client, admin_user: User, one_of_each: dict
) -> None:
    exemption = one_of_each[Exemption]
    url = admin_url(Exemption, "change", exemption.pk)

    response = admin_client.post(url, exemption_form(exemption, state="active"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.ACTIVE
    assert exemption.decided_by == admin_user
    assert exemption.decided_at is not None

    response = admin_client.post(
        url, exemption_form(exemption, state="revoked", decided_by=str(admin_user.pk))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.REVOKED
    assert exemption.revoked_by == admin_user
    assert exemption.revoked_at is not None


# ---------------------------------------------------------------------------
# Query counts do not grow with the rows on the page
# ---------------------------------------------------------------------------

GROUPS = ("eadsl-1", "eadsl-2", "flets-east", "flets-west")


def add_customers(start: int, stop: int) -> None:
    """Customers `start`..`stop - 1`, each with a line (some static, some exempt) and a mailbox."""
    groups = {g.code: g for g in LineGroup.objects.filter(code__in=GROUPS)}
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(account_id=f"cust{i:04d}", name=f"Customer {i}", email=f"c{i}@example.com")
        for i in range(start, stop)
    )
    lines = Line.objects.bulk_create(
        Line(
            subscriber=s,
            line_id=f"cust{i:04d}@line",
            line_group=groups[GROUPS[i % len(GROUPS)]],
            ip_assignment=IpAssignment.STATIC if i % 3 == 0 else IpAssignment.DYNAMIC,
            ip_address=f"198.51.100.{i}" if i % 3 == 0 else None,
        )
        for i, s in zip(range(start, stop), subscribers, strict=True)
    )
    Mailbox.objects.bulk_create(
        Mailbox(subscriber=s, address=f"cust{i:04d}@example.ne.jp", login=f"cust{i:04d}")
        for i, s in zip(range(start, stop), subscribers, strict=True)
    )
    now = timezone.now()
    Exemption.objects.bulk_create(
        Exemption(
            line=line,
            state=ExemptionState.ACTIVE,
            reason="Shop mail server.",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
        )
        for line in lines[::2]
    )


# Measured with 5 rows; the same number must hold with 30.
LINE_CHANGELIST_QUERIES = 9  # + the session's OTP device
SUBSCRIBER_CHANGELIST_QUERIES = 5


@pytest.mark.parametrize(
    ("model", "expected"),
    [(Line, LINE_CHANGELIST_QUERIES), (Subscriber, SUBSCRIBER_CHANGELIST_QUERIES)],
    ids=["Line", "Subscriber"],
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client,
    announcement: None,
    django_assert_max_num_queries,
    django_assert_num_queries,
    model,
    expected: int,
) -> None:
    url = admin_url(model, "changelist")
    get_en(admin_client, url)  # warm the per-process caches (content types, permissions)

    add_customers(0, 5)
    with django_assert_max_num_queries(expected) as with_5:
        response = get_en(admin_client, url)
    assert len(response.context["cl"].result_list) == 5
    measured = len(with_5)

    add_customers(5, 30)
    with django_assert_num_queries(measured):
        response = get_en(admin_client, url)
    assert len(response.context["cl"].result_list) == 30
    if model is Line:
        statuses = {line._admin_status.rule for line in response.context["cl"].result_list}
        assert {"phase", "exemption", "static_ip_not_blocked"} <= statuses


def test_admin_change_is_audited_with_before_and_after(
    admin_client: Client, subscriber: Subscriber
) -> None:
    url = admin_url(Subscriber, "change", subscriber.pk)
    form = {
        "account_id": "taro",
        "name": "Taro Yamada",
        "email": "taro@example.com",
        "preferred_language": "en",
        "user": subscriber.user_id,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "mailboxes-TOTAL_FORMS": "0",
        "mailboxes-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor_label, event.object_type, event.subscriber) == (
        "admin",
        "accounts.subscriber",
        subscriber,
    )
    assert (event.before["name"], event.after["name"]) == ("Name of taro", "Taro Yamada")
    assert event.source_ip == "127.0.0.1"
