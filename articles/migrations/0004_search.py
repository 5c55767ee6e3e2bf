"""Search: the tags' names on each article and, on PostgreSQL, a stored search vector.

On PostgreSQL a trigger keeps `search_vector` up to date on every INSERT and
UPDATE, including bulk_create, bulk_update and QuerySet.update(), and a GIN index
serves the `@@` match. The trigger and its functions are defined once, in
articles/search_vector.sql, which this migration loads. The column lives outside
the Django model (it is PostgreSQL-only and large), so SQLite gets neither and the
model works on both.
"""

from collections import defaultdict

from django.db import migrations, models

from articles.migrations._postgresql import load_search_vector

COLUMN_SQL = "ALTER TABLE articles_article ADD COLUMN search_vector tsvector;"

# Setting NULL fires the trigger, which computes each existing article's vector.
FILL_SQL = """
UPDATE articles_article SET search_vector = NULL;

CREATE INDEX article_search_vector_gin ON articles_article USING gin (search_vector);
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
DROP FUNCTION IF EXISTS articles_search_vector(text, text, text, text, text);
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
        schema_editor.execute(COLUMN_SQL)
        load_search_vector(apps, schema_editor)
        schema_editor.execute(FILL_SQL)


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
