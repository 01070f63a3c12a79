"""The reference backends answer as docs/*-backend.openapi.yaml says: every status code
documented for the operation, every body valid against its schema."""

from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.integration.sync.conftest import ReferenceBackend

DOCS = Path(__file__).resolve().parents[3] / "docs"
pytestmark = pytest.mark.timeout(30)

EXEMPT = {"exempt": True, "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-07-01T00:00:00Z"}
SERVICE = {
    "host": "smtp.example.ne.jp",
    "port": 587,
    "implicit_tls_port": 465,
    "starts_at": "2006-06-14T15:00:00Z",
    "auth_methods": ["pop-before-smtp", "smtp-auth-starttls"],
    "pop_before_smtp_window_minutes": 10,
}


class Contract:
    def __init__(self, name: str) -> None:
        self.doc = yaml.safe_load((DOCS / f"{name}-backend.openapi.yaml").read_text())
        self.registry = Registry().with_resource("urn:doc", Resource.opaque(self.doc))

    def check(self, response: requests.Response, path: str, method: str) -> None:
        """The status is documented for the operation and the body matches its schema."""
        operation = self.doc["paths"][path][method]
        documented = operation["responses"]
        status = str(response.status_code)
        key = status if status in documented else f"{status[0]}XX"
        assert key in documented, f"{method.upper()} {path}: {status} is not documented"
        found = documented[key]
        if "$ref" in found:
            found = self.doc["components"]["responses"][found["$ref"].rsplit("/", 1)[1]]
        pointer = f"urn:doc#/paths/{path.replace('/', '~1')}/{method}/responses/{key}"
        if "$ref" in documented[key]:
            pointer = "urn:doc#" + documented[key]["$ref"][1:]
        pointer += "/content/application~1json/schema"
        if "content" in found:
            validator = Draft202012Validator({"$ref": pointer}, registry=self.registry)
            errors = [e.message for e in validator.iter_errors(response.json())]
            assert errors == [], f"{method.upper()} {path} {status}: {errors}"


def call(backend: ReferenceBackend, method: str, path: str, body: Any = None, token: bool = True):
    headers = {"Authorization": f"Bearer {backend.token}"} if token else {}
    return requests.request(method, backend.url + path, json=body, headers=headers, timeout=5)


@pytest.fixture
def network(backends):
    backends["network"].reset()
    return backends["network"]


@pytest.fixture
def mail(backends):
    backends["mail"].reset()
    return backends["mail"]


def test_network_backend_follows_its_contract(network):
    contract = Contract("network")
    exemption = "/v1/lines/{line_id}/exemption"
    schedule = "/v1/schedules/{service}/{line_group}"
    listing = "/v1/destination-lists/{slug}"
    phases = [{"stage": "mobile", "effective_at": "2006-05-31T15:00:00Z"}]
    steps = [
        ("put", exemption, "/v1/lines/taro@eadsl/exemption", {"version": 2, **EXEMPT}, 200),
        ("put", exemption, "/v1/lines/taro@eadsl/exemption", {"version": 2, **EXEMPT}, 409),
        ("put", exemption, "/v1/lines/taro@eadsl/exemption", {"version": 3, "exempt": 1}, 400),
        ("get", exemption, "/v1/lines/taro@eadsl/exemption", None, 200),
        ("get", exemption, "/v1/lines/nobody@eadsl/exemption", None, 404),
        ("get", "/v1/exemptions", "/v1/exemptions?limit=1", None, 200),
        (
            "post",
            "/v1/exemptions:batch",
            "/v1/exemptions:batch",
            {"items": [{"line_id": "a@eadsl", "version": 1, **EXEMPT}, {"version": 1}]},
            200,
        ),
        ("put", schedule, "/v1/schedules/eadsl/eadsl-1", {"version": 1, "phases": phases}, 200),
        ("get", schedule, "/v1/schedules/eadsl/eadsl-1", None, 200),
        ("get", "/v1/schedules", "/v1/schedules", None, 200),
        (
            "put",
            listing,
            "/v1/destination-lists/mobile-carriers",
            {"version": 1, "name": "Mobile", "domains": [], "networks": ["192.0.2.0/26"]},
            200,
        ),
        ("get", listing, "/v1/destination-lists/mobile-carriers", None, 200),
        ("get", "/v1/destination-lists", "/v1/destination-lists", None, 200),
        ("get", "/healthz", "/healthz", None, 200),
    ]
    for method, template, path, body, status in steps:
        response = call(network, method, path, body)
        assert response.status_code == status, (method, path, response.text)
        contract.check(response, template, method)
    unauthorised = call(network, "get", "/v1/schedules", token=False)
    assert unauthorised.status_code == 401
    contract.check(unauthorised, "/v1/schedules", "get")


def test_mail_backend_follows_its_contract(mail):
    contract = Contract("mail")
    mailbox = "/v1/mailboxes/{address}/submission"
    access = {"enabled": False, "auth_methods": []}
    steps = [
        ("put", "/v1/submission-service", "/v1/submission-service", {"version": 1, **SERVICE}, 200),
        ("put", "/v1/submission-service", "/v1/submission-service", {"version": 1, **SERVICE}, 409),
        ("get", "/v1/submission-service", "/v1/submission-service", None, 200),
        (
            "put",
            mailbox,
            "/v1/mailboxes/taro@example.ne.jp/submission",
            {"version": 5, **access},
            200,
        ),
        ("put", mailbox, "/v1/mailboxes/taro@example.ne.jp/submission", {"version": 6}, 400),
        ("get", mailbox, "/v1/mailboxes/taro@example.ne.jp/submission", None, 200),
        ("get", mailbox, "/v1/mailboxes/nobody@example.ne.jp/submission", None, 404),
        (
            "post",
            "/v1/mailboxes:batch",
            "/v1/mailboxes:batch",
            {
                "items": [
                    {"address": "taro@example.ne.jp", "version": 4, **access},
                    {"address": "jiro@example.ne.jp", "version": 4, **access},
                ]
            },
            200,
        ),
        ("post", "/v1/mailboxes:batch", "/v1/mailboxes:batch", {"items": []}, 400),
        ("get", "/v1/mailboxes", "/v1/mailboxes?limit=1", None, 200),
    ]
    for method, template, path, body, status in steps:
        response = call(mail, method, path, body)
        assert response.status_code == status, (method, path, response.text)
        contract.check(response, template, method)
    batch = call(mail, "post", "/v1/mailboxes:batch", steps[7][3]).json()["results"]
    assert [r["outcome"] for r in batch] == ["stale", "stale"]


def test_faults_answer_with_the_documented_error_body(network):
    contract = Contract("network")
    network.faults(rate_limit_rate=1, retry_after=7)
    limited = call(network, "get", "/v1/schedules")
    network.faults(rate_limit_rate=0, error_rate=1, error_status=503)
    failing = call(network, "get", "/v1/schedules")
    network.reset()

    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert failing.status_code == 503
    contract.check(limited, "/v1/schedules", "get")
    contract.check(failing, "/v1/schedules", "get")
