"""Search: the tags' names on each article and, on PostgreSQL, a stored search vector.

On PostgreSQL a trigger keeps `search_vector` (weighted: headline A, standfirst and
summary B, tag names C, body D) up to date on every INSERT and UPDATE, including
bulk_create, bulk_update and QuerySet.update(), and a GIN index serves the
`@@` match. The column lives outside the Django model (it is PostgreSQL-only and
large), so SQLite gets neither and the model works on both.
"""

from collections import defaultdict

from django.db import migrations, models

# The text search configuration must match articles.search.SEARCH_CONFIG.
CREATE_SQL = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector;

CREATE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
  -- The body is capped so no article can overflow tsvector's 1 MB limit.
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.headline, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', concat_ws(' ', NEW.standfirst, NEW.summary)), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.tag_names, '')), 'C') ||
    setweight(to_tsvector('pg_catalog.english', left(coalesce(NEW.body_text, ''), 250000)), 'D');
  RETURN NEW;
END
$$;

CREATE TRIGGER articles_article_search_vector
BEFORE INSERT OR UPDATE ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();

UPDATE articles_article SET search_vector = NULL;

CREATE INDEX article_search_vector_gin ON articles_article USING gin (search_vector);
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def fill_tag_names(apps, schema_editor):
    """The same text as articles.search.tag_names_text(), for existing articles."""
    Article = apps.get_model("articles", "Article")
    names = defaultdict(set)
    for article_id, name in Article.tags.through.objects.values_list("article_id", "tag__name"):
        names[article_id].add(name)
    articles = [Article(pk=pk, tag_names=" ".join(sorted(tags))) for pk, tags in names.items()]
    Article.objects.bulk_update(articles, ["tag_names"], batch_size=2000)


def create_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_desk_roles_redirects"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="tag_names",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The tags' names, for search; kept by articles.search.refresh_search_index().",
            ),
        ),
        migrations.RunPython(fill_tag_names, migrations.RunPython.noop),
        migrations.RunPython(create_search_vector, drop_search_vector),
    ]
