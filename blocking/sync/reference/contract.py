"""What each backend holds and accepts: resources, validation, versions. No I/O.

A resource is a document with a `version`. A PUT carries the full document; it is
applied only if its version is above the stored one, otherwise it is stale
(HTTP 409) and changes nothing. So a repeated or late PUT has no effect.
"""

import bisect
import ipaddress
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STAGES = ("mobile", "full")
AUTH_METHODS = ("pop-before-smtp", "smtp-auth-starttls", "smtp-auth-tls")
MAX_KEY_LENGTH = 254
MAX_BATCH = 5000
HISTORY_KEPT = 10


class Invalid(Exception):
    """The request body breaks the contract; `details` maps field to message."""

    def __init__(self, message: str, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.details = details or {}


def parse_time(value: Any, name: str, *, nullable: bool = False) -> datetime | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise Invalid("invalid field", {name: "an RFC 3339 date-time is required"})
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("invalid field", {name: "not an RFC 3339 date-time"}) from None
    if parsed.tzinfo is None:
        raise Invalid("invalid field", {name: "the date-time needs a time zone"})
    return parsed


def _bool(body: dict[str, Any], name: str) -> bool:
    if not isinstance(body.get(name), bool):
        raise Invalid("invalid field", {name: "true or false is required"})
    return bool(body[name])


def _int(body: dict[str, Any], name: str, low: int, high: int, *, nullable: bool = False) -> None:
    value = body.get(name)
    if value is None and nullable:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Invalid("invalid field", {name: f"an integer from {low} to {high} is required"})


def _methods(body: dict[str, Any], name: str, *, allow_empty: bool) -> None:
    value = body.get(name)
    if (
        not isinstance(value, list)
        or not all(m in AUTH_METHODS for m in value)
        or len(set(value)) != len(value)
        or (not value and not allow_empty)
    ):
        raise Invalid("invalid field", {name: f"a list of distinct values of {AUTH_METHODS}"})


def _only(body: dict[str, Any], fields: set[str]) -> None:
    unknown = set(body) - fields - {"version"}
    if unknown:
        raise Invalid("unknown fields", dict.fromkeys(sorted(unknown), "not part of the contract"))
    missing = fields - set(body)
    if missing:
        raise Invalid("missing fields", dict.fromkeys(sorted(missing), "required"))


def validate_exemption(body: dict[str, Any]) -> None:
    _only(body, {"exempt", "starts_at", "ends_at"})
    exempt = _bool(body, "exempt")
    start = parse_time(body["starts_at"], "starts_at", nullable=not exempt)
    end = parse_time(body["ends_at"], "ends_at", nullable=not exempt)
    if start and end and end <= start:
        raise Invalid("invalid field", {"ends_at": "must be after starts_at"})


def validate_schedule(body: dict[str, Any]) -> None:
    _only(body, {"phases"})
    phases = body["phases"]
    if not isinstance(phases, list):
        raise Invalid("invalid field", {"phases": "a list is required"})
    seen = set()
    for i, phase in enumerate(phases):
        if not isinstance(phase, dict) or set(phase) != {"stage", "effective_at"}:
            raise Invalid("invalid field", {f"phases[{i}]": "{stage, effective_at} is required"})
        if phase["stage"] not in STAGES or phase["stage"] in seen:
            raise Invalid("invalid field", {f"phases[{i}].stage": f"one of {STAGES}, once each"})
        seen.add(phase["stage"])
        parse_time(phase["effective_at"], f"phases[{i}].effective_at")


def validate_destination_list(body: dict[str, Any]) -> None:
    _only(body, {"name", "domains", "networks"})
    if not isinstance(body["name"], str):
        raise Invalid("invalid field", {"name": "a string is required"})
    domains, networks = body["domains"], body["networks"]
    if not isinstance(domains, list) or not all(
        isinstance(d, dict)
        and set(d) == {"domain", "include_subdomains"}
        and isinstance(d["domain"], str)
        and 0 < len(d["domain"]) <= 253
        and isinstance(d["include_subdomains"], bool)
        for d in domains
    ):
        raise Invalid("invalid field", {"domains": "a list of {domain, include_subdomains}"})
    if not isinstance(networks, list):
        raise Invalid("invalid field", {"networks": "a list of CIDR networks"})
    for i, network in enumerate(networks):
        try:
            ipaddress.ip_network(network, strict=True)
        except (ValueError, TypeError):
            raise Invalid("invalid field", {f"networks[{i}]": "not a CIDR network"}) from None


def validate_submission_service(body: dict[str, Any]) -> None:
    _only(
        body,
        {
            "host",
            "port",
            "implicit_tls_port",
            "starts_at",
            "auth_methods",
            "pop_before_smtp_window_minutes",
        },
    )
    if not isinstance(body["host"], str) or not body["host"]:
        raise Invalid("invalid field", {"host": "a host name is required"})
    _int(body, "port", 1, 65535)
    _int(body, "implicit_tls_port", 1, 65535, nullable=True)
    parse_time(body["starts_at"], "starts_at")
    _methods(body, "auth_methods", allow_empty=False)
    _int(body, "pop_before_smtp_window_minutes", 1, 120)


def validate_mailbox(body: dict[str, Any]) -> None:
    _only(body, {"enabled", "auth_methods"})
    _bool(body, "enabled")
    _methods(body, "auth_methods", allow_empty=True)


@dataclass
class Collection:
    """Documents of one kind, by key, with the versions each one was written at."""

    name: str
    key_fields: tuple[str, ...]  # how an item names itself in a listing
    validate: Callable[[dict[str, Any]], None]
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: dict[str, list[int]] = field(default_factory=dict)
    _sorted: list[str] | None = None

    def item(self, key: str) -> dict[str, Any]:
        if not self.key_fields:
            return dict(self.documents[key])
        values = key.split("/", len(self.key_fields) - 1)
        return {**dict(zip(self.key_fields, values, strict=True)), **self.documents[key]}

    def keys_after(self, after: str, limit: int) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.documents)
        start = bisect.bisect_right(self._sorted, after) if after else 0
        return self._sorted[start : start + limit]


