"""What rides along with a list of articles: tags, authors, corrections and the
neighbours' links, each as JSON from a subquery, so a page costs one query and no
prefetch.

The query half is LinksQuerySet (Article.objects has its methods, with_tag_links()
and the like); the model half is ReadsLinks (Article inherits it), whose readers
take the JSON when the query carried it and make one query otherwise.
"""

from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from django.db import connections, models
from django.db.models import Aggregate, Expression, F, OuterRef, Subquery, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models.author import ArticleAuthor, Author
from articles.models.correction import Correction
from articles.models.tag import Tag


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array: jsonb_agg on PostgreSQL, json_group_array on SQLite."""

    function = "JSON_GROUP_ARRAY"
    allow_order_by = True
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        if connection.features.supports_aggregate_order_by_clause:
            return self.as_sql(compiler, connection, **extra_context)
        # SQLite before 3.44 cannot order inside an aggregate; Article.tag_list sorts.
        unordered = self.copy()
        unordered.order_by = None
        return unordered.as_sql(compiler, connection, **extra_context)


def parse_stored_time(value: str):
    """A datetime as a JSON aggregate spells it: ISO 8601 on PostgreSQL, SQLite's
    "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC without an offset."""
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


class Position(NamedTuple):
    """Where an article stands in the public order; older_than()/newer_than() accept
    one in place of an article, e.g. of OuterRef()s in a subquery."""

    published_at: object
    pk: object


def first_link(articles, *order):
    """Id, slug and headline of the first of `articles` in `order`, as a JSON subquery."""
    link = JSONObject(id="id", slug="slug", headline="headline")
    first = articles.order_by(*order).values(link=link)[:1]
    return Subquery(first, output_field=models.JSONField())


