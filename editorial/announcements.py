"""What editorial announces after a bulk write: which articles changed, and how.

A change made through a model's save() is announced by Django's own model signals.
Bulk writers (imports, backfills, re-sanitizing, tag merges) write with queryset
updates and COPY, which send none, so they announce here what they wrote; the page
cache (pagecache.announcements) listens and evicts what the change shows on.

`bulk_change` is sent inside the writer's transaction; a listener that acts only
once the data is committed defers itself (as the page cache does).
"""

from collections.abc import Iterable
from itertools import batched

from django.db import DEFAULT_DB_ALIAS
from django.dispatch import Signal

from articles.models import Article

# Sent with: content (ids whose content changed in place), checked (those of them
# that are public and may now show differently in lists: a new picture), moved (ids that may
# have entered, left or moved in the public order, or changed tags or authors),
# tags (ids of tags whose lists changed), removed (something may have left the
# public order), everything (a load that does not say what it wrote), using.
bulk_change = Signal()


def articles_changed(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """The content of these articles changed (not their place or tags)."""
    ids = list(ids)
    bulk_change.send(
        Article, content=ids, checked=[], moved=[], tags=[], removed=False, using=using
    )


def articles_moved(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """These articles may have entered, left or moved in the public order, or
    changed their tags or authors."""
    ids = list(ids)
    bulk_change.send(Article, content=[], checked=[], moved=ids, tags=[], removed=True, using=using)


def everything_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Anything may have changed: for bulk loads that do not say what they wrote."""
    bulk_change.send(
        Article,
        content=[],
        checked=[],
        moved=[],
        tags=[],
        removed=True,
        everything=True,
        using=using,
    )


# Bulk writes that know what they read ---------------------------------------------


def before_update(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> dict:
    """The public places and tags of these stored articles, read before a bulk
    update (pass the result to after_update)."""
    ids = list(ids)
    places, tags = {}, {}
    for chunk in batched(ids, 500, strict=False):
        rows = Article.objects.using(using).filter(pk__in=chunk)
        places.update((row[0], place(*row[1:])) for row in rows.values_list(*PLACE_FIELDS))
        through = Article.tags.through.objects.using(using).filter(article_id__in=chunk)
        for article_id, tag_id in through.values_list("article_id", "tag_id"):
            tags.setdefault(article_id, set()).add(tag_id)
    return {"places": places, "tags": tags}


def after_update(read: dict, created: Iterable[int] = (), using: str = DEFAULT_DB_ALIAS) -> None:
    """Announce what a bulk write changed: new articles, and the updated ones read
    by before_update, as moves where their place or tags changed, else as content."""
    moved, content = set(created), set()
    old_places, old_tags = read["places"], read["tags"]
    new_tags: dict[int, set[int]] = {}
    ids = list(old_places)
    changed_tags = set()
    for chunk in batched(ids, 500, strict=False):
        rows = Article.objects.using(using).filter(pk__in=chunk).values_list(*PLACE_FIELDS)
        for pk, *fields in rows:
            (moved if place(*fields) != old_places[pk] else content).add(pk)
        through = Article.tags.through.objects.using(using).filter(article_id__in=chunk)
        for article_id, tag_id in through.values_list("article_id", "tag_id"):
            new_tags.setdefault(article_id, set()).add(tag_id)
    for pk in ids:
        if (was := old_tags.get(pk, set())) != (now := new_tags.get(pk, set())):
            changed_tags |= was ^ now
            moved.add(pk)
    bulk_change.send(
        Article,
        content=sorted(content),
        checked=sorted(content),
        moved=sorted(moved),
        tags=sorted(changed_tags),
        removed=any(old_places.get(pk) is not None for pk in moved),
        using=using,
    )


PLACE_FIELDS = ("pk", "status", "published_at", "trashed_at")


def place(status, published_at, trashed_at):
    """Where an article stands in the public order, None if not in it. A scheduled
    article counts by its time: the page cache caps entries at the next one."""
    if status != "published" or trashed_at is not None:
        return None
    return published_at
