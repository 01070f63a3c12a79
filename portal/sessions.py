"""Sessions in PostgreSQL, read through the cache, and still there when Redis is not.

Django's `cached_db` store reads a session from the cache and falls back to the database
on a miss, but an unreachable cache makes logging in, reading a session after a miss and
logging out fail. Every session is in PostgreSQL anyway, so here a cache that cannot be
reached is simply a miss: pages go on, one query slower, and the error is logged.
"""

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)


class _MissingWhenDown:
    """The session cache, with every failed operation turned into a miss."""

    def __init__(self, cache: BaseCache) -> None:
        self._cache = cache

    def _failed(self, operation: str, error: Exception) -> None:
        logger.warning("session cache %s failed: %s", operation, error.__class__.__name__)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._cache.get(key, default)
        except Exception as error:
            self._failed("get", error)
            return default

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception as error:
            self._failed("set", error)

    def delete(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception as error:
            # A copy left in a cache that comes back would outlive its logout: say so loudly.
            logger.error("session cache delete failed: %s", error.__class__.__name__)

    def __contains__(self, key: str) -> bool:
        try:
            return key in self._cache
        except Exception as error:
            self._failed("has_key", error)
            return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)  # the async methods, used by no WSGI request


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _MissingWhenDown(self._cache)  # type: ignore[assignment]
