"""The API's SQL: every list, filter, count and link starts from
`Article.objects.published()`, the one visibility gate.

Each endpoint answers in a fixed number of queries whatever the archive's size:
a story is one query (its tags, authors, corrections and neighbours ride along
as JSON, as on the article page); a page of the list is one (two with a tag or
author filter, which is looked up first). Pages are keyset pages ("older than this
story"), so the thousandth page costs what the first does. The story and list
queries are compiled once per process (articles.compiled): building and compiling
a queryset costs Python more than PostgreSQL spends answering it.

Every row also carries two facts about the archive as a whole, read by the same
statement (the database computes each once): when the public content last
changed, for `Last-Modified`, and when the next scheduled story goes out, which no
cached answer may outlive (PRODUCT.md).
"""

from datetime import datetime

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, JSONObject

from articles.compiled import CompiledQuery, Param
from articles.models import Article, ArticleRedirect, Author, Removal, Tag
from articles.models.links import (
    Position,
    author_links_subquery,
    correction_links_subquery,
    tag_links_subquery,
)
from articles.search import ParsedQuery, matching

# What a list item shows; a story adds its body, corrections and neighbours.
LIST_FIELDS = (
    "slug", "headline", "standfirst", "summary", "byline", "published_at", "modified_at",
    "lead_image", "lead_image_url", "lead_image_alt", "lead_image_caption", "lead_image_credit",
    "lead_image_renditions",
)  # fmt: skip
STORY_FIELDS = (*LIST_FIELDS, "body", "source_name", "source_url")


def change_time():
    """When a published article last changed or went public (a scheduled story
    counts from its time): the change feed's order, indexed (article_published_changes)."""
    return Greatest("published_at", "changed_at")


def freshness(now) -> dict:
    """Uncorrelated subqueries for the archive's last change and next scheduled time."""
    # Bounded by `now` on the change index itself, so a scheduled story's future
    # time is skipped by the index rather than row by row.
    public = Article.objects.published(now).annotate(at=change_time()).filter(at__lte=now)
    scheduled = Article.objects.scheduled(now).filter(trashed_at__isnull=True)
    return {
        "last_published_change": Subquery(public.order_by("-at").values("at")[:1]),
        "last_removal": Subquery(Removal.objects.order_by("-removed_at").values("removed_at")[:1]),
        "next_scheduled": Subquery(scheduled.order_by("published_at").values("published_at")[:1]),
    }


def with_links(articles):
    # The tags with what tells a section: the pages' links carry no more than a name.
    tags = tag_links_subquery("is_section", "section_order")
    return articles.annotate(tag_links=tags, author_links=author_links_subquery())


def neighbour_link(articles, *order):
    """Id, slug, headline of the first of `articles` in `order`, as JSON."""
    first = articles.order_by(*order).values(
        link=JSONObject(id="id", slug="slug", headline="headline")
    )
    return Subquery(first[:1], output_field=models.JSONField())


def public_story():
    now = Param("now", models.DateTimeField())
    here = Position(OuterRef("published_at"), OuterRef("pk"))
    published = Article.objects.published(now)
    story = published.filter(slug=Param("slug", models.SlugField())).only(*STORY_FIELDS)
    return with_links(story).annotate(
        correction_links=correction_links_subquery(),
        previous_link=neighbour_link(published.older_than(here), "-published_at", "-pk"),
        next_link=neighbour_link(published.newer_than(here), "published_at", "pk"),
        **freshness(now),
    )


PUBLIC_STORY = CompiledQuery(Article, public_story)


def story(slug: str, now: datetime) -> Article | None:
    found = PUBLIC_STORY(slug=slug, now=now)
    return found[0] if found else None


def story_gone(slug: str) -> bool:
    return ArticleRedirect.gone(slug)


def story_redirect(slug: str) -> str | None:
    """The current slug of the published story that `slug` used to name."""
    old = ArticleRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published())
    return old.values_list("article__slug", flat=True).first()


# The list ------------------------------------------------------------------------


def newest_first(*, tag: bool, author: bool, after: bool, limit: int):
    """A page of the published list, with Params for what is given."""
    now = Param("now", models.DateTimeField())
    if tag:
        articles = Article.objects.published_with_tag(Param("tag", models.BigIntegerField()), now)
    else:
        articles = Article.objects.published(now).order_by("-published_at", "-pk")
    if author:
        articles = articles.filter(bylines__author=Param("author", models.BigIntegerField()))
    if after:
        position = Position(
            Param("before_at", models.DateTimeField()), Param("before_id", models.BigIntegerField())
        )
        articles = articles.older_than(position)
    return with_links(articles.only(*LIST_FIELDS)).annotate(**freshness(now))[:limit]


_list_queries: dict[tuple, CompiledQuery] = {}


