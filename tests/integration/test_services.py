"""The write services: each refusal is a clear ValidationError, each act is audited."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.audit import Actor
from accounts.models import AccessService, AuditEvent, LineGroup, Mailbox, Subscriber, User
from blocking import services
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccessState,
    SubmissionService,
)
from blocking.stages import Stage
from blocking.terms import EXEMPTION_TERMS_VERSION
from tests.conftest import make_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The refusals are matched by their English text; Japanese is the default.
    with translation.override("en"):
        yield


@pytest.fixture
def agent() -> Actor:
    return Actor(user=User.objects.create_user("agent1", is_staff=True), label="agent1")


@pytest.fixture
def supervisor() -> Actor:
    user = User.objects.create_user("super1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="grant_long_exemption"))
    return Actor(user=User.objects.get(pk=user.pk), label="super1")


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def test_exemption_grant_active_and_audited(subscriber: Subscriber, agent: Actor) -> None:
    line = subscriber.lines.get()
    exemption = services.exemption_grant(
        line=line, actor=agent, reason="runs a mail server", ends_at=timezone.now() + _days(30)
    )
    assert exemption.state == ExemptionState.ACTIVE
    event = AuditEvent.objects.get(action="exemption.grant")
    assert (event.actor_label, event.subscriber, event.reason) == (
        "agent1",
        subscriber,
        "runs a mail server",
    )


def test_exemption_grant_agent_limit_refused(subscriber: Subscriber, agent: Actor) -> None:
    with pytest.raises(ValidationError) as error:
        services.exemption_grant(
            line=subscriber.lines.get(),
            actor=agent,
            reason="long",
            ends_at=timezone.now() + _days(91),
        )
    assert "90 days" in error.value.message_dict["ends_at"][0]
    assert Exemption.objects.count() == 0


def test_exemption_grant_supervisor_may_grant_longer(
    subscriber: Subscriber, supervisor: Actor
) -> None:
    exemption = services.exemption_grant(
        line=subscriber.lines.get(),
        actor=supervisor,
        reason="long",
        ends_at=timezone.now() + _days(365),
    )
    assert exemption.state == ExemptionState.ACTIVE


def test_exemption_grant_second_active_refused(subscriber: Subscriber, agent: Actor) -> None:
    line = subscriber.lines.get()
    ends = timezone.now() + _days(10)
    services.exemption_grant(line=line, actor=agent, reason="one", ends_at=ends)
    with pytest.raises(ValidationError, match="already has an active exemption"):
        services.exemption_grant(line=line, actor=agent, reason="two", ends_at=ends)
    assert Exemption.objects.filter(state=ExemptionState.ACTIVE).count() == 1


def test_exemption_grant_out_of_scope_line_refused(subscriber: Subscriber, agent: Actor) -> None:
    service = AccessService.objects.create(code="dialup", name="Dial-up", op25b_in_scope=False)
    LineGroup.objects.create(access_service=service, code="dialup-1", name="Dial-up 1")
    line = make_line(subscriber, "taro@dialup", group="dialup-1")
    with pytest.raises(ValidationError, match="nothing to exempt"):
        services.exemption_grant(
            line=line, actor=agent, reason="x", ends_at=timezone.now() + _days(1)
        )


def test_exemption_grant_needs_reason_and_future_end(subscriber: Subscriber, agent: Actor) -> None:
    line = subscriber.lines.get()
    with pytest.raises(ValidationError) as error:
        services.exemption_grant(
            line=line, actor=agent, reason="  ", ends_at=timezone.now() + _days(1)
        )
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as error:
        services.exemption_grant(
            line=line, actor=agent, reason="x", ends_at=timezone.now() - _days(1)
        )
    assert list(error.value.message_dict) == ["ends_at"]


def _request(subscriber: Subscriber) -> Exemption:
    assert subscriber.user is not None
    return services.exemption_request(
        line=subscriber.lines.get(),
        actor=Actor(user=subscriber.user, label=subscriber.account_id),
        reason="I run mail.taro.example",
        server_host="mail.taro.example",
        contact="taro@example.com",
        terms_version=EXEMPTION_TERMS_VERSION,
    )


def test_exemption_request_then_approve(subscriber: Subscriber, agent: Actor) -> None:
    requested = _request(subscriber)
    assert (requested.state, requested.terms_version) == (
        ExemptionState.REQUESTED,
        EXEMPTION_TERMS_VERSION,
    )
    approved = services.exemption_approve(
        exemption=requested, actor=agent, ends_at=timezone.now() + _days(60), message="OK"
    )
    assert (approved.state, approved.decision_message) == (ExemptionState.ACTIVE, "OK")
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "exemption.request",
        "exemption.approve",
    ]


def test_exemption_request_twice_refused(subscriber: Subscriber) -> None:
    _request(subscriber)
    with pytest.raises(ValidationError, match="already waiting"):
        _request(subscriber)


def test_exemption_request_old_terms_refused(subscriber: Subscriber) -> None:
    assert subscriber.user is not None
    with pytest.raises(ValidationError, match="terms have changed"):
        services.exemption_request(
            line=subscriber.lines.get(),
            actor=Actor(user=subscriber.user, label="taro"),
            reason="x",
            server_host="",
            contact="",
            terms_version="1999-01",
        )


def test_exemption_deny_needs_message(subscriber: Subscriber, agent: Actor) -> None:
    requested = _request(subscriber)
    with pytest.raises(ValidationError):
        services.exemption_deny(exemption=requested, actor=agent, message="")
    denied = services.exemption_deny(
        exemption=requested, actor=agent, message="Please use port 587."
    )
    assert (denied.state, denied.decision_message) == (
        ExemptionState.DENIED,
        "Please use port 587.",
    )
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.exemption_approve(exemption=denied, actor=agent, ends_at=timezone.now() + _days(1))


def test_exemption_extend_and_revoke(subscriber: Subscriber, agent: Actor) -> None:
    exemption = services.exemption_grant(
        line=subscriber.lines.get(), actor=agent, reason="x", ends_at=timezone.now() + _days(10)
    )
    with pytest.raises(ValidationError, match="later"):
        services.exemption_extend(
            exemption=exemption, actor=agent, ends_at=exemption.ends_at, reason="r"
        )
    extended = services.exemption_extend(
        exemption=exemption, actor=agent, ends_at=exemption.ends_at + _days(5), reason="r"
    )
    assert extended.ends_at == exemption.ends_at + _days(5)
    revoked = services.exemption_revoke(exemption=extended, actor=agent, reason="spam seen")
    assert revoked.state == ExemptionState.REVOKED
    assert revoked.revoked_at is not None
    with pytest.raises(ValidationError):
        services.exemption_revoke(exemption=revoked, actor=agent, reason="again")


def test_exemptions_expire_only_past_ends(subscriber: Subscriber, agent: Actor) -> None:
    exemption = services.exemption_grant(
        line=subscriber.lines.get(), actor=agent, reason="x", ends_at=timezone.now() + _days(2)
    )
    assert services.exemptions_expire(now=timezone.now() + _days(1)) == 0
    assert services.exemptions_expire(now=timezone.now() + _days(3)) == 1
    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.EXPIRED
    assert AuditEvent.objects.get(action="exemption.expire").actor_label == "system:expiry"


@pytest.fixture
def new_group(announcement: None) -> LineGroup:
    return LineGroup.objects.create(
        access_service=AccessService.objects.get(code="eadsl"), code="eadsl-9", name="eADSL 9"
    )


def test_phase_schedule_add_then_move(new_group: LineGroup, agent: Actor) -> None:
    at = timezone.now() + _days(7)
    phase = services.phase_schedule(
        line_group=new_group, stage=Stage.MOBILE, effective_at=at, actor=agent, reason="new"
    )
    moved = services.phase_schedule(
        line_group=new_group,
        stage="mobile",
        effective_at=at + _days(7),
        actor=agent,
        reason="later",
    )
    assert (moved.pk, moved.effective_at) == (phase.pk, at + _days(7))
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "schedule.add",
        "schedule.move",
    ]


def test_phase_schedule_refuses_past_order_and_in_force(new_group: LineGroup, agent: Actor) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError, match="past"):
        services.phase_schedule(
            line_group=new_group,
            stage=Stage.MOBILE,
            effective_at=now - _days(1),
            actor=agent,
            reason="x",
        )
    services.phase_schedule(
        line_group=new_group, stage=Stage.FULL, effective_at=now + _days(5), actor=agent, reason="x"
    )
    with pytest.raises(ValidationError, match="before the full phase"):
        services.phase_schedule(
            line_group=new_group,
            stage=Stage.MOBILE,
            effective_at=now + _days(6),
            actor=agent,
            reason="x",
        )
    in_force = RolloutPhase.objects.get(line_group__code="eadsl-1", stage=Stage.FULL)
    with pytest.raises(ValidationError, match="in force"):
        services.phase_schedule(
            line_group=in_force.line_group,
            stage=Stage.FULL,
            effective_at=now + _days(1),
            actor=agent,
            reason="x",
        )


def test_destination_entry_add_validates_and_remove(announcement: None, agent: Actor) -> None:
    carriers = DestinationList.objects.get(slug=DestinationList.MOBILE_CARRIERS)
    with pytest.raises(ValidationError) as error:
        services.destination_entry_add(
            destination_list=carriers,
            actor=agent,
            carrier="X",
            kind="network",
            value="192.0.2.1/24",
            source="test",
        )
    assert list(error.value.message_dict) == ["value"]
    entry = services.destination_entry_add(
        destination_list=carriers,
        actor=agent,
        carrier="X",
        kind="domain",
        value="Mail.Example.JP",
        source="test",
    )
    assert entry.value == "mail.example.jp"
    services.destination_entry_remove(entry=entry, actor=agent, reason="gone")
    assert not DestinationEntry.objects.filter(value="mail.example.jp").exists()


def test_submission_access_suspend_restore(subscriber: Subscriber, agent: Actor) -> None:
    mailbox = Mailbox.objects.get(subscriber=subscriber)
    access = services.submission_access_suspend(mailbox=mailbox, actor=agent, reason="spam")
    assert access.state == SubmissionAccessState.SUSPENDED
    with pytest.raises(ValidationError, match="already"):
        services.submission_access_suspend(mailbox=mailbox, actor=agent, reason="spam")
    restored = services.submission_access_restore(mailbox=mailbox, actor=agent, reason="clean")
    assert restored.state == SubmissionAccessState.ENABLED


def test_submission_service_update_validates(announcement: None, agent: Actor) -> None:
    service = SubmissionService.objects.get()
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.submission_service_update(service=service, actor=agent, reason="x", id=5)
    with pytest.raises(ValidationError):
        services.submission_service_update(
            service=service, actor=agent, reason="x", auth_methods=["telnet"]
        )
    updated = services.submission_service_update(
        service=service, actor=agent, reason="longer window", pop_before_smtp_window_minutes=15
    )
    assert updated.pop_before_smtp_window_minutes == 15
