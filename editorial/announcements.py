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

from articles.models import Article, ArticleAuthor

# Sent with: content (ids whose content changed in place), checked (those of them
# that are public and may now show differently in lists: a new picture), moved (ids that may
# have entered, left or moved in the public order, or changed tags or authors),
# tags (ids of tags whose lists changed), authors (ids of authors whose lists
# changed: bylines added or removed), removed (something may have left the public
# order), everything (a load that does not say what it wrote), using.
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
    """The public places, tags and authors of these stored articles, read before a
    bulk update (pass the result to after_update)."""
    ids = list(ids)
    places = {}
    for chunk in batched(ids, 500, strict=False):
        rows = Article.objects.using(using).filter(pk__in=chunk)
        places.update((row[0], place(*row[1:])) for row in rows.values_list(*PLACE_FIELDS))
    return {"places": places, "tags": links(ids, using), "authors": bylines(ids, using)}


def links(ids: list[int], using: str) -> dict[int, set[int]]:
    """Each article's tag ids."""
    found: dict[int, set[int]] = {}
    for chunk in batched(ids, 500, strict=False):
        through = Article.tags.through.objects.using(using).filter(article_id__in=chunk)
        for article_id, tag_id in through.values_list("article_id", "tag_id"):
            found.setdefault(article_id, set()).add(tag_id)
    return found


def bylines(ids: list[int], using: str) -> dict[int, set[int]]:
    """Each article's author ids."""
    found: dict[int, set[int]] = {}
    for chunk in batched(ids, 500, strict=False):
        rows = ArticleAuthor.objects.using(using).filter(article_id__in=chunk)
        for article_id, author_id in rows.values_list("article_id", "author_id"):
            found.setdefault(article_id, set()).add(author_id)
    return found


def after_update(read: dict, created: Iterable[int] = (), using: str = DEFAULT_DB_ALIAS) -> None:
    """Announce what a bulk write changed: new articles, and the updated ones read
    by before_update, as moves where their place or tags changed, else as content;
    bylines added or removed, by the authors whose lists they change."""
    moved, content = set(created), set()
    old_places, old_tags, old_authors = read["places"], read["tags"], read["authors"]
    ids = list(old_places)
    for chunk in batched(ids, 500, strict=False):
        rows = Article.objects.using(using).filter(pk__in=chunk).values_list(*PLACE_FIELDS)
        for pk, *fields in rows:
            (moved if place(*fields) != old_places[pk] else content).add(pk)
    new_tags, new_authors = links(ids, using), bylines(ids, using)
    changed_tags, changed_authors = set(), set()
    for pk in ids:
        if (was := old_tags.get(pk, set())) != (now := new_tags.get(pk, set())):
            changed_tags |= was ^ now
            moved.add(pk)
        if (was := old_authors.get(pk, set())) != (now := new_authors.get(pk, set())):
            changed_authors |= was ^ now
            content.add(pk)
    bulk_change.send(
        Article,
        content=sorted(content),
        checked=sorted(content),
        moved=sorted(moved),
        tags=sorted(changed_tags),
        authors=sorted(changed_authors),
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
