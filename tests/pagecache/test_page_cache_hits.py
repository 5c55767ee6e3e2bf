"""Page cache hits: served before Django (newsroom.wsgi), and fresh without a round
trip to Redis (pagecache.tracked_reads) yet never stale after a change elsewhere."""

import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from articles import shown
from newsroom.wsgi import application
from pagecache import caching, invalidation

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_TIMEOUT = 600


def wsgi(method: str, path: str, **headers) -> tuple[str, dict, bytes]:
    """A request through the deployed WSGI application, as gunicorn makes it."""
    environ = getattr(RequestFactory(), method)(path, headers=headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=dict(response_headers))

    # As Django's test client does: the test's own connection (and its transaction)
    # must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        body = b"".join(response)
        if hasattr(response, "close"):
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.fixture
def middleware_calls(monkeypatch):
    """How many requests reached Django's middleware (the page cache's comes first)."""
    calls = []
    real = caching.PageCacheMiddleware.__call__

    def counting(self, request):
        calls.append(request.path)
        return real(self, request)

    monkeypatch.setattr(caching.PageCacheMiddleware, "__call__", counting)
    return calls


def test_a_hit_is_served_before_django_with_the_full_stacks_headers(
    make_article, middleware_calls, django_assert_num_queries
):
    make_article(headline="Served early")
    status, missed, body = wsgi("get", "/")
    assert (status, missed["X-Page-Cache"], middleware_calls) == ("200 OK", "miss", ["/"])

    with django_assert_num_queries(0):
        status, hit, cached = wsgi("get", "/")
    assert (status, hit["X-Page-Cache"], middleware_calls) == ("200 OK", "hit", ["/"])
    assert cached == body and b"Served early" in body
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy", "X-Frame-Options", "Content-Type",
                 "ETag", "Last-Modified", "Cache-Control"):  # fmt: skip
        assert hit[name] == missed[name], name
    assert "Cookie" in hit["Vary"]
    assert hit["Content-Length"] == str(len(body))


def test_head_is_answered_early_without_a_body(make_article, middleware_calls):
    make_article()
    _, _, body = wsgi("get", "/")
    status, headers, empty = wsgi("head", "/")
    assert (status, empty, headers["Content-Length"]) == ("200 OK", b"", str(len(body)))
    assert len(middleware_calls) == 1


def test_what_the_early_path_leaves_to_django(make_article, middleware_calls):
    make_article()
    _, headers, _ = wsgi("get", "/")
    # A conditional request gets its 304 from Django; a session holder, staff pages.
    status, _, _ = wsgi("get", "/", if_none_match=headers["ETag"])
    assert status.startswith("304")
    wsgi("get", "/", cookie="sessionid=abc")
    wsgi("get", "/admin/")
    assert middleware_calls == ["/", "/", "/", "/admin/"]


def test_a_change_is_seen_on_the_early_path(make_article, middleware_calls):
    article = make_article(headline="Before the change")
    wsgi("get", article.get_absolute_url())
    article.headline = "After the change"
    article.save()
    _, headers, body = wsgi("get", article.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss" and b"After the change" in body


# Tracked reads: Redis -----------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        from tests.ci import skip_or_fail_in_ci

        skip_or_fail_in_ci(f"Redis is not reachable at {REDIS_URL}", "Redis")
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.redis_client.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_hits_read_this_processs_copies_without_a_round_trip(client, make_article, redis_cache):
    from django.core.cache import cache

    make_article(headline="Read once")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    tracked = cache._tracked
    tracked.client.mget = None  # any read from Redis now fails the request
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_change_made_by_another_process_is_never_served_stale(client, make_article, redis_cache):
    from django.core.cache import cache

    article = make_article(headline="Kept in this process")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"  # now a copy in this process
    key = cache.make_and_validate_key(invalidation.TOPIC_PREFIX + shown.article(article.pk))
    # Another process bumps the article's topic, as its save would after commit.
    subprocess.run(
        [sys.executable, "-c", "import redis, sys; redis.Redis.from_url(sys.argv[1])"
         ".set(sys.argv[2], 2**52)", REDIS_URL, key],
        check=True,
    )  # fmt: skip
    assert client.get(url)["X-Page-Cache"] == "miss"