def page(
    *, now, limit: int, tag=None, author=None, before=None, query: ParsedQuery | None = None
) -> list[Article]:
    """`limit` published stories, newest first, older than `before` (published_at, id)
    if given, with tag, author (ids) and search filters."""
    values = {"now": now}
    if tag is not None:
        values["tag"] = tag
    if author is not None:
        values["author"] = author
    if before is not None:
        values["before_at"], values["before_id"] = before
    if query is not None:
        # Search words vary too much to compile; the match is one indexed filter.
        return list(searched(query, limit=limit, **values))
    shape = {"tag": tag is not None, "author": author is not None, "after": before is not None}
    key = (*shape.values(), limit)
    if (compiled := _list_queries.get(key)) is None:
        compiled = _list_queries[key] = CompiledQuery(
            Article, lambda: newest_first(**shape, limit=limit)
        )
    return compiled(**values)


def searched(query, *, limit, now, tag=None, author=None, before_at=None, before_id=None):
    articles = matching(Article.objects.published(now), query)
    if tag is not None:
        articles = articles.filter(tags=tag)
    if author is not None:
        articles = articles.filter(bylines__author=author)
    if before_at is not None:
        articles = articles.older_than(Position(before_at, before_id))
    articles = articles.order_by("-published_at", "-pk").only(*LIST_FIELDS)
    return with_links(articles).annotate(**freshness(now))[:limit]


FRESHNESS = ("last_published_change", "last_removal", "next_scheduled")


def archive_freshness(now) -> dict:
    """The freshness facts alone, for an answer with no article rows to carry them:
    one statement, whose subqueries need no row of their own."""
    rows = Article.objects.annotate(**freshness(now)).order_by()
    row = rows.values("last_published_change", "last_removal", "next_scheduled")[:1]
    return next(iter(row), dict.fromkeys(FRESHNESS))  # no article: nothing ever public


# Tags, authors, sections ---------------------------------------------------------


def tags(*, after: str | None, limit: int) -> list[dict]:
    """Tags by slug, after `after`; every tag is public (it has its own page)."""
    rows = Tag.objects.order_by("slug")
    if after is not None:
        rows = rows.filter(slug__gt=after)
    return list(rows.values("id", "name", "slug", "description", "is_section")[:limit])


def authors(*, after: str | None, limit: int) -> list[dict]:
    """Author profiles by slug, after `after`."""
    rows = Author.objects.order_by("slug")
    if after is not None:
        rows = rows.filter(slug__gt=after)
    return list(rows.values("id", "name", "slug", "role", "bio", "photo")[:limit])


def sections() -> list[dict]:
    """The sections, in the editors' order (the site's header reads the same)."""
    rows = Tag.objects.filter(is_section=True).order_by("section_order", "name")
    return list(rows.values("id", "name", "slug", "description"))


def tag_id(slug: str, *, section: bool = False) -> int | None:
    rows = Tag.objects.filter(slug=slug)
    if section:
        rows = rows.filter(is_section=True)
    return rows.values_list("pk", flat=True).first()


def author_id(slug: str) -> int | None:
    return Author.objects.filter(slug=slug).values_list("pk", flat=True).first()


# The change feed -------------------------------------------------------------------

PUBLISHED, REMOVED = 0, 1  # the feed's tie-break between entries at the same time


def changes(*, now, since, after: tuple | None, limit: int) -> list[tuple]:
    """Entries (at, kind, row id, article id, slug, first published) at or after
    `since`, after the keyset position `after` (at, kind, row id), oldest first:
    published articles by their change time, removals by theirs.

    Two queries, each reading at most `limit` rows in its own index's order, merged
    here: a UNION ordered as a whole read every change since `since` to sort them,
    however old `since` was (and SQLite refuses a LIMIT inside a UNION)."""
    published = Article.objects.published(now).annotate(at=change_time()).filter(at__gte=since)
    removed = Removal.objects.filter(removed_at__gte=since)
    if after is not None:
        at, kind, row = after
        if kind == PUBLISHED:
            published = published.filter(Q(at__gt=at) | Q(at=at, pk__gt=row))
            removed = removed.filter(removed_at__gte=at)
        else:
            published = published.filter(at__gt=at)
            removed = removed.filter(Q(removed_at__gt=at) | Q(removed_at=at, pk__gt=row))
    published = published.annotate(first=Coalesce("first_published_at", "published_at"))
    entries = [
        (at, PUBLISHED, pk, pk, slug, first)
        for at, pk, slug, first in published.order_by("at", "pk").values_list(
            "at", "pk", "slug", "first"
        )[:limit]
    ] + [
        (at, REMOVED, pk, article_id, slug, None)
        for at, pk, article_id, slug in removed.order_by("removed_at", "pk").values_list(
            "removed_at", "pk", "article_id", "slug"
        )[:limit]
    ]
    return sorted(entries, key=lambda entry: entry[:3])[:limit]
