"""PostgreSQL only: one SQL function for the search vector, and vectors bulk loads may give.

The vector is now computed by `articles_search_vector()`, which the trigger of
0004_search calls. A bulk load that computed it set-based, once for each of a pool
of repeated texts (seed_demo), may insert rows with their vector, and the trigger
keeps it instead of parsing the same text again: parsing and stemming the body was
most of the cost of inserting an article.
"""

from django.db import migrations

from articles.migrations._postgresql import postgresql_only

# The text search configuration must match articles.search.SEARCH_CONFIG.
SEARCH_SQL = """
CREATE FUNCTION articles_search_vector(
  headline text, standfirst text, summary text, tag_names text, body_text text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- The body is capped so no article can overflow tsvector's 1 MB limit.
  SELECT
    setweight(to_tsvector('pg_catalog.english', coalesce(headline, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', concat_ws(' ', standfirst, summary)), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(tag_names, '')), 'C') ||
    setweight(to_tsvector('pg_catalog.english', left(coalesce(body_text, ''), 250000)), 'D')
$$;

CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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

SEARCH_REVERSE_SQL = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.search_vector IS NOT NULL
     AND NEW.headline IS NOT DISTINCT FROM OLD.headline
     AND NEW.standfirst IS NOT DISTINCT FROM OLD.standfirst
     AND NEW.summary IS NOT DISTINCT FROM OLD.summary
     AND NEW.tag_names IS NOT DISTINCT FROM OLD.tag_names
     AND NEW.body_text IS NOT DISTINCT FROM OLD.body_text THEN
    RETURN NEW;
  END IF;
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.headline, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', concat_ws(' ', NEW.standfirst, NEW.summary)), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.tag_names, '')), 'C') ||
    setweight(to_tsvector('pg_catalog.english', left(coalesce(NEW.body_text, ''), 250000)), 'D');
  RETURN NEW;
END
$$;
DROP FUNCTION articles_search_vector(text, text, text, text, text);
"""

class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_search"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(SEARCH_SQL), postgresql_only(SEARCH_REVERSE_SQL)),
    ]
