"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's backend makes a new `redis.Redis` for every cache operation, and redis-py builds
its table of ~170 response callbacks in each one: about as much time as the round trip to
Redis itself. Sessions (cached_db), the API throttle and the published cache make one or
two operations on most requests, so the client is kept. A `redis.Redis` is safe to share
between threads: connections come from its pool, per command.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
