"""PostgreSQL only: a tag link inserted with its article's status and date keeps them.

Migration 0006 copies an article's status and date onto each new article–tag row
with a look-up per row. Bulk writers (imports, demo content) insert the links of
articles they have just written and know both values: they give them in the COPY
(articles.bulk.insert_tag_links), sparing a look-up per link. Updates
and links inserted without the values (the admin's tag widget) are looked up as
before.
"""

from django.db import migrations

from articles.migrations._postgresql import postgresql_only

COPY_SQL = """
CREATE OR REPLACE FUNCTION articles_tag_link_copy_article() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.status IS NOT NULL AND NEW.published_at IS NOT NULL THEN
    RETURN NEW;
  END IF;
  SELECT status, published_at INTO NEW.status, NEW.published_at
    FROM articles_article WHERE id = NEW.article_id;
  RETURN NEW;
END
$$;
"""

REVERSE_SQL = """
CREATE OR REPLACE FUNCTION articles_tag_link_copy_article() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT status, published_at INTO NEW.status, NEW.published_at
    FROM articles_article WHERE id = NEW.article_id;
  RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_deferred_search_vector"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(COPY_SQL), postgresql_only(REVERSE_SQL)),
    ]
