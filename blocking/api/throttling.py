"""Throttling per client: an API key by its name, a staff login by its user.

DRF's SimpleRateThrottle keeps each client's request times as one pickled list in the cache:
a read and a write per request, each carrying the whole list (up to the rate's count). With
Redis as the cache (production), the same sliding window runs in Redis instead: one script,
one round trip, a list that never travels. Other caches (tests' locmem) keep DRF's way.
"""

import logging
import weakref
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from blocking.api.authentication import request_client_id

logger = logging.getLogger(__name__)

# KEYS[1]: the client's request times, newest first. ARGV: now, window (s), allowed count.
# As SimpleRateThrottle.allow_request: drop the times that left the window, refuse when
# `allowed` remain, else record now. Answers {allowed 0/1, times in the window, and when
# refused the oldest}.
# Times travel as strings: Redis turns a Lua number in a reply into an integer.
_SLIDING_WINDOW = """
local key, now, window, allowed = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local oldest = redis.call('LINDEX', key, -1)
while oldest and tonumber(oldest) <= now - window do
  redis.call('RPOP', key)
  oldest = redis.call('LINDEX', key, -1)
end
local count = redis.call('LLEN', key)
if count >= allowed then
  return {0, count, oldest}
end
redis.call('LPUSH', key, ARGV[1])
redis.call('EXPIRE', key, window)
return {1, count + 1, false}
"""

# One client object and script per cache client: building a redis-py client costs more than
# the round trip (it copies its table of response callbacks).
_scripts: "weakref.WeakKeyDictionary[RedisCacheClient, Any]" = weakref.WeakKeyDictionary()


def _script(redis_cache: RedisCache) -> Any:
    backend = redis_cache._cache
    script = _scripts.get(backend)
    if script is None:
        script = backend.get_client(write=True).register_script(_SLIDING_WINDOW)
        _scripts[backend] = script
    return script


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"
    # Set when Redis answered: the requests in the window and its oldest time.
    _count: int | None = None
    _oldest: float | None = None

    def get_rate(self) -> str:
        # Read at request time, not import time, so the setting can change in tests.
        return str(settings.PORTAL_API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request_client_id(request)}

    def allow_request(self, request: Request, view: object) -> bool:
        backend = caches["default"]  # looked up per request, so tests' settings apply
        if self.rate is None or not isinstance(backend, RedisCache):
            return bool(super().allow_request(request, view))
        self.key = self.get_cache_key(request, view)
        self.now = self.timer()
        try:
            # Its own key: the list is not the pickled value DRF's way stores under `key`.
            allowed, count, oldest = _script(backend)(
                keys=[backend.make_and_validate_key(f"{self.key}:times")],
                args=[repr(self.now), self.duration, self.num_requests],
            )
        except Exception as error:
            # The throttle guards the backends from a runaway client; it must not take the
            # API down with Redis. Keys are still checked, and the outage is logged.
            logger.warning("API throttle unavailable: %s", error.__class__.__name__)
            return True
        self._count = int(count)
        self._oldest = None if oldest is None else float(oldest)
        return bool(allowed)

    def wait(self) -> float | None:
        if self._count is None:
            return super().wait()
        # SimpleRateThrottle.wait() with the window's count and oldest time from Redis.
        if self._count and self._oldest is not None:
            remaining_duration = self.duration - (self.now - self._oldest)
        else:
            remaining_duration = self.duration
        available_requests = self.num_requests - self._count + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)
