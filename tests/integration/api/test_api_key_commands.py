"""`create_api_key` and `revoke_api_key`: the key printed once works, a revoked one does not."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from accounts.models import ApiKey, AuditEvent

pytestmark = pytest.mark.django_db


def _create(*args: str) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_create_api_key_prints_working_key_on_last_line(announcement):
    raw = _create("crm", "--scopes", "read,exemptions:write")

    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/schedule/")
    api_key = ApiKey.objects.get(name="crm")
    assert response.status_code == 200
    assert api_key.scopes == ["read", "exemptions:write"]
    assert raw not in api_key.key_hash
    assert AuditEvent.objects.get(action="api_key.create").actor_label == "manage.py create_api_key"


def test_create_api_key_unknown_scope_refused():
    with translation.override("en"), pytest.raises(CommandError, match="Unknown scope exemption:w"):
        _create("crm", "--scopes", "read,exemption:write")

    assert ApiKey.objects.count() == 0


def test_create_api_key_name_taken_refused():
    _create("crm", "--scopes", "read")

    with pytest.raises(CommandError, match="crm"):
        _create("crm", "--scopes", "read")


def test_revoke_api_key_stops_the_key(announcement):
    raw = _create("crm", "--scopes", "read")

    call_command("revoke_api_key", "crm", stdout=StringIO())

    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/schedule/")
    assert (response.status_code, response.json()["error"]["code"]) == (
        401,
        "authentication_failed",
    )


def test_revoke_api_key_unknown_name_refused():
    with pytest.raises(CommandError, match="nobody"):
        call_command("revoke_api_key", "nobody", stdout=StringIO())
