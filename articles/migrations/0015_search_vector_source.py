"""PostgreSQL: the search vector's functions and trigger from articles/search_vector.sql.

Databases migrated before the definition moved into that file got it from the SQL
pasted in 0004, 0005 and 0008; this brings them to the file's text. A later change
to the file adds a migration like this one, with the file's new SHA-256: a test
fails while the newest such migration names another text than the file's.
"""

from django.db import migrations

from articles.migrations._postgresql import load_search_vector

SEARCH_VECTOR_SHA256 = "1e7d66d7303301b20cc01463ad038b648adde13a7b7c6fa56ea1d2af6c4a4b0c"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_front_authors_sections_features"),
    ]

    operations = [
        migrations.RunPython(load_search_vector, migrations.RunPython.noop),
    ]
