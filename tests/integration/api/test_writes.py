"""Writes: Idempotency-Key, ETag/If-Match, and the audit trail naming the client."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.api_keys import api_key_create
from accounts.models import AuditEvent, IdempotencyRecord
from blocking.console.roles import AGENT_GROUP
from blocking.models import Exemption, ExemptionState, SubmissionAccessState
from tests.integration.api.conftest import ADMIN, World, key_client, staff_user, verified_client

pytestmark = pytest.mark.django_db


def _grant_body(world: World, days: int = 10) -> dict:
    return {
        "line_id": world.free_line_id,
        "reason": "Own mail server",
        "ends_at": (timezone.now() + timedelta(days=days)).isoformat(),
    }


def _post(client: Client, path: str, body: dict, **headers: str):
    return client.post(path, body, content_type="application/json", headers=headers)


def test_idempotent_grant_repeated_acts_once(api: Client, world: World):
    body = _grant_body(world)

    first = _post(api, "/api/v1/exemptions/", body, **{"Idempotency-Key": "grant-1"})
    second = _post(api, "/api/v1/exemptions/", body, **{"Idempotency-Key": "grant-1"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Exemption.objects.filter(line__line_id=world.free_line_id).count() == 1
    assert AuditEvent.objects.filter(action="exemption.grant", actor_label="api:crm").count() == 1


def test_idempotency_key_reused_with_other_body_refused(api: Client, world: World):
    _post(api, "/api/v1/exemptions/", _grant_body(world), **{"Idempotency-Key": "k"})

    response = _post(api, "/api/v1/exemptions/", _grant_body(world, 20), **{"Idempotency-Key": "k"})

    assert (response.status_code, response.json()["error"]["code"]) == (
        422,
        "idempotency_key_reused",
    )


def test_idempotency_refused_request_not_kept(api: Client, world: World):
    bad = {**_grant_body(world), "reason": ""}

    refused = _post(api, "/api/v1/exemptions/", bad, **{"Idempotency-Key": "retry-me"})
    corrected = _post(
        api, "/api/v1/exemptions/", _grant_body(world), **{"Idempotency-Key": "retry-me"}
    )

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert IdempotencyRecord.objects.get(key="retry-me").response_status == 201


def test_idempotency_key_belongs_to_one_client(api: Client, world: World):
    _key, raw = api_key_create(name="abuse-desk", scopes=["mailboxes:write"], actor=ADMIN)
    _post(api, "/api/v1/exemptions/", _grant_body(world), **{"Idempotency-Key": "same"})

    response = _post(
        key_client(raw),
        f"/api/v1/mailboxes/{world.mailbox.address}/suspend/",
        {"reason": "Hijacked"},
        **{"Idempotency-Key": "same"},
    )

    assert response.json()["submission"]["state"] == SubmissionAccessState.SUSPENDED


def test_extend_with_stale_etag_refused_and_nothing_changes(api: Client, world: World):
    path = f"/api/v1/exemptions/{world.active.pk}/"
    etag = api.get(path).headers["ETag"]
    first_end = (world.active.ends_at + timedelta(days=5)).isoformat()
    _post(api, path + "extend/", {"ends_at": first_end, "reason": "a"}, **{"If-Match": etag})

    later_end = (world.active.ends_at + timedelta(days=9)).isoformat()
    response = _post(
        api, path + "extend/", {"ends_at": later_end, "reason": "b"}, **{"If-Match": etag}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (412, "precondition_failed")
    assert Exemption.objects.get(pk=world.active.pk).ends_at == world.active.ends_at + timedelta(
        days=5
    )


def test_extend_answers_new_etag_equal_to_read_etag(api: Client, world: World):
    path = f"/api/v1/exemptions/{world.active.pk}/"
    etag = api.get(path).headers["ETag"]
    end = (world.active.ends_at + timedelta(days=5)).isoformat()

    response = _post(api, path + "extend/", {"ends_at": end, "reason": "a"}, **{"If-Match": etag})

    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == api.get(path).headers["ETag"]


def test_key_client_without_if_match_refused(api: Client, world: World):
    response = _post(api, f"/api/v1/exemptions/{world.active.pk}/revoke/", {"reason": "spam"})

    assert (response.status_code, response.json()["error"]["code"]) == (
        428,
        "precondition_required",
    )
    assert Exemption.objects.get(pk=world.active.pk).state == ExemptionState.ACTIVE


def test_staff_session_without_if_match_allowed(world: World):
    client = verified_client(staff_user("aoi", AGENT_GROUP))

    response = _post(client, f"/api/v1/exemptions/{world.active.pk}/revoke/", {"reason": "spam"})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="exemption.revoke")
    assert (event.actor_label, event.actor.username) == ("aoi", "aoi")


def test_service_refusal_in_error_format(api: Client, world: World):
    path = f"/api/v1/exemptions/{world.active.pk}/"
    etag = api.get(path).headers["ETag"]
    earlier = (world.active.ends_at - timedelta(days=1)).isoformat()

    response = _post(
        api, path + "extend/", {"ends_at": earlier, "reason": "a"}, **{"If-Match": etag}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == ["ends_at"]


def test_grant_beyond_limit_refused_for_key(api: Client, world: World):
    response = _post(api, "/api/v1/exemptions/", _grant_body(world, days=400))

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["ends_at"]
