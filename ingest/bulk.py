"""Writing articles in bulk: what imports and `seed_demo` share.

Imports (ingest/importers/saving.py), `seed_demo` and an import's revisions
write thousands of rows per transaction. On PostgreSQL they COPY in the binary
format, which sends each value as PostgreSQL stores it (nothing is formatted as
text in Python to be parsed again by the server), under the settings a bulk
transaction runs with (`batch_settings()`, `unprepared()`); elsewhere they fall
back to `bulk_create`. `new_article` builds many unsaved articles cheaply, and
`among()` is a look-up by a batch's thousands of values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles.models import Article
from articles.search import (
    DEFER_VECTORS_SQL,
    END_DEFERRAL_SQL,
)


@contextmanager
def copy_in(cursor, table: str, columns: list[tuple[str, models.Field]]) -> Iterator:
    """A COPY into `table`'s columns, each named with the model field whose type it
    has; write rows with `copy.write_row(values)`. PostgreSQL only."""
    quote = connection.ops.quote_name
    listed = ", ".join(quote(column) for column, _ in columns)
    with cursor.copy(f"COPY {quote(table)} ({listed}) FROM STDIN (FORMAT BINARY)") as copy:
        # Type names as Django declares them ("varchar(300)" is a varchar to COPY).
        copy.set_types([field.db_type(connection).split("(")[0] for _, field in columns])
        yield copy


# The columns a batch's look-ups (refs, slugs) and its page-cache invalidation
# (each new article's neighbours in the public order) filter on. On a table never
# analyzed (a new site's first import) the planner takes it for nearly empty and
# scans it for every look-up. Analyzed once with the batch's rows in it (before its
# commit, so the invalidation that runs on commit benefits), the columns' shapes
# are known, and stay true as the table grows.
ANALYZE_IF_UNKNOWN_SQL = """DO $$ BEGIN
  IF (SELECT count(*) FROM pg_stats WHERE tablename = 'articles_article'
      AND attname IN ('id', 'import_ref', 'slug', 'status', 'published_at', 'trashed_at')) < 6
  THEN
    ANALYZE articles_article (id, import_ref, slug, status, published_at, trashed_at);
  END IF;
END $$"""

# For the rest of the transaction, bodies are compressed as they are stored with lz4
# (when the server has it): a fraction of the default pglz's cost. Bulk writers use it.
LZ4_BODIES_SQL = (
    "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings"
    " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


@contextmanager
def batch_settings():
    """PostgreSQL settings for one batch's transaction, sent in one round trip."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            ";".join(
                [
                    # The summary backfill computes these vectors, with the summaries.
                    DEFER_VECTORS_SQL,
                    LZ4_BODIES_SQL,
                ]
            )
        )
        yield
        # SET LOCAL lasts to the end of the outermost transaction, not of this block.
        cursor.execute(f"{ANALYZE_IF_UNKNOWN_SQL};{END_DEFERRAL_SQL}")


@contextmanager
def unprepared():
    """psycopg prepares none of this thread's queries inside the block: a cached
    generic plan cannot prove the partial index's `import_ref <> ''` for a parameter,
    and would scan the table for every batch."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    psycopg_connection = connection.connection
    threshold = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = threshold


# The most parameters one statement may carry (PostgreSQL's protocol counts them in
# 16 bits). bulk_update sends two per field and article (CASE WHEN id = %s THEN %s)
# and one per article (WHERE id IN), and Django does not split its batches by it on
# PostgreSQL.
MAX_PARAMETERS = 65535


def update_batch_size(fields: list[str]) -> int:
    """The most articles one bulk_update of `fields` may write in one statement."""
    return MAX_PARAMETERS // (2 * len(fields) + 1)


def article_maker() -> Callable[..., Article]:
    """`Article(**values)` for building many articles: positional, as `Model.from_db()`
    builds them, since Django's keyword path costs three times as much per article."""
    fields = Article._meta.concrete_fields
    position = {field.attname: i for i, field in enumerate(fields)}
    defaults = [field.get_default() for field in fields]
    fresh = [
        (i, field.default)
        for i, field in enumerate(fields)
        if field.has_default() and callable(field.default)
    ]

    def new(**values) -> Article:
        row = defaults.copy()
        for i, make in fresh:  # a callable default (a time, a dict) is made per article
            row[i] = make()
        for name, value in values.items():
            row[position[name]] = value
        return Article(*row)

    return new


new_article = article_maker()

# The sequence is looked up once, not for each id drawn from it.
RESERVE_IDS_SQL = """WITH sequence AS MATERIALIZED (
  SELECT pg_get_serial_sequence(%s, %s)::regclass AS id
) SELECT nextval(sequence.id) FROM sequence, generate_series(1, %s)"""


