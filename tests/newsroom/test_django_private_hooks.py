"""Two overrides of Django parts that are not documented hooks, held to the Django
minor they were written against. When Django is upgraded these fail first: read the
new source, check the override still means what it did, then update the version
and the signatures here.

- reader.sitemaps.ArticleSitemap.paginator: pages by ranges of ids, so no page
  counts or skips the archive. Django's sitemap view reads Sitemap.paginator.
- pagecache.redis_client.RedisCacheClient: one redis-py client per connection pool, not one
  per cache call. It overrides RedisCacheClient.get_client() and reads
  _get_connection_pool() and _client; RedisCache builds its client from _class.
  Its tracked reads (pagecache.tracked_reads) connect to _servers[0] (where writes
  go) and decode with _serializer.loads, and pagecache.invalidation writes its script
  through get_client(write=True).
"""

import inspect

import django
import pytest
from django.contrib.sitemaps import Sitemap
from django.core.cache.backends import redis
from django.urls import reverse

from pagecache.redis_client import RedisCache, RedisCacheClient

WRITTEN_FOR = (6, 1)


def test_django_is_the_minor_these_overrides_were_written_for():
    assert django.VERSION[:2] == WRITTEN_FOR


def test_sitemaps_still_page_through_sitemap_paginator():
    assert isinstance(inspect.getattr_static(Sitemap, "paginator"), property)
    assert "self.paginator.page(page)" in inspect.getsource(Sitemap._urls)


def test_the_redis_client_parts_the_cache_relies_on_are_unchanged():
    client = redis.RedisCacheClient
    assert str(inspect.signature(client.get_client)) == "(self, key=None, *, write=False)"
    assert str(inspect.signature(client._get_connection_pool)) == "(self, write)"
    assert "self._client = self._lib.Redis" in inspect.getsource(client.__init__)
    # Every cache operation asks get_client() for its client.
    assert "self.get_client(key" in inspect.getsource(client.get)
    assert "self._class(self._servers" in inspect.getsource(redis.RedisCache)
    assert "self._servers = servers" in inspect.getsource(client.__init__)
    assert "self._serializer = " in inspect.getsource(client.__init__)
    assert "return 0" in inspect.getsource(client._get_connection_pool_index)  # writes: [0]
    assert RedisCache("redis://127.0.0.1:6379/0", {})._class is RedisCacheClient


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sitemap", "sitemap_news"])
def test_our_sitemap_views_send_what_djangos_do(client, name):
    section = client.get(reverse("sitemap_section", kwargs={"section": "pages"}))
    ours = client.get(reverse(name))
    assert ours["X-Robots-Tag"] == section["X-Robots-Tag"] == "noindex, noodp, noarchive"
