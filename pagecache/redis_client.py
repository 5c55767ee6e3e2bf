"""Django's Redis cache backend, with one redis-py client per connection pool, and
reads kept in the process while Redis says they are current.

Django builds a new `redis.Redis` for every cache call, and each one sets up about
170 response callbacks: on a page-cache hit that cost more CPU than the hit's own
work. A client is thread-safe (it takes a connection from the pool per
command), so one per pool serves every call.

Django documents no hook for this: get_client(), _get_connection_pool(), _client,
_servers, _serializer and RedisCache._class are its own, so
tests/newsroom/test_django_private_hooks.py holds them to the Django minor this was written
against.

`get_many_tracked()` answers from copies this process keeps, tracked by Redis
(pagecache.tracked_reads): the page cache reads its pages and their topics so.
"""

from django.core.cache.backends import redis

from pagecache.tracked_reads import TrackedReads


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
        self._tracked = None

    def tracked_keys(self, keys, version=None) -> list[bytes]:
        """The keys as tracked_values() takes them: made once, read on every hit.
        Not validated, unlike get_many()'s: the page cache's own keys."""
        return [self.make_key(key, version=version).encode() for key in keys]

    def tracked_values(self, keys: list[bytes], drain: bool = True) -> list:
        """The values of keys from tracked_keys(), in order, MISSING where absent."""
        return self._tracked_reads().values(keys, drain)

    def get_many_tracked(self, keys, version=None):
        """get_many(), from this process's tracked copies where it has them."""
        # Not validated, unlike get_many(): the page cache's own keys, a hundred a hit.
        names = {self.make_key(key, version=version): key for key in keys}
        found = self._tracked_reads().get_many(list(names))
        return {names[name]: value for name, value in found.items()}

    def _tracked_reads(self) -> TrackedReads:
        if self._tracked is None:
            client = self._cache
            url = client._servers[0]  # the primary: where every write lands

            def connect():
                return client._client.from_url(url, protocol=3, single_connection_client=True)

            self._tracked = TrackedReads(connect, client._serializer.loads)
        return self._tracked
