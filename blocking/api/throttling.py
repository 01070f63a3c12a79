"""Throttling per client: an API key by its name, a staff login by its user."""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from blocking.api.authentication import request_client_id


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str:
        # Read at request time, not import time, so the setting can change in tests.
        return str(settings.PORTAL_API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request_client_id(request)}
