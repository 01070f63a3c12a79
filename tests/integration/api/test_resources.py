"""What each endpoint answers, for a client holding every scope."""

import pytest
from django.test import Client

from accounts.models import AuditEvent
from tests.integration.api.conftest import World

pytestmark = pytest.mark.django_db


def test_subscriber_list_filters_by_line_id(api: Client, world: World):
    response = api.get("/api/v1/subscribers/", {"line_id": "taro-2@eadsl"})

    assert response.status_code == 200
    assert [row["account_id"] for row in response.json()["results"]] == ["taro"]
    assert response.json()["results"][0]["line_ids"] == ["taro-2@eadsl", "taro@eadsl"]


def test_line_detail_has_status_with_exemption(api: Client, world: World):
    response = api.get("/api/v1/lines/taro@eadsl/")

    assert response.status_code == 200
    status = response.json()["status"]
    assert (status["effective"], status["rule"], status["exemption"]["id"]) == (
        "open",
        "exemption",
        world.active.pk,
    )


def test_exemption_revoke_with_etag_audits_client_name(api: Client, world: World):
    etag = api.get(f"/api/v1/exemptions/{world.active.pk}/").headers["ETag"]

    response = api.post(
        f"/api/v1/exemptions/{world.active.pk}/revoke/",
        {"reason": "Spam from the line"},
        content_type="application/json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    event = AuditEvent.objects.filter(action="exemption.revoke").get()
    assert (event.actor_label, event.actor, event.reason) == ("api:crm", None, "Spam from the line")
