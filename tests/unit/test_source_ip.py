"""The client address for the audit trail, lockouts and "our network" detection."""

from django.test import RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.audit import request_source_ip


def _request(**meta: str) -> object:
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **meta)


def test_source_ip_direct_ignores_forwarded_header(settings: SettingsWrapper) -> None:
    settings.PORTAL_BEHIND_PROXY = False
    request = _request(HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert request_source_ip(request) == "10.0.0.5"  # type: ignore[arg-type]


def test_source_ip_behind_proxy_takes_last_hop(settings: SettingsWrapper) -> None:
    settings.PORTAL_BEHIND_PROXY = True
    request = _request(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert request_source_ip(request) == "203.0.113.9"  # type: ignore[arg-type]


def test_source_ip_behind_proxy_without_header(settings: SettingsWrapper) -> None:
    settings.PORTAL_BEHIND_PROXY = True
    assert request_source_ip(_request()) == "10.0.0.5"  # type: ignore[arg-type]