class Stale(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(f"version {current} or newer is already applied")
        self.current = current


def version_of(body: Any) -> int:
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Invalid("invalid field", {"version": "a positive integer is required"})
    return int(version)


class Store:
    """The state of one backend; every method is safe to call from many threads."""

    def __init__(self, collections: dict[str, Collection]) -> None:
        self.collections = collections
        self.lock = threading.Lock()
        self.changed = threading.Event()
        self.stats: dict[str, int] = {"applied": 0, "stale": 0, "invalid": 0}

    def put(self, collection: str, key: str, body: Any) -> dict[str, Any]:
        """Apply a full document if its version is newer; raises Stale or Invalid."""
        target = self.collections[collection]
        version = version_of(body)
        if not key or len(key) > MAX_KEY_LENGTH:
            raise Invalid("invalid key", {"key": f"1 to {MAX_KEY_LENGTH} characters"})
        try:
            target.validate(body)
        except Invalid:
            self.stats["invalid"] += 1
            raise
        document = {"version": version, **{k: v for k, v in body.items() if k != "version"}}
        with self.lock:
            current = target.documents.get(key)
            if current is not None and current["version"] >= version:
                self.stats["stale"] += 1
                raise Stale(current["version"])
            if current is None:
                target._sorted = None
            target.documents[key] = document
            history = target.history.setdefault(key, [])
            history.append(version)
            del history[:-HISTORY_KEPT]
            self.stats["applied"] += 1
        self.changed.set()
        return document

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        target = self.collections[collection]
        with self.lock:
            return target.item(key) if key in target.documents else None

    def page(
        self, collection: str, after: str, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        target = self.collections[collection]
        with self.lock:
            keys = target.keys_after(after, limit + 1)
            items = [target.item(k) for k in keys[:limit]]
        return items, (keys[limit - 1] if len(keys) > limit else None)

    def reset(self) -> None:
        with self.lock:
            for target in self.collections.values():
                target.documents.clear()
                target.history.clear()
                target._sorted = None
        self.changed.set()

    def dump(self) -> dict[str, Any]:
        with self.lock:
            return {name: dict(c.documents) for name, c in self.collections.items()}

    def load(self, state: dict[str, Any]) -> None:
        with self.lock:
            for name, documents in state.items():
                if name in self.collections:
                    self.collections[name].documents.update(documents)
                    self.collections[name]._sorted = None

    def iter_counts(self) -> Iterator[tuple[str, int]]:
        with self.lock:
            for name, target in self.collections.items():
                yield name, len(target.documents)


def network_store() -> Store:
    return Store(
        {
            "exemptions": Collection("exemptions", ("line_id",), validate_exemption),
            "schedules": Collection("schedules", ("service", "line_group"), validate_schedule),
            "destination-lists": Collection(
                "destination-lists", ("slug",), validate_destination_list
            ),
        }
    )


def mail_store() -> Store:
    return Store(
        {
            "submission-service": Collection("submission-service", (), validate_submission_service),
            "mailboxes": Collection("mailboxes", ("address",), validate_mailbox),
        }
    )


# What people and the portal read beside the stored document.


def stage_now(phases: list[dict[str, Any]], now: datetime) -> str:
    """The strongest stage among the phases that have begun (the network enforces it)."""
    begun = [p["stage"] for p in phases if (parse_time(p["effective_at"], "") or now) <= now]
    return max(begun, key=STAGES.index, default="open")


def exemption_in_force(document: dict[str, Any], now: datetime) -> bool:
    if not document.get("exempt"):
        return False
    start = parse_time(document["starts_at"], "starts_at")
    end = parse_time(document["ends_at"], "ends_at")
    return bool(start and end and start <= now < end)


def utc_now() -> datetime:
    return datetime.now(UTC)
