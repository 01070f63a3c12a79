"""The reference backends' contract: versions, validation, listing. No I/O."""

from datetime import UTC, datetime

import pytest

from blocking.sync.reference.contract import (
    Invalid,
    Stale,
    exemption_in_force,
    mail_store,
    network_store,
    stage_now,
)

EXEMPT = {"exempt": True, "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-07-01T00:00:00Z"}


def test_put_newer_version_replaces_document():
    store = network_store()
    store.put("exemptions", "taro@eadsl", {"version": 1, **EXEMPT})
    store.put(
        "exemptions",
        "taro@eadsl",
        {"version": 2, "exempt": False, "starts_at": None, "ends_at": None},
    )
    assert store.get("exemptions", "taro@eadsl") == {
        "line_id": "taro@eadsl",
        "version": 2,
        "exempt": False,
        "starts_at": None,
        "ends_at": None,
    }


@pytest.mark.parametrize("version", [1, 2])
def test_put_same_or_older_version_is_stale_and_changes_nothing(version):
    store = network_store()
    store.put("exemptions", "taro@eadsl", {"version": 2, **EXEMPT})
    with pytest.raises(Stale) as stale:
        store.put(
            "exemptions",
            "taro@eadsl",
            {"version": version, "exempt": False, "starts_at": None, "ends_at": None},
        )
    assert stale.value.current == 2
    assert store.get("exemptions", "taro@eadsl")["exempt"] is True
    assert store.collections["exemptions"].history["taro@eadsl"] == [2]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exempt": True, "starts_at": None, "ends_at": None}, "starts_at"),
        (
            {
                "exempt": True,
                "starts_at": "2026-07-01T00:00:00Z",
                "ends_at": "2026-06-01T00:00:00Z",
            },
            "ends_at",
        ),
        ({"exempt": "yes", "starts_at": None, "ends_at": None}, "exempt"),
        ({**EXEMPT, "colour": "red"}, "colour"),
        ({"exempt": False, "starts_at": None}, "ends_at"),
    ],
)
def test_put_invalid_exemption_names_the_field(body, field):
    with pytest.raises(Invalid) as invalid:
        network_store().put("exemptions", "taro@eadsl", {"version": 1, **body})
    assert list(invalid.value.details) == [field]


@pytest.mark.parametrize("version", [0, -1, "3", None, True])
def test_put_without_positive_integer_version_is_invalid(version):
    with pytest.raises(Invalid) as invalid:
        network_store().put("exemptions", "taro@eadsl", {"version": version, **EXEMPT})
    assert list(invalid.value.details) == ["version"]


def test_schedule_refuses_unknown_stage_and_repeated_stage():
    store = network_store()
    phase = {"stage": "mobile", "effective_at": "2006-05-31T15:00:00Z"}
    with pytest.raises(Invalid):
        store.put("schedules", "eadsl/eadsl-1", {"version": 1, "phases": [phase, phase]})
    with pytest.raises(Invalid):
        store.put(
            "schedules",
            "eadsl/eadsl-1",
            {"version": 1, "phases": [{"stage": "open", "effective_at": "2006-05-31T15:00:00Z"}]},
        )


def test_mailbox_refuses_unknown_auth_method():
    with pytest.raises(Invalid) as invalid:
        mail_store().put(
            "mailboxes",
            "a@example.ne.jp",
            {"version": 1, "enabled": True, "auth_methods": ["cram-md5"]},
        )
    assert list(invalid.value.details) == ["auth_methods"]


def test_page_lists_in_key_order_with_next_cursor():
    store = mail_store()
    for address in ["c@example.ne.jp", "a@example.ne.jp", "b@example.ne.jp"]:
        store.put("mailboxes", address, {"version": 1, "enabled": True, "auth_methods": []})
    first, after = store.page("mailboxes", "", 2)
    second, end = store.page("mailboxes", after or "", 2)
    assert [i["address"] for i in first] == ["a@example.ne.jp", "b@example.ne.jp"]
    assert ([i["address"] for i in second], end) == (["c@example.ne.jp"], None)


def test_stage_now_is_strongest_begun_phase():
    phases = [
        {"stage": "mobile", "effective_at": "2006-05-31T15:00:00Z"},
        {"stage": "full", "effective_at": "2006-09-30T15:00:00Z"},
    ]
    assert [
        stage_now(phases, datetime(2006, 5, 31, 14, 59, tzinfo=UTC)),
        stage_now(phases, datetime(2006, 5, 31, 15, 0, tzinfo=UTC)),
        stage_now(phases, datetime(2006, 10, 1, tzinfo=UTC)),
    ] == ["open", "mobile", "full"]


def test_exemption_in_force_only_inside_its_window():
    assert [
        exemption_in_force(EXEMPT, datetime(2026, 5, 31, tzinfo=UTC)),
        exemption_in_force(EXEMPT, datetime(2026, 6, 1, tzinfo=UTC)),
        exemption_in_force(EXEMPT, datetime(2026, 7, 1, tzinfo=UTC)),
    ] == [False, True, False]
