from pagecache.redis_client import RedisCacheClient


def test_one_redis_client_serves_every_call():
    """Building a redis-py client per cache call cost a page-cache hit more than its
    own work; the client is thread-safe, so the backend keeps one per pool."""
    client = RedisCacheClient(["redis://127.0.0.1:6379/0"])
    first = client.get_client("a")
    assert client.get_client("b") is first
    assert client.get_client("c", write=True) is first  # a single server: one pool
