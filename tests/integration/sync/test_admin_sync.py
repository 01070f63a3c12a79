"""Admin edits of desired state record their sync change; the sync change admin reads, retries."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from blocking.models import DestinationEntry, Exemption, ExemptionState, RolloutPhase
from blocking.sync.models import SyncAttempt, SyncChange, SyncOutcome, SyncResource, SyncState

pytestmark = pytest.mark.django_db


def verified(user: User) -> Client:
    """A client logged in with a password and a TOTP code, as the admin asks."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    return verified(admin_user)


def admin_url(model, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_admin_activating_exemption_records_line_exemption_change(admin_client: Client, subscriber):
    now = timezone.now()
    exemption = Exemption.objects.create(
        line=subscriber.lines.get(),
        reason="shop mail server",
        starts_at=now,
        ends_at=now + timedelta(days=30),
    )
    local = {f: timezone.localtime(getattr(exemption, f)) for f in ("starts_at", "ends_at")}
    form = {
        "line": str(exemption.line_id),
        "state": ExemptionState.ACTIVE,
        "reason": exemption.reason,
        **{f"{f}_0": v.strftime("%Y-%m-%d") for f, v in local.items()},
        **{f"{f}_1": v.strftime("%H:%M:%S") for f, v in local.items()},
    }

    response = admin_client.post(admin_url(Exemption, "change", exemption.pk), form)

    assert response.status_code == 302
    change = SyncChange.objects.get()
    assert (change.resource, change.resource_key, change.payload["exempt"]) == (
        SyncResource.LINE_EXEMPTION,
        "taro@eadsl",
        True,
    )


def test_admin_deleting_phase_records_schedule_without_it(admin_client: Client, announcement):
    phase = RolloutPhase.objects.get(line_group__code="eadsl-2", stage="full")

    response = admin_client.post(admin_url(RolloutPhase, "delete", phase.pk), {"post": "yes"})

    assert response.status_code == 302
    change = SyncChange.objects.get()
    assert (change.resource_key, [p["stage"] for p in change.payload["phases"]]) == (
        "eadsl/eadsl-2",
        ["mobile"],
    )


def test_admin_deleting_destination_entry_records_list_without_it(
    admin_client: Client, announcement
):
    entry = DestinationEntry.objects.get(value="docomo.ne.jp")

    admin_client.post(admin_url(DestinationEntry, "delete", entry.pk), {"post": "yes"})

    change = SyncChange.objects.get()
    assert change.resource_key == "mobile-carriers"
    assert "docomo.ne.jp" not in [d["domain"] for d in change.payload["domains"]]


def make_change(state: str = SyncState.FAILED, subscriber=None) -> SyncChange:
    change = SyncChange.objects.create(
        backend="network",
        resource=SyncResource.LINE_EXEMPTION,
        resource_key="taro@eadsl",
        version=timezone.now().timestamp() * 1_000_000,
        payload={"exempt": False, "starts_at": None, "ends_at": None},
        state=state,
        attempts=12,
        next_attempt_at=timezone.now(),
        last_error="503 injected_fault: A fault was injected on purpose.",
        last_status_code=503,
        subscriber=subscriber,
    )
    SyncAttempt.objects.create(
        change=change,
        started_at=timezone.now(),
        duration_ms=12,
        status_code=503,
        error=change.last_error,
        outcome=SyncOutcome.RETRY,
    )
    return change


def test_sync_change_admin_shows_history(admin_client: Client, subscriber):
    change = make_change(subscriber=subscriber)
    response = admin_client.get(admin_url(SyncChange, "change", change.pk))
    assert response.status_code == 200
    assert b"503 injected_fault" in response.content


def test_sync_change_changelist_queries_do_not_grow(
    admin_client: Client, subscriber, django_assert_max_num_queries
):
    make_change(subscriber=subscriber)
    admin_client.get(admin_url(SyncChange, "changelist"))
    with django_assert_max_num_queries(12) as few:
        admin_client.get(admin_url(SyncChange, "changelist"))
    for _ in range(20):
        make_change(subscriber=subscriber)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(admin_url(SyncChange, "changelist"))
    assert len(response.context["cl"].result_list) == 21


def test_sync_change_admin_retry_action_requeues_failed(admin_client: Client, subscriber):
    failed = make_change(subscriber=subscriber)
    applied = make_change(state=SyncState.APPLIED, subscriber=subscriber)

    response = admin_client.post(
        admin_url(SyncChange, "changelist"),
        {"action": "retry", "_selected_action": [failed.pk, applied.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    applied.refresh_from_db()
    assert (failed.state, applied.state) == (SyncState.PENDING, SyncState.APPLIED)


def test_sync_change_admin_without_change_permission_cannot_retry(subscriber):
    viewer = User.objects.create_user(username="reader", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_syncchange"))
    client = verified(viewer)
    failed = make_change(subscriber=subscriber)

    listing = client.get(admin_url(SyncChange, "changelist"))
    client.post(
        admin_url(SyncChange, "changelist"),
        {"action": "retry", "_selected_action": [failed.pk]},
    )

    assert listing.status_code == 200
    assert listing.context["action_form"] is None  # no action offered at all
    failed.refresh_from_db()
    assert failed.state == SyncState.FAILED
