"""Sections: the tags editors show in the site's header, in their order.

Every page's header lists them, so they are read from the cache, not the
database: one query fills the entry, and any change to a tag (saved, deleted,
merged) drops it, now and again when the change commits (a reader could refill it
from the old rows in between).
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save

from articles import shown
from articles.models import Tag

logger = logging.getLogger(__name__)

CACHE_KEY = "sections:v1"
# Dropped on every change anyway; the timeout only bounds what a lost delete costs.
CACHE_TIMEOUT = 600


def sections() -> list[dict]:
    """The sections as [{"id", "name", "slug", "url"}], in the editors' order."""
    shown.shows(shown.SECTIONS)
    try:
        found = cache.get(CACHE_KEY)
    except Exception:
        found = None  # the cache is down: readers still get the header, from the database
    if found is None:
        found = read_sections()
        try:
            cache.set(CACHE_KEY, found, timeout=CACHE_TIMEOUT)
        except Exception:
            logger.warning("Sections not cached: the cache is unavailable", exc_info=True)
    return found


def read_sections() -> list[dict]:
    tags = Tag.objects.filter(is_section=True).order_by("section_order", "name")
    return [
        {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": tag.get_absolute_url()}
        for tag in tags.only("name", "slug")
    ]


def _delete() -> None:
    cache.delete(CACHE_KEY)


def forget_sections(using: str = DEFAULT_DB_ALIAS) -> None:
    _delete()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_delete, using=using, robust=True)


def _tag_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    forget_sections(using)


def connect_signals() -> None:
    post_save.connect(_tag_changed, sender=Tag, dispatch_uid="sections-save")
    post_delete.connect(_tag_changed, sender=Tag, dispatch_uid="sections-delete")
