"""schemathesis against the API's own OpenAPI schema: no server error, every answer as documented.

The schema is loaded from the WSGI app at import (from_fixture breaks on pytest
9.2). Requests run in-process, on the test's database connection, so the data
the `world` fixture makes inside the test transaction is what the API sees.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from portal.wsgi import application
from tests.integration.api.conftest import World

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    database=None,
    # The same examples every run, so CI is repeatable; raise max_examples locally to explore.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, world: World, all_scopes_key: str):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {all_scopes_key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