def insert_articles(articles: list[Article], now, search_vectors: list[str] | None = None) -> None:
    """Insert new, processed articles, setting their pks.

    On PostgreSQL this is one COPY after reserving the ids from the table's
    sequence: several times cheaper than bulk_create's INSERT, whose parameter
    handling dominated the import profile. Elsewhere, bulk_create.
    `search_vectors` (PostgreSQL), one per article from articles_search_vector(),
    spares the trigger computing them again (articles/search_vector.sql).
    """
    written = timezone.now()  # this batch's own time, for the API's change feed
    for article in articles:
        article.created_at = article.created_at or now
        article.updated_at = article.updated_at or now
        article.changed_at = written
    if connection.vendor != "postgresql":
        times = [(article.created_at, article.updated_at) for article in articles]
        Article.objects.bulk_create(articles)
        # bulk_create stamps auto_now fields with the clock; an export's own times win.
        kept = [
            a
            for a, (created, updated) in zip(articles, times, strict=True)
            if created != now or updated != now
        ]
        for article, (created, updated) in zip(articles, times, strict=True):
            article.created_at, article.updated_at = created, updated
        if kept:
            Article.objects.bulk_update(kept, ["created_at", "updated_at"])
        return
    table = Article._meta.db_table
    quote = connection.ops.quote_name
    fields = copied_fields()
    columns = [(f.column, f) for f in [Article._meta.pk, *fields]]
    row_of = copy_row(fields)
    with connection.cursor() as cursor:
        cursor.execute(RESERVE_IDS_SQL, [table, Article._meta.pk.column, len(articles)])
        for article, (pk,) in zip(articles, cursor.fetchall(), strict=True):
            article.pk = pk
        # Django translates errors of execute(), not of copy(): a slug clash must
        # arrive as the IntegrityError claiming_slugs() retries on.
        with connection.wrap_database_errors:
            if search_vectors is None:
                with copy_in(cursor, table, columns) as copy:
                    for article in articles:
                        copy.write_row(row_of(article))
                return
            # Vectors come as text, which only the text format reads.
            listed = ", ".join(quote(column) for column, _ in [*columns, ("search_vector", None)])
            with cursor.copy(f"COPY {quote(table)} ({listed}) FROM STDIN") as copy:
                for article, vector in zip(articles, search_vectors, strict=True):
                    copy.write_row((*row_of(article), vector))


# Fields whose Python values (str, bool, aware datetime, int or None) psycopg
# writes exactly as Django's own conversion would.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.DateTimeField,
    models.IntegerField,
    models.ForeignKey,
)


def copied_fields() -> list:
    """The article's columns COPY writes after the pk: plain fields first."""
    fields = [f for f in Article._meta.concrete_fields if not f.primary_key]
    return sorted(fields, key=lambda f: not isinstance(f, PLAIN_FIELDS))


def copy_row(fields: list) -> Callable[[Article], tuple]:
    """How to read the row COPY writes (pk, then `fields`) off a prepared article.

    Django's per-field conversion was a third of the import's Python time; plain
    fields skip it and are read all at once, anything else (files, JSON) goes
    through it.
    """
    plain = [f.attname for f in fields if isinstance(f, PLAIN_FIELDS)]
    converted = [f for f in fields if not isinstance(f, PLAIN_FIELDS)]
    read_plain = attrgetter("pk", *plain)

    def row(article: Article) -> tuple:
        return (
            *read_plain(article),
            *(f.get_db_prep_save(f.pre_save(article, True), connection) for f in converted),
        )

    return row


def insert_tag_links(links: list[tuple[Article, int]]) -> None:
    """Insert (article, tag_id) rows of the tags relation, for articles just written.

    On PostgreSQL one COPY, which also gives each row the copy of its article's
    status and date the tag listing keeps (migrations 0006 and 0009), so the
    database need not look each article up again.
    """
    Through = Article.tags.through
    if connection.vendor != "postgresql":
        Through.objects.bulk_create([Through(article_id=a.pk, tag_id=t) for a, t in links])
        return
    link = Through._meta.get_field
    # status and published_at are the listing's copies of the article's (see above).
    columns = [
        ("article_id", link("article")),
        ("tag_id", link("tag")),
        ("status", Article._meta.get_field("status")),
        ("published_at", Article._meta.get_field("published_at")),
    ]
    with connection.cursor() as cursor:
        with copy_in(cursor, Through._meta.db_table, columns) as copy:
            for article, tag_id in links:
                copy.write_row((article.pk, tag_id, article.status, article.published_at))


def among(name: str, values: Iterable, model: type[models.Model] = Article) -> Q:
    """The condition that field `name` of `model` is one of `values`.

    On PostgreSQL it is `= ANY(%s)` with one array parameter: an IN list of a
    batch's thousands of placeholders costs psycopg more to convert than the query
    costs the database to run. Elsewhere, `__in`.
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__in": values})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"
    return Q(RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=models.BooleanField()))
