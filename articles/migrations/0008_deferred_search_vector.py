"""PostgreSQL: an import may leave an article's search vector to its summary's backfill.

An import stores articles first and generates their missing summaries afterwards
(editorial/backfill.py). The summary is part of the search vector, so a vector
computed when such an article is inserted would be thrown away and computed again
moments later. Inside an import's own transactions (`SET LOCAL
newsroom.defer_search_vector = 'on'`), an article whose summary is still empty gets
no vector (NULL: not yet found by search); the backfill computes it once, with the
summary, for every article it examines.

The deferral now lives in articles/search_vector.sql, which 0004_search loads;
this step is kept, empty, because databases have recorded it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_published_updated_index"),
    ]

    operations = []
