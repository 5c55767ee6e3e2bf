"""PostgreSQL only: tag listings in index order.

A tag page orders a tag's articles by date, but the date lives on the article and
the tag on the article–tag table, so PostgreSQL walked the date index and probed
the tag table per article: a deep page, or the capped count, of a tag on one story
in twelve read twelve times the rows it showed. The article–tag table (Django's
auto-created one, which the admin's tag widget needs) therefore carries a copy of
its article's `status` and `published_at`, kept exact by triggers, and a partial
index on (tag_id, published_at, article_id) serves a tag page's order directly.
The unmanaged model TagListing reads those columns.
"""

from django.db import migrations, models

from articles.migrations._postgresql import postgresql_only

LISTING_SQL = """
ALTER TABLE articles_article_tags
  ADD COLUMN status varchar(20),
  ADD COLUMN published_at timestamptz;

UPDATE articles_article_tags AS link
   SET status = article.status, published_at = article.published_at
  FROM articles_article AS article
 WHERE article.id = link.article_id;

-- A new link copies its article's status and date.
CREATE FUNCTION articles_tag_link_copy_article() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT status, published_at INTO NEW.status, NEW.published_at
    FROM articles_article WHERE id = NEW.article_id;
  RETURN NEW;
END
$$;

CREATE TRIGGER articles_tag_link_copy_article
BEFORE INSERT OR UPDATE ON articles_article_tags
FOR EACH ROW EXECUTE FUNCTION articles_tag_link_copy_article();

-- A published, unpublished or re-dated article updates its links.
CREATE FUNCTION articles_article_listing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status
     OR NEW.published_at IS DISTINCT FROM OLD.published_at THEN
    UPDATE articles_article_tags
       SET status = NEW.status, published_at = NEW.published_at
     WHERE article_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER articles_article_listing
AFTER UPDATE ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_listing();

-- A tag page's order, published rows only (as article_published_order).
CREATE INDEX article_tag_listing
  ON articles_article_tags (tag_id, published_at DESC, article_id DESC)
  WHERE status = 'published';
"""

LISTING_REVERSE_SQL = """
DROP TRIGGER IF EXISTS articles_article_listing ON articles_article;
DROP FUNCTION IF EXISTS articles_article_listing();
DROP TRIGGER IF EXISTS articles_tag_link_copy_article ON articles_article_tags;
DROP FUNCTION IF EXISTS articles_tag_link_copy_article();
DROP INDEX IF EXISTS article_tag_listing;
ALTER TABLE articles_article_tags DROP COLUMN IF EXISTS status, DROP COLUMN IF EXISTS published_at;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0005_search_vector_function"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(LISTING_SQL), postgresql_only(LISTING_REVERSE_SQL)),
        # The table's view with those columns (not managed: Django owns it as Article.tags).
        migrations.CreateModel(
            name="TagListing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published")], max_length=20
                    ),
                ),
                ("published_at", models.DateTimeField()),
            ],
            options={
                "db_table": "articles_article_tags",
                "managed": False,
            },
        ),
    ]