@cache
def author_links_subquery() -> Subquery:
    """An article's authors as a JSON array, in byline order (see tag_links_subquery)."""
    links = (
        ArticleAuthor.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(
            links=JSONArrayAgg(
                JSONObject(
                    id="author_id", name="author__name", slug="author__slug", position="position"
                ),
                order_by=("position", "pk"),
            )
        )
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


@cache
def tag_links_subquery(*more: str) -> Subquery:
    """An article's tags as a JSON array, by name, with each tag's fields `more` too
    (the API's `is_section`, `section_order`). Built once for each `more`: annotate()
    resolves a copy for each queryset, and building it was a tenth of a list page's
    ORM time."""
    fields = {"id": "tag_id", "name": "tag__name", "slug": "tag__slug"}
    fields.update((name, f"tag__{name}") for name in more)
    links = (
        Tag.articles.through.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(links=JSONArrayAgg(JSONObject(**fields), order_by="tag__name"))
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


@cache
def correction_links_subquery() -> Subquery:
    """An article's corrections as a JSON array, oldest first (see tag_links_subquery)."""
    links = (
        Correction.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(
            links=JSONArrayAgg(
                JSONObject(id="id", kind="kind", note="note", published_at="published_at"),
                order_by=("published_at", "id"),
            )
        )
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


class LinksQuerySet(models.QuerySet):
    def with_tag_links(self):
        """Each article's tags ride along as JSON in `tag_links` (read them through
        Article.tag_list), so listing them costs no query and no prefetch of its own."""
        return self.annotate(tag_links=tag_links_subquery())

    def with_corrections(self):
        """Each article's corrections and clarifications ride along as JSON in
        `correction_links` (read them through Article.correction_list): the
        article page stays one query."""
        return self.annotate(correction_links=correction_links_subquery())

    def with_author_links(self):
        """Each article's authors ride along as JSON in `author_links` (read them
        through Article.author_list), as with_tag_links() does for tags."""
        return self.annotate(author_links=author_links_subquery())

    def with_neighbours(self, now=None):
        """The nearest published articles either side ride along as `previous_link` and
        `next_link` (read them through previous_article()/next_article()): the article
        page then costs one query. Both are built from published(), the one gate."""
        here = Position(OuterRef("published_at"), OuterRef("pk"))
        published = self.model.objects.published(now)
        return self.annotate(
            previous_link=first_link(published.older_than(here), "-published_at", "-pk"),
            next_link=first_link(published.newer_than(here), "published_at", "pk"),
        )

    def neighbour_ids(self):
        """(previous id, next id) of each article, as with_neighbours() finds them."""
        here = Position(OuterRef("published_at"), OuterRef("pk"))
        published = self.model.objects.using(self.db).published()

        def first(articles, *order):
            return Subquery(articles.order_by(*order).values("pk")[:1])

        return self.annotate(
            previous_id=first(published.older_than(here), "-published_at", "-pk"),
            next_id=first(published.newer_than(here), "published_at", "pk"),
        ).values_list("previous_id", "next_id")

    def older_than(self, article):
        """Articles before `article` in (published_at, id) order.

        A row comparison, `(published_at, id) < (…, …)`, which the database answers
        by walking the (published_at, id) index from the article's position, however
        many articles share its time.
        """
        return self.filter(InOrder("<", article))

    def newer_than(self, article):
        """Articles after `article` in (published_at, id) order."""
        return self.filter(InOrder(">", article))


class InOrder(Expression):
    """`(published_at, id) <op> (position)`: true of the articles before (`<`) or
    after (`>`) a position in the public order. PostgreSQL and SQLite both compare
    rows, and use the (published_at, id) index for it."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, operator: str, position):
        super().__init__()
        if operator not in ("<", ">"):
            raise ValueError(operator)
        self.operator = operator
        self.sides = [
            [F("published_at"), F("pk")],
            [as_expression(position.published_at), as_expression(position.pk)],
        ]

    def get_source_expressions(self):
        return [*self.sides[0], *self.sides[1]]

    def set_source_expressions(self, expressions):
        self.sides = [list(expressions[:2]), list(expressions[2:])]

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for side in self.sides:
            compiled = [compiler.compile(expression) for expression in side]
            parts.append(", ".join(sql for sql, _ in compiled))
            params += [param for _, side_params in compiled for param in side_params]
        return f"({parts[0]}) {self.operator} ({parts[1]})", params


def as_expression(value):
    return value if hasattr(value, "resolve_expression") else Value(value)


class ReadsLinks:
    """Article's readers of what LinksQuerySet carried along."""

    # What a Previous/Next link shows: loading the neighbours' bodies would be waste.
    NEIGHBOUR_FIELDS = ("slug", "headline", "published_at")

    @cached_property
    def tag_list(self):
        """The article's tags by name: from `tag_links` when the query carried them
        (ArticleQuerySet.with_tag_links), else one query."""
        links = self.__dict__.get("tag_links", ...)
        if links is ...:
            return list(self.tags.all())
        tags = [Tag(id=link["id"], name=link["name"], slug=link["slug"]) for link in links or ()]
        if not connections[self._state.db or "default"].features.supports_aggregate_order_by_clause:
            tags.sort(key=lambda tag: tag.name)  # what SQLite's ORDER BY name gives
        return tags

    @cached_property
    def correction_list(self):
        """The article's corrections and clarifications, oldest first: from
        `correction_links` when the query carried them, else one query."""

        links = self.__dict__.get("correction_links", ...)
        if links is ...:
            return list(self.corrections.order_by("published_at", "pk"))
        corrections = [
            Correction(
                id=link["id"],
                article_id=self.pk,
                kind=link["kind"],
                note=link["note"],
                published_at=parse_stored_time(link["published_at"]),
            )
            for link in links or ()
        ]
        return sorted(corrections, key=lambda c: (c.published_at, c.pk))

    @cached_property
    def author_list(self):
        """The article's authors in byline order, as (name, slug, url) — from
        `author_links` when the query carried them, else one query."""

        links = self.__dict__.get("author_links", ...)
        if links is ...:
            return list(self.authors.order_by("bylines__position", "bylines__pk"))
        # Sorted here too: SQLite before 3.44 cannot order inside the aggregate.
        links = sorted(links or (), key=lambda link: link["position"])
        return [Author(id=link["id"], name=link["name"], slug=link["slug"]) for link in links]

    def previous_article(self):
        """The nearest older published article, or None for the oldest."""
        if "previous_link" in self.__dict__:
            return self._neighbour(self.previous_link)
        older = type(self).objects.published().older_than(self).only(*self.NEIGHBOUR_FIELDS)
        return older.order_by("-published_at", "-pk").first()

    def next_article(self):
        """The nearest newer published article, or None for the newest."""
        if "next_link" in self.__dict__:
            return self._neighbour(self.next_link)
        newer = type(self).objects.published().newer_than(self).only(*self.NEIGHBOUR_FIELDS)
        return newer.order_by("published_at", "pk").first()

    @classmethod
    def _neighbour(cls, link):
        """A Previous/Next link's article from ArticleQuerySet.with_neighbours: only what
        the link shows, never saved."""
        if not link:
            return None
        return cls(id=link["id"], slug=link["slug"], headline=link["headline"])
