"""One error format for every refusal, throttling per client, the schema and the docs."""

import os
import uuid

import pytest
from django.test import Client

from blocking.console.roles import SUPERVISOR_GROUP
from tests.integration.api.conftest import World, staff_user, verified_client

pytestmark = pytest.mark.django_db


def test_unknown_api_url_answers_json_404(api: Client):
    response = api.get("/api/v1/no-such-thing/")

    assert (response.status_code, response.json()) == (
        404,
        {
            "error": {
                "code": "not_found",
                "message": response.json()["error"]["message"],
                "fields": {},
            }
        },
    )


def test_unknown_object_answers_404(api: Client, world: World):
    response = api.get("/api/v1/subscribers/nobody/")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_nul_in_path_answers_404(api: Client, world: World):
    response = api.get("/api/v1/mailboxes/a%00b/")

    assert response.status_code == 404


def test_form_body_refused_415(api: Client, world: World):
    response = api.post("/api/v1/exemptions/", {"line_id": "x"})

    assert (response.status_code, response.json()["error"]["code"]) == (
        415,
        "unsupported_media_type",
    )


def test_malformed_json_refused(api: Client, world: World):
    response = api.post("/api/v1/exemptions/", "{", content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "parse_error")


def test_field_errors_named(api: Client, world: World):
    response = api.post(
        "/api/v1/exemptions/", {"line_id": "nope@eadsl"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["ends_at", "reason"]


def test_unknown_line_named(api: Client, world: World):
    body = {"line_id": "nope@eadsl", "reason": "x", "ends_at": "2099-01-01T00:00:00+09:00"}

    response = api.post("/api/v1/exemptions/", body, content_type="application/json")

    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["line_id"])


def test_bad_key_answers_401_with_bearer_challenge(world: World):
    response = Client(headers={"Authorization": "Bearer abc.def"}).get("/api/v1/lines/")

    assert (response.status_code, response.headers["WWW-Authenticate"]) == (
        401,
        'Bearer realm="api"',
    )


def test_throttled_per_client(api: Client, world: World, settings):
    settings.PORTAL_API_THROTTLE_RATE = "2/min"
    statuses = [api.get("/api/v1/schedule/").status_code for _ in range(3)]
    other = Client(headers={"Authorization": "Bearer x"})  # another client is not throttled

    response = api.get("/api/v1/schedule/")

    assert statuses == [200, 200, 429]
    assert (response.json()["error"]["code"], "Retry-After" in response.headers) == (
        "throttled",
        True,
    )
    assert other.get("/api/v1/schedule/").status_code == 401


def test_cursor_pages_through_all_rows(api: Client, world: World):
    first = api.get("/api/v1/schedule/", {"page_size": 3}).json()
    second = api.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 6


def test_schema_is_openapi_3(client: Client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/exemptions/{id}/extend/" in response.json()["paths"]


def test_docs_page_served_from_our_static_files_under_csp(client: Client):
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html
    assert "https://" not in html
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_docs_start_script_served_as_javascript(client: Client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/lines/", "/api/v1/exemptions/", "/api/v1/schedule/", "/api/v1/sync-changes/"],
)
def test_browsable_api_for_verified_staff(path: str, world: World):
    client = verified_client(staff_user("ken", SUPERVISOR_GROUP))

    response = client.get(path, headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


def test_throttle_counts_shared_in_redis(api: Client, world: World, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"api-test-{uuid.uuid4()}",
        }
    }
    settings.PORTAL_API_THROTTLE_RATE = "1/hour"

    statuses = [api.get("/api/v1/schedule/").status_code for _ in range(2)]

    assert statuses == [200, 429]


def test_throttle_in_redis_answers_retry_after_and_keeps_clients_apart(
    api: Client, world: World, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"api-test-{uuid.uuid4()}",
        }
    }
    settings.PORTAL_API_THROTTLE_RATE = "2/min"
    staff = verified_client(staff_user("ken", SUPERVISOR_GROUP))

    statuses = [api.get("/api/v1/schedule/").status_code for _ in range(3)]
    refused = api.get("/api/v1/schedule/")

    assert statuses == [200, 200, 429]
    # As DRF's SimpleRateThrottle says: the window's rest, shared by the requests left.
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "throttled"
    assert staff.get("/api/v1/schedule/").status_code == 200


def test_filter_with_a_wrong_value_still_refused(api: Client, world: World):
    response = api.get("/api/v1/exemptions/", {"state": "bogus"})

    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]


def test_throttle_lets_requests_through_while_redis_is_down(
    api: Client, world: World, settings, redis_down: None
):
    settings.PORTAL_API_THROTTLE_RATE = "1/hour"

    statuses = [api.get("/api/v1/schedule/").status_code for _ in range(2)]

    assert statuses == [200, 200]
