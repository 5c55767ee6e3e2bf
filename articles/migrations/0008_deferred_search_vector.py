"""PostgreSQL only: an import may leave an article's search vector to its summary's backfill.

An import stores articles first and generates their missing summaries afterwards
(articles/backfill.py). The summary is part of the search vector, so a vector
computed when such an article is inserted would be thrown away and computed again
moments later. Inside an import's own transactions (`SET LOCAL
newsroom.defer_search_vector = 'on'`), an article whose summary is still empty gets
no vector (NULL: not yet found by search); the backfill computes it once, with the
summary, for every article it examines.
"""

from django.db import migrations

from articles.migrations._postgresql import postgresql_only

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.summary = '' AND current_setting('newsroom.defer_search_vector', true) = 'on' THEN
    NEW.search_vector := NULL;
    RETURN NEW;
  END IF;
  -- A bulk load may insert the vector it computed with articles_search_vector().
  IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
    RETURN NEW;
  END IF;
  -- Checked here rather than in a WHEN clause, which would tie these columns to
  -- the trigger and block later ALTER COLUMN migrations.
  IF TG_OP = 'UPDATE'
     AND NEW.search_vector IS NOT NULL
     AND NEW.headline IS NOT DISTINCT FROM OLD.headline
     AND NEW.standfirst IS NOT DISTINCT FROM OLD.standfirst
     AND NEW.summary IS NOT DISTINCT FROM OLD.summary
     AND NEW.tag_names IS NOT DISTINCT FROM OLD.tag_names
     AND NEW.body_text IS NOT DISTINCT FROM OLD.body_text THEN
    RETURN NEW;
  END IF;
  NEW.search_vector := articles_search_vector(
    NEW.headline, NEW.standfirst, NEW.summary, NEW.tag_names, NEW.body_text
  );
  RETURN NEW;
END
$$;
"""

# 0005's function, without the deferral.
REVERSE_SQL = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE'
     AND NEW.search_vector IS NOT NULL
     AND NEW.headline IS NOT DISTINCT FROM OLD.headline
     AND NEW.standfirst IS NOT DISTINCT FROM OLD.standfirst
     AND NEW.summary IS NOT DISTINCT FROM OLD.summary
     AND NEW.tag_names IS NOT DISTINCT FROM OLD.tag_names
     AND NEW.body_text IS NOT DISTINCT FROM OLD.body_text THEN
    RETURN NEW;
  END IF;
  NEW.search_vector := articles_search_vector(
    NEW.headline, NEW.standfirst, NEW.summary, NEW.tag_names, NEW.body_text
  );
  RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_published_updated_index"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(TRIGGER_SQL), postgresql_only(REVERSE_SQL)),
    ]
