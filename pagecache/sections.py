"""Sections: the tags editors show in the site's header, in their order.

Every page's header lists them, so they are read from the cache, not the
database: one query fills the entry. The entry is filed under the `sections`
surrogate key like a page (pagecache.stamps): it holds the clock read before its
rows, so an entry refilled from the old rows while a change commits is older than
the change's purge and is never read again.
"""

import logging

from django.core.cache import cache

from articles.models import Tag
from pagecache import keys, stamps

logger = logging.getLogger(__name__)

CACHE_KEY = "sections:v2"
CACHE_TIMEOUT = 600  # purged on every change anyway


def sections() -> list[dict]:
    """The sections as [{"id", "name", "slug", "url"}], in the editors' order."""
    try:
        found = cache.get(CACHE_KEY)
        if found is not None and stamps.is_fresh(found[0], [keys.SECTIONS]):
            return found[1]
        read_at = stamps.clock()
    except Exception:
        logger.warning("Sections read from the database: the cache is unavailable", exc_info=True)
        return read_sections()
    found = read_sections()
    try:
        stamps.remember([keys.SECTIONS], read_at)
        cache.set(CACHE_KEY, (read_at, found), timeout=CACHE_TIMEOUT)
    except Exception:
        logger.warning("Sections not cached: the cache is unavailable", exc_info=True)
    return found


def read_sections() -> list[dict]:
    tags = Tag.objects.filter(is_section=True).order_by("section_order", "name")
    return [
        {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": tag.get_absolute_url()}
        for tag in tags.only("name", "slug")
    ]
