"""Django's Redis cache backend, with one redis-py client per connection pool.

Django builds a new `redis.Redis` for every cache call, and each one sets up about
170 response callbacks: on a page-cache hit that cost more CPU than the hit's own
work. A client is thread-safe (it takes a connection from the pool per
command), so one per pool serves every call.

Django documents no hook for this: get_client(), _get_connection_pool(), _client and
RedisCache._class are its own, so tests/test_django_private_hooks.py holds them to the
Django minor this was written against.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
