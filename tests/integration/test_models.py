"""The database holds the domain's rules even when code forgets them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import AuditEvent, IpAssignment, Line, LineGroup, Subscriber
from blocking.models import (
    DestinationEntry,
    DestinationKind,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionService,
)
from tests.conftest import at_jst, make_line

pytestmark = pytest.mark.django_db


def _integrity_error(create: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()  # type: ignore[operator]


def test_account_id_unique(subscriber: Subscriber) -> None:
    _integrity_error(lambda: Subscriber.objects.create(account_id="taro", name="x", email="x@x.jp"))


def test_line_id_unique(subscriber: Subscriber) -> None:
    _integrity_error(lambda: make_line(subscriber, "taro@eadsl"))


def test_static_line_without_address_refused(subscriber: Subscriber) -> None:
    group = LineGroup.objects.get(code="eadsl-1")
    _integrity_error(
        lambda: Line.objects.create(
            subscriber=subscriber, line_id="x1", line_group=group, ip_assignment="static"
        )
    )


def test_dynamic_line_with_address_refused(subscriber: Subscriber) -> None:
    group = LineGroup.objects.get(code="eadsl-1")
    _integrity_error(
        lambda: Line.objects.create(
            subscriber=subscriber, line_id="x2", line_group=group, ip_address="203.0.113.9"
        )
    )


def test_line_clean_explains_static_without_address(subscriber: Subscriber) -> None:
    line = Line(
        subscriber=subscriber,
        line_id="x33",
        line_group=LineGroup.objects.get(code="eadsl-1"),
        ip_assignment=IpAssignment.STATIC,
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            line.full_clean()
        assert error.value.message_dict == {"ip_address": ["A static line needs its IP address."]}


def test_line_clean_refuses_prefix_longer_than_address(subscriber: Subscriber) -> None:
    line = make_line(subscriber, "static-1", static_ip="203.0.113.8")
    line.ip_prefix_length = 33
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == ["ip_prefix_length"]


def test_phase_stage_must_be_schedulable(announcement: None) -> None:
    group = LineGroup.objects.get(code="eadsl-1")
    group.phases.all().delete()
    _integrity_error(
        lambda: RolloutPhase.objects.create(
            line_group=group, stage="open", effective_at=at_jst(2006, 6, 1)
        )
    )
    _integrity_error(
        lambda: RolloutPhase.objects.create(
            line_group=group, stage="partial", effective_at=at_jst(2006, 6, 1)
        )
    )


def test_phase_one_per_stage_per_group(announcement: None) -> None:
    group = LineGroup.objects.get(code="eadsl-1")
    _integrity_error(
        lambda: RolloutPhase.objects.create(
            line_group=group, stage="mobile", effective_at=at_jst(2006, 7, 1)
        )
    )


def _exemption(line: Line, **fields: object) -> Exemption:
    values: dict[str, object] = {
        "line": line,
        "reason": "Runs its own mail server",
        "state": ExemptionState.ACTIVE,
        "starts_at": at_jst(2006, 7, 1),
        "ends_at": at_jst(2006, 8, 1),
    }
    values.update(fields)
    return Exemption.objects.create(**values)


def test_exemption_must_end_after_start(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    _integrity_error(lambda: _exemption(line, ends_at=at_jst(2006, 7, 1)))


def test_exemption_clean_explains_end_before_start(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    exemption = Exemption(
        line=line, reason="r", starts_at=at_jst(2006, 7, 2), ends_at=at_jst(2006, 7, 1)
    )
    with pytest.raises(ValidationError) as error, translation.override("ja"):
        exemption.full_clean()
    assert error.value.message_dict == {
        "ends_at": ["適用除外の終了日時は、開始日時より後にしてください。"]
    }


def test_two_active_exemptions_on_one_line_refused(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    _exemption(line)
    _integrity_error(
        lambda: _exemption(line, starts_at=at_jst(2006, 9, 1), ends_at=at_jst(2006, 9, 2))
    )


def test_expired_and_active_exemptions_coexist(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    _exemption(line, state=ExemptionState.EXPIRED)
    _exemption(line, starts_at=at_jst(2006, 9, 1), ends_at=at_jst(2006, 9, 2))
    assert line.exemptions.count() == 2


def test_revoked_exemption_needs_its_time(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    _integrity_error(lambda: _exemption(line, state=ExemptionState.REVOKED))


def test_exemption_in_force_until_cut_short_by_revocation(subscriber: Subscriber) -> None:
    line = subscriber.lines.get()
    revoked_at = at_jst(2006, 7, 10)
    exemption = _exemption(line, state=ExemptionState.REVOKED, revoked_at=revoked_at)
    assert exemption.in_force_until == revoked_at
    assert _exemption(line).in_force_until == at_jst(2006, 8, 1)


def test_destination_network_normalised(announcement: None) -> None:
    entry = DestinationEntry(
        destination_list=DestinationList.objects.get(slug=DestinationList.MOBILE_CARRIERS),
        carrier="Test",
        kind=DestinationKind.NETWORK,
        value=" 2001:DB8::/32 ",
        source="test",
        last_checked=at_jst(2026, 11, 1).date(),
    )
    entry.full_clean()
    assert entry.value == "2001:db8::/32"


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        (DestinationKind.NETWORK, "192.0.2.1/24", "value"),
        (DestinationKind.NETWORK, "not-a-network", "value"),
        (DestinationKind.DOMAIN, "not a domain", "value"),
    ],
)
def test_destination_entry_invalid_values_refused(
    announcement: None, kind: str, value: str, field: str
) -> None:
    entry = DestinationEntry(
        destination_list=DestinationList.objects.get(slug=DestinationList.MOBILE_CARRIERS),
        carrier="Test",
        kind=kind,
        value=value,
        source="test",
        last_checked=at_jst(2026, 11, 1).date(),
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert list(error.value.message_dict) == [field]


def test_submission_service_refuses_unknown_auth_method(announcement: None) -> None:
    service = SubmissionService.objects.get()
    service.auth_methods = ["carrier-pigeon"]
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert list(error.value.message_dict) == ["auth_methods"]


def test_audit_event_is_append_only(subscriber: Subscriber) -> None:
    event = AuditEvent.objects.create(
        actor_label="agent", action="exemption.grant", object_type="line", object_id="1"
    )
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.get().reason == ""


def test_announcement_load_is_idempotent(announcement: None) -> None:
    from blocking.announcement import announcement_load

    counts = (RolloutPhase.objects.count(), DestinationEntry.objects.count())
    announcement_load(smtp_host="smtp.example.ne.jp")
    assert (RolloutPhase.objects.count(), DestinationEntry.objects.count()) == counts
    assert SubmissionService.objects.count() == 1


def test_announcement_dates_are_the_notices(announcement: None) -> None:
    service = SubmissionService.objects.get()
    assert (service.port, service.starts_at) == (587, at_jst(2006, 6, 15))
    full = RolloutPhase.objects.filter(stage="full").values_list("effective_at", flat=True)
    assert set(full) == {at_jst(2006, 10, 1)}
    first_mobile = RolloutPhase.objects.filter(stage="mobile").order_by("effective_at").first()
    assert first_mobile is not None
    assert first_mobile.effective_at == at_jst(2006, 6, 1)
    assert first_mobile.effective_at - at_jst(2006, 5, 31, 23, 59) == timedelta(minutes=1)
