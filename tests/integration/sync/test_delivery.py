"""Changes reach the reference backends through a real worker on the real Redis, over HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AccessService, LineGroup, Mailbox
from blocking import services
from blocking.models import Exemption, ExemptionState, SubmissionAccessState
from blocking.sync.delivery import sync_change_deliver
from blocking.sync.models import SyncChange, SyncOutcome, SyncResource, SyncState
from blocking.sync.reconcile import backend_reconcile
from blocking.sync.resources import timestamp
from tests.integration.sync.conftest import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(60),
    pytest.mark.usefixtures("celery_worker"),
]

STAFF = Actor.system("test:agent")
LINE = "taro@eadsl"
EXEMPTION_PATH = f"/v1/lines/{LINE}/exemption"


def latest_change(resource: str, key: str) -> SyncChange:
    return SyncChange.objects.filter(resource=resource, resource_key=key).latest("version")


def applied(resource: str, key: str) -> SyncChange | None:
    change = latest_change(resource, key)
    return change if change.state == SyncState.APPLIED else None


def grant(subscriber, *, days: int = 30, seconds: int = 0) -> Exemption:
    return services.exemption_grant(
        line=subscriber.lines.get(),
        actor=STAFF,
        reason="runs its own mail server",
        ends_at=timezone.now() + timedelta(days=days, seconds=seconds),
    )


def test_exemption_grant_reaches_network_backend(subscriber, fresh_backends):
    exemption = grant(subscriber)

    change = wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="applied")
    held = fresh_backends["network"].get(EXEMPTION_PATH)
    assert held == {
        "line_id": LINE,
        "version": change.version,
        "exempt": True,
        "starts_at": change.payload["starts_at"],
        "ends_at": timestamp(exemption.ends_at),
        "in_force": True,
    }
    assert change.subscriber == subscriber
    assert [a.outcome for a in change.history.all()] == [SyncOutcome.APPLIED]
    assert change.history.get().status_code == 200


def test_exemption_revoke_reaches_network_backend(subscriber, fresh_backends):
    exemption = grant(subscriber)
    wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="grant applied")

    services.exemption_revoke(exemption=exemption, actor=STAFF, reason="abuse reported")

    wait_for(
        lambda: (fresh_backends["network"].get(EXEMPTION_PATH) or {}).get("exempt") is False,
        what="revocation on the backend",
    )
    change = wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="revoke applied")
    assert change.payload == {"exempt": False, "starts_at": None, "ends_at": None}
    assert fresh_backends["network"].history("exemptions", LINE) == list(
        SyncChange.objects.filter(resource_key=LINE)
        .order_by("version")
        .values_list("version", flat=True)
    )


def test_exemption_expiry_reaches_network_backend(subscriber, fresh_backends):
    exemption = grant(subscriber, days=0, seconds=2)
    wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="grant applied")

    # Beat runs the expiry every second in the worker under test.
    wait_for(
        lambda: (fresh_backends["network"].get(EXEMPTION_PATH) or {}).get("exempt") is False,
        what="expiry on the backend",
    )
    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.EXPIRED


def test_phase_reschedule_reaches_only_its_line_group(announcement, fresh_backends):
    eadsl = AccessService.objects.get(code="eadsl")
    group = LineGroup.objects.create(access_service=eadsl, code="eadsl-9", name="eADSL group 9")
    first = timezone.now() + timedelta(days=10)
    moved = timezone.now() + timedelta(days=20)

    services.phase_schedule(
        line_group=group, stage="mobile", effective_at=first, actor=STAFF, reason="wave 9"
    )
    services.phase_schedule(
        line_group=group, stage="mobile", effective_at=moved, actor=STAFF, reason="later"
    )

    change = wait_for(lambda: applied(SyncResource.SCHEDULE, "eadsl/eadsl-9"), what="applied")
    schedules = fresh_backends["network"].call("GET", "/v1/schedules")["items"]
    assert [(s["service"], s["line_group"]) for s in schedules] == [("eadsl", "eadsl-9")]
    assert schedules[0]["phases"] == [{"stage": "mobile", "effective_at": timestamp(moved)}]
    assert schedules[0]["version"] == change.version
    assert schedules[0]["stage_now"] == "open"
    # The first change was either delivered before the move or superseded by it.
    first_state, last_state = SyncChange.objects.order_by("id").values_list("state", flat=True)
    assert first_state in (SyncState.APPLIED, SyncState.SUPERSEDED)
    assert last_state == SyncState.APPLIED


@pytest.mark.parametrize("fault", ["connection refused", "500", "timeout", "429"])
def test_delivery_retried_until_backend_recovers(subscriber, fresh_backends, fault):
    network = fresh_backends["network"]
    if fault == "connection refused":
        network.stop()
    elif fault == "500":
        network.faults(error_rate=1, error_status=500)
    elif fault == "timeout":
        network.faults(latency_ms=1500)  # the worker waits 1 s for an answer
    else:
        network.faults(rate_limit_rate=1, retry_after=1)

    grant(subscriber)
    failing = wait_for(
        lambda: SyncChange.objects.filter(resource_key=LINE, attempts__gte=2).first(),
        what="two failed attempts",
    )
    assert failing.state == SyncState.PENDING
    if fault == "429":
        attempts = list(failing.history.order_by("started_at"))
        assert attempts[1].started_at - attempts[0].started_at >= timedelta(seconds=1)
        assert attempts[0].status_code == 429

    if fault == "connection refused":
        network.start()
    else:
        network.call("DELETE", "/_admin/faults")

    change = wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="applied")
    # However many attempts it took, the backend applied the version once.
    assert network.history("exemptions", LINE) == [change.version]
    assert network.get(EXEMPTION_PATH)["exempt"] is True
    outcomes = [a.outcome for a in change.history.order_by("started_at")]
    assert outcomes[:-1] == [SyncOutcome.RETRY] * (len(outcomes) - 1)
    assert outcomes[-1] in (SyncOutcome.APPLIED, SyncOutcome.STALE)


def test_dead_backend_opens_the_circuit_and_recovers(announcement, subscriber, fresh_backends):
    from blocking.sync.models import SyncCircuit

    network = fresh_backends["network"]
    network.stop()
    grant(subscriber)
    circuit = wait_for(
        lambda: SyncCircuit.objects.filter(backend="network", open_until__isnull=False).first(),
        what="circuit open",
    )
    assert circuit.failures >= 5

    network.start()
    wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), timeout=20, what="applied")
    wait_for(
        lambda: SyncCircuit.objects.filter(backend="network", failures=0).exists(),
        what="circuit closed",
    )


def test_broker_down_at_grant_sweep_delivers_later(subscriber, fresh_backends, broker_down):
    with broker_down():
        exemption = grant(subscriber)

    # The grant and its change are stored although no message went out.
    assert Exemption.objects.get(pk=exemption.pk).state == ExemptionState.ACTIVE
    assert latest_change(SyncResource.LINE_EXEMPTION, LINE).state == SyncState.PENDING
    # The worker's beat sweeps it up once the lease (3 s under test) runs out.
    wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="applied by the sweep")
    assert fresh_backends["network"].get(EXEMPTION_PATH)["exempt"] is True


def test_worker_killed_mid_delivery_change_still_delivered(
    subscriber, fresh_backends, celery_worker
):
    network = fresh_backends["network"]
    network.faults(latency_ms=800)
    before = network.call("GET", "/_admin/stats")["requests"]

    grant(subscriber)
    wait_for(
        lambda: network.call("GET", "/_admin/stats")["requests"] > before,
        what="the delivery under way",
    )
    celery_worker.kill()
    try:
        assert latest_change(SyncResource.LINE_EXEMPTION, LINE).state == SyncState.PENDING
        network.call("DELETE", "/_admin/faults")
    finally:
        celery_worker.start()

    change = wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="applied")
    assert network.history("exemptions", LINE) == [change.version]


def test_versions_out_of_order_backend_ends_on_newer(subscriber, fresh_backends):
    exemption = grant(subscriber)
    older = wait_for(lambda: applied(SyncResource.LINE_EXEMPTION, LINE), what="grant applied")
    services.exemption_revoke(exemption=exemption, actor=STAFF, reason="ended early")
    newer = wait_for(
        lambda: (
            (c := latest_change(SyncResource.LINE_EXEMPTION, LINE)).version > older.version
            and c.state == SyncState.APPLIED
            and c
        ),
        what="revoke applied",
    )

    # The grant's message arrives again, late (a redelivered or duplicated task).
    SyncChange.objects.filter(pk=older.pk).update(state=SyncState.PENDING)
    assert sync_change_deliver(change_id=older.pk) == SyncOutcome.STALE

    held = fresh_backends["network"].get(EXEMPTION_PATH)
    assert (held["version"], held["exempt"]) == (newer.version, False)
    assert fresh_backends["network"].history("exemptions", LINE) == [older.version, newer.version]


def test_mailbox_suspension_reaches_mail_backend(subscriber, fresh_backends):
    mailbox = Mailbox.objects.get(address="taro@example.ne.jp")
    access = services.submission_access_suspend(mailbox=mailbox, actor=STAFF, reason="sending spam")
    assert access.state == SubmissionAccessState.SUSPENDED

    change = wait_for(
        lambda: applied(SyncResource.MAILBOX_SUBMISSION, mailbox.address), what="applied"
    )
    held = fresh_backends["mail"].get("/v1/mailboxes/taro@example.ne.jp/submission")
    assert held == {
        "address": mailbox.address,
        "version": change.version,
        "enabled": False,
        "auth_methods": [],
    }


def test_reconcile_repairs_backend_that_lost_state(subscriber, fresh_backends):
    from django.core.management import call_command

    from blocking.sync.push import sync_push

    grant(subscriber)
    sync_push()
    wait_for(
        lambda: not SyncChange.objects.filter(state=SyncState.PENDING).exists(), what="all applied"
    )
    network = fresh_backends["network"]
    before = network.call("GET", "/v1/schedules")["items"]
    assert len(before) == 4

    network.call("POST", "/_admin/reset")  # the backend lost everything
    dry = backend_reconcile(backend="network", dry_run=True)
    assert (dry.drifted, SyncChange.objects.filter(state=SyncState.PENDING).count()) == (6, 0)
    assert sorted({f.kind for f in dry.findings}) == ["missing"]

    call_command("reconcile", "--backend", "network")

    wait_for(
        lambda: not SyncChange.objects.filter(state=SyncState.PENDING).exists(), what="repaired"
    )
    after = network.call("GET", "/v1/schedules")["items"]
    assert [(s["service"], s["line_group"], s["phases"]) for s in after] == [
        (s["service"], s["line_group"], s["phases"]) for s in before
    ]
    assert network.get(EXEMPTION_PATH)["exempt"] is True
    assert backend_reconcile(backend="network").drifted == 0


def test_backlog_goes_through_the_batch_form_once(announcement, fresh_backends):
    from accounts.models import Line
    from blocking.sync import outbox
    from blocking.sync.queue import delivery_groups, sync_changes_publish
    from tests.conftest import make_line, make_subscriber

    owner = make_subscriber("jiro")
    lines = [make_line(owner, f"jiro-{n}@eadsl") for n in range(3)]
    changes = outbox.lines_exemption_changed(lines=lines, enqueue=False)
    network = fresh_backends["network"]
    before = network.call("GET", "/_admin/stats")["requests"]

    groups = delivery_groups((c.pk, c.resource) for c in changes)
    sync_changes_publish(groups=groups)

    wait_for(
        lambda: SyncChange.objects.filter(state=SyncState.APPLIED).count() == 3, what="applied"
    )
    assert groups == [[c.pk for c in changes]]
    assert network.call("GET", "/_admin/stats")["requests"] - before == 1
    held = network.call("GET", "/v1/exemptions")["items"]
    assert [(i["line_id"], i["exempt"]) for i in held] == [
        (line.line_id, False) for line in Line.objects.filter(subscriber=owner).order_by("line_id")
    ]
