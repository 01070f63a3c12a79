"""The permission matrix: every endpoint by every kind of caller, refusals included.

The expectations are written here from the roles' definitions, not read from the
views: anonymous callers and revoked keys get 401; subscribers and staff whose
session has no TOTP step get 403; a key needs the endpoint's scope; staff need
their role's permission (auditors read, agents also handle exemptions and port
587 access, supervisors everything).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from blocking.api.etags import exemption_etag
from blocking.models import Exemption
from tests.integration.api.conftest import Principals, World

pytestmark = pytest.mark.django_db

READERS = frozenset({"auditor", "agent", "supervisor"})
AGENTS = frozenset({"agent", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})


def _days(n: int) -> str:
    return (timezone.now() + timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: Callable[[World], str]
    ok: int
    scope: str = "read"
    roles: frozenset[str] = READERS
    body: Callable[[World], dict[str, Any]] | None = None
    etag_of: Callable[[World], Exemption] | None = None
    name: str = field(default="")

    def __str__(self) -> str:
        return self.name


def endpoint(method: str, template: str, ok: int, **kwargs: Any) -> Endpoint:
    return Endpoint(
        method=method,
        path=lambda w: "/api/v1/" + template.format(w=w),
        ok=ok,
        name=f"{method} {template}",
        **kwargs,
    )


ENDPOINTS = [
    endpoint("GET", "subscribers/", 200),
    endpoint("GET", "subscribers/{w.taro.account_id}/", 200),
    endpoint("GET", "lines/", 200),
    endpoint("GET", "lines/taro@eadsl/", 200),
    endpoint("GET", "mailboxes/", 200),
    endpoint("GET", "mailboxes/{w.mailbox.address}/", 200),
    endpoint(
        "POST",
        "mailboxes/{w.mailbox.address}/suspend/",
        200,
        scope="mailboxes:write",
        roles=AGENTS,
        body=lambda w: {"reason": "Sends spam"},
    ),
    endpoint(
        "POST",
        "mailboxes/{w.suspended_mailbox.address}/restore/",
        200,
        scope="mailboxes:write",
        roles=AGENTS,
        body=lambda w: {"reason": "Password changed"},
    ),
    endpoint("GET", "exemptions/", 200),
    endpoint(
        "POST",
        "exemptions/",
        201,
        scope="exemptions:write",
        roles=AGENTS,
        body=lambda w: {"line_id": w.free_line_id, "reason": "Own server", "ends_at": _days(10)},
    ),
    endpoint("GET", "exemptions/expiring/", 200),
    endpoint("GET", "exemptions/{w.active.pk}/", 200),
    endpoint(
        "POST",
        "exemptions/{w.active.pk}/extend/",
        200,
        scope="exemptions:write",
        roles=AGENTS,
        body=lambda w: {"ends_at": _days(40), "reason": "Migration takes longer"},
        etag_of=lambda w: w.active,
    ),
    endpoint(
        "POST",
        "exemptions/{w.active.pk}/revoke/",
        200,
        scope="exemptions:write",
        roles=AGENTS,
        body=lambda w: {"reason": "Spam"},
        etag_of=lambda w: w.active,
    ),
    endpoint("GET", "exemption-requests/", 200),
    endpoint(
        "POST",
        "exemption-requests/{w.request.pk}/approve/",
        200,
        scope="exemptions:write",
        roles=AGENTS,
        body=lambda w: {"ends_at": _days(20)},
        etag_of=lambda w: w.request,
    ),
    endpoint(
        "POST",
        "exemption-requests/{w.request.pk}/deny/",
        200,
        scope="exemptions:write",
        roles=AGENTS,
        body=lambda w: {"message": "Please use port 587."},
        etag_of=lambda w: w.request,
    ),
    endpoint("GET", "schedule/", 200),
    endpoint("GET", "schedule/{w.phase.pk}/", 200),
    endpoint(
        "POST",
        "schedule/",
        201,
        scope="schedule:write",
        roles=SUPERVISORS,
        body=lambda w: {
            "access_service": "eadsl",
            "line_group": w.empty_group.code,
            "stage": "mobile",
            "effective_at": _days(30),
            "reason": "Next wave",
        },
    ),
    endpoint(
        "POST",
        "schedule/{w.phase.pk}/remove/",
        204,
        scope="schedule:write",
        roles=SUPERVISORS,
        body=lambda w: {"reason": "Postponed"},
    ),
    endpoint("GET", "destinations/", 200),
    endpoint("GET", "destinations/{w.entry.pk}/", 200),
    endpoint(
        "POST",
        "destinations/",
        201,
        scope="destinations:write",
        roles=SUPERVISORS,
        body=lambda w: {
            "carrier": "Example Mobile",
            "kind": "domain",
            "value": "mobile.example.jp",
            "source": "carrier notice",
        },
    ),
    endpoint(
        "POST",
        "destinations/{w.entry.pk}/remove/",
        204,
        scope="destinations:write",
        roles=SUPERVISORS,
        body=lambda w: {"reason": "Carrier closed"},
    ),
    endpoint("GET", "sync-changes/", 200),
    endpoint("GET", "sync-changes/counts/", 200),
    endpoint("GET", "sync-changes/{w.failed_change.pk}/", 200),
    endpoint(
        "POST",
        "sync-changes/{w.failed_change.pk}/retry/",
        200,
        scope="sync:write",
        roles=SUPERVISORS,
    ),
]


def expected_status(point: Endpoint, principal: str) -> int:
    if principal in ("anonymous", "revoked key"):
        return 401
    if principal.startswith("key "):
        return point.ok if principal.removeprefix("key ") == point.scope else 403
    return point.ok if principal in point.roles else 403


def _call(client: Client, point: Endpoint, world: World) -> tuple[int, dict[str, Any] | None]:
    headers = {}
    if point.etag_of is not None:
        exemption = Exemption.objects.get(pk=point.etag_of(world).pk)
        headers["If-Match"] = exemption_etag(exemption)
    if point.method == "GET":
        response = client.get(point.path(world), headers=headers)
    else:
        response = client.post(
            point.path(world),
            point.body(world) if point.body else {},
            content_type="application/json",
            headers=headers,
        )
    body = response.json() if response.content else None
    return response.status_code, body


@pytest.mark.parametrize("point", ENDPOINTS, ids=str)
def test_endpoint_permission_matrix(point: Endpoint, world: World, principals: Principals):
    statuses, bad_error_bodies = {}, []
    for principal, client in principals.clients.items():
        # Each caller acts on the same state: its change is rolled back after it.
        with transaction.atomic():
            status, body = _call(client, point, world)
            transaction.set_rollback(True)
        statuses[principal] = status
        if status >= 400 and set((body or {}).get("error", {})) != {"code", "message", "fields"}:
            bad_error_bodies.append(principal)

    assert statuses == {p: expected_status(point, p) for p in principals.clients}
    assert bad_error_bodies == []


@pytest.mark.parametrize(
    ("principal", "status"),
    [("anonymous", 401), ("subscriber", 405), ("auditor", 405), ("key read", 405)],
)
def test_unsupported_method_refused(principal: str, status: int, principals: Principals, world):
    response = principals.clients[principal].delete(f"/api/v1/exemptions/{world.active.pk}/")

    assert (response.status_code, response.json()["error"]["code"]) == (
        status,
        "not_authenticated" if status == 401 else "method_not_allowed",
    )


def test_session_write_without_csrf_token_refused(world: World, principals: Principals):
    client = principals.clients["supervisor"]
    client.handler.enforce_csrf_checks = True

    response = client.post(
        f"/api/v1/sync-changes/{world.failed_change.pk}/retry/", content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")


def test_scope_missing_names_the_scope(world: World, principals: Principals):
    response = principals.clients["key read"].post(
        f"/api/v1/sync-changes/{world.failed_change.pk}/retry/", content_type="application/json"
    )

    assert response.json()["error"]["code"] == "scope_missing"
    assert "sync:write" in response.json()["error"]["message"]


def test_staff_without_totp_told_to_verify(world: World, principals: Principals):
    response = principals.clients["supervisor without TOTP"].get("/api/v1/subscribers/")

    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "two_factor_required",
    )
