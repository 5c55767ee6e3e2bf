"""PostgreSQL: the search vector as one SQL function, articles_search_vector().

A bulk load that computes vectors set-based, once for each of a pool of repeated
texts (seed_demo), may insert rows with their vector, and the trigger keeps it
instead of parsing the same text again: parsing and stemming the body is most of
the cost of inserting an article.

The function now lives in articles/search_vector.sql with the trigger, and
0004_search creates both from it; this step is kept, empty, because databases
have recorded it.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_search"),
    ]

    operations = []
