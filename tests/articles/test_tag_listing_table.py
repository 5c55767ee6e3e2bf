"""What the tag listing (migrations 0006 and 0009, TagListing) assumes of the tables.

On PostgreSQL, triggers copy each article's status and date onto its rows of the
article–tag table, the one Django creates for `Article.tags`, and TagListing reads
that table. Nothing in Django knows: making `tags` an explicit through model (for
ordered tags or a primary tag), or renaming the table or a column the triggers
name, would leave them writing to nothing, or failing, with no migration to say
so. These tests fail first, on either database. Whoever makes that change moves
the copy into the through model as ordinary fields, written by the one place
that writes tag links, and drops the triggers.
"""

import pytest
from django.db import connection

from articles.models import Article, Tag, TagListing


def test_article_tags_are_djangos_auto_created_table():
    through = Article.tags.through
    assert through._meta.auto_created is Article  # not an explicit through model
    assert through._meta.db_table == TagListing._meta.db_table == "articles_article_tags"
    columns = [(field.name, field.column) for field in through._meta.local_fields]
    assert columns == [("id", "id"), ("article", "article_id"), ("tag", "tag_id")]


def test_the_copied_columns_are_where_the_triggers_read_them():
    assert Article._meta.db_table == "articles_article"
    assert Tag._meta.db_table == "articles_tag"
    for name in ("id", "status", "published_at"):
        assert Article._meta.get_field(name).column == name
    listing = {field.name: field for field in TagListing._meta.local_fields}
    for name in ("status", "published_at"):
        copy, original = listing[name], Article._meta.get_field(name)
        assert (type(copy), copy.max_length) == (type(original), original.max_length)
    # The listing index keeps the rows WHERE status = 'published'.
    assert Article.Status.PUBLISHED == "published"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.django_db
def test_the_listing_triggers_sit_on_those_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname IN ('articles_tag_link_copy_article', 'articles_article_listing')"
            " ORDER BY tgname"
        )
        triggers = cursor.fetchall()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_tag_listing'")
        [(index,)] = cursor.fetchall()
    assert triggers == [
        ("articles_article_listing", "articles_article"),
        ("articles_tag_link_copy_article", "articles_article_tags"),
    ]
    assert "ON public.articles_article_tags" in index
    assert "WHERE ((status)::text = 'published'::text)" in index
