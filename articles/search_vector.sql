-- The search vector: the one definition, loaded by the migrations (PostgreSQL only).
--
-- Weighted: headline A, standfirst and summary B, tag names C, body D, with the
-- text search configuration articles.search.SEARCH_CONFIG names. The trigger
-- articles_article_search_vector keeps articles_article.search_vector current on
-- every INSERT and UPDATE, bulk writes included. The column and its GIN index are
-- migration 0004's. Not a GeneratedField: a generated column could neither be
-- deferred during an import nor be given a vector computed in bulk (seed_demo),
-- and SQLite, which searches without it, could not have it.
--
-- To change it: edit this file and add a migration that loads it again
-- (articles.migrations._postgresql.load_search_vector). The migrations before
-- that one load this same text, so it must hold for the columns 0004 knows;
-- tests/test_search_vector_source.py checks the live database against it.

-- articles_search_vector(): the vector of one article's texts. Bulk loads call
-- it set-based, once per distinct text (seed_demo), and insert the result.
CREATE OR REPLACE FUNCTION articles_search_vector(
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
  -- An import defers the vector of an article still waiting for its generated
  -- summary (SET LOCAL newsroom.defer_search_vector = 'on', articles.search):
  -- the summary backfill computes it once, summary included (index_pending).
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

CREATE OR REPLACE TRIGGER articles_article_search_vector
BEFORE INSERT OR UPDATE ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
