"""Two uses of Django parts that are not documented hooks, held to the Django
minor they were written against. When Django is upgraded these fail first: read the
new source, check the override still means what it did, then update the version
and the signatures here.

- reader.sitemaps.ArticleSitemap.paginator: pages by ranges of ids, so no page
  counts or skips the archive. Django's sitemap view reads Sitemap.paginator.
- pagecache.stamps runs its Lua scripts through the Redis cache's own client,
  `cache._cache.get_client(write=True)`, on keys made by make_and_validate_key(), and
  reads back the integers the scripts write, which Django's serializer stores bare.
"""

import inspect

import django
import pytest
from django.contrib.sitemaps import Sitemap
from django.core.cache.backends import redis
from django.urls import reverse

WRITTEN_FOR = (6, 1)


def test_django_is_the_minor_these_overrides_were_written_for():
    assert django.VERSION[:2] == WRITTEN_FOR


def test_sitemaps_still_page_through_sitemap_paginator():
    assert isinstance(inspect.getattr_static(Sitemap, "paginator"), property)
    assert "self.paginator.page(page)" in inspect.getsource(Sitemap._urls)


def test_the_redis_client_parts_the_stamps_rely_on_are_unchanged():
    client = redis.RedisCacheClient
    assert str(inspect.signature(client.get_client)) == "(self, key=None, *, write=False)"
    assert "return self._class(self._servers" in inspect.getsource(redis.RedisCache._cache.func)
    assert "if type(obj) is int" in inspect.getsource(redis.RedisSerializer.dumps)
    assert "return int(data)" in inspect.getsource(redis.RedisSerializer.loads)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sitemap", "sitemap_news"])
def test_our_sitemap_views_send_what_djangos_do(client, name):
    section = client.get(reverse("sitemap_section", kwargs={"section": "pages"}))
    ours = client.get(reverse(name))
    assert ours["X-Robots-Tag"] == section["X-Robots-Tag"] == "noindex, noodp, noarchive"
