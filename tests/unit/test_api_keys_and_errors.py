"""Pure parts of the admin API: scope parsing, the error body, ETags."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.api_keys import SCOPES, api_key_hash, api_key_scopes_parse
from blocking.api.errors import _validation_body
from blocking.api.etags import exemption_etag
from blocking.models import Exemption, ExemptionState

JST = ZoneInfo("Asia/Tokyo")


def test_scopes_parse_strips_spaces():
    assert api_key_scopes_parse(text=" read , sync:write,") == ["read", "sync:write"]


def test_scopes_parse_unknown_refused_with_the_list():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        api_key_scopes_parse(text="read,admin")

    assert raised.value.message_dict == {
        "scopes": [f"Unknown scope admin; the scopes are: {', '.join(SCOPES)}."]
    }


def test_scopes_parse_empty_refused():
    with pytest.raises(ValidationError):
        api_key_scopes_parse(text=" , ")


def test_api_key_hash_is_sha256_hex():
    assert api_key_hash(raw_key="abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_validation_body_flattens_nested_fields():
    body = _validation_body(
        {"non_field_errors": ["Line busy."], "auth_methods": {"0": ["Not a method."]}}
    )

    assert body == {
        "error": {
            "code": "invalid",
            "message": "Line busy.",
            "fields": {"auth_methods.0": ["Not a method."]},
        }
    }


def test_validation_body_plain_message():
    assert _validation_body(["Already revoked."])["error"] == {
        "code": "invalid",
        "message": "Already revoked.",
        "fields": {},
    }


def _exemption(**changes: object) -> Exemption:
    values = {
        "pk": 7,
        "state": ExemptionState.ACTIVE,
        "starts_at": datetime(2006, 6, 1, tzinfo=JST),
        "ends_at": datetime(2006, 9, 1, tzinfo=JST),
        **changes,
    }
    return Exemption(**values)


def test_etag_changes_with_end():
    assert exemption_etag(_exemption()) != exemption_etag(
        _exemption(ends_at=datetime(2006, 9, 2, tzinfo=JST))
    )


def test_etag_stable_for_same_state():
    assert exemption_etag(_exemption()) == exemption_etag(_exemption())
