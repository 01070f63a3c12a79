"""Fixtures of the public pages' tests."""

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _login_url(settings: Settings) -> None:
    """A literal login path, so these tests don't depend on how the login page is routed."""
    settings.LOGIN_URL = "/login/"
