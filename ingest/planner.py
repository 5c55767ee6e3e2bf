"""Planner statistics: bulk writers leave them current.

PostgreSQL plans each query from statistics that ANALYZE gathers. Autovacuum
gathers them once a tenth of a table changed, but only on its next round, and a
new site's first load is all change: right after seed_demo the front page's two
queries took 9.6 and 31.6 ms until ANALYZE made them 0.19 and 0.34 ms. So
seed_demo and imports analyze the content tables they changed before they return.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from articles.models import Article, ArticleAuthor, Author, Correction, Feature, Tag

# Autovacuum's own rule (autovacuum_analyze_threshold and _scale_factor): a table
# is due once this many rows plus this share of it changed since it was analyzed.
THRESHOLD_ROWS = 50
THRESHOLD_SHARE = 0.1


def content_tables() -> list[str]:
    models = (Article, Article.tags.through, ArticleAuthor, Author, Correction, Feature, Tag)
    return [model._meta.db_table for model in models]


LONG_TEXTS = ("standfirst", "summary", "body", "body_text", "tag_names", "lead_image_renditions")


def analyzed_article_columns() -> list[str]:
    fields = Article._meta.concrete_fields
    return [field.column for field in fields if field.name not in LONG_TEXTS] + ["search_vector"]


def refresh_statistics(changed_rows: int | None = None, using: str = DEFAULT_DB_ALIAS) -> bool:
    """ANALYZE the content tables after a bulk write of `changed_rows` articles, when
    that is autovacuum's share of the table (or the table was never analyzed);
    always without a count. Returns whether it did. A no-op on databases other than
    PostgreSQL. The writer's own count decides: the server's change counters lag."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    if changed_rows is not None and changed_rows <= THRESHOLD_ROWS:
        return False  # below autovacuum's share of any table: not worth a query
    with connection.cursor() as cursor:
        if changed_rows is not None:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [Article._meta.db_table],
            )
            (rows,) = cursor.fetchone()
            if rows >= 0 and changed_rows <= THRESHOLD_ROWS + THRESHOLD_SHARE * rows:
                return False
        quote = connection.ops.quote_name
        tables = [quote(table) for table in content_tables()]
        # Articles by the columns queries filter and sort on: the long texts would
        # cost most of the time and serve no plan.
        tables[0] += " (" + ", ".join(map(quote, analyzed_article_columns())) + ")"
        cursor.execute("ANALYZE " + ", ".join(tables))
    return True
