"""The version counter's writers: what a writer says it read, and the bulk claim.

A single article's save is conditional on its `version` by itself
(articles.models.versioned). Here are the two things other writers need, so that
no module outside editorial sets the counter:

- `as_read(article, version)`: the desk says which version its form (or its
  History page) showed; the save then refuses if the stored one moved on;
- `claim(read)`: a bulk writer (an import's batch, the summary backfill,
  resanitize_bodies) moves on the counter of every article still at the version
  it read, in one statement, and writes only those; the claimed rows stay locked
  until its transaction ends.
- `BUMP`: the same move for a conditional queryset update of its own.
"""

from collections.abc import Mapping

from django.db import connection, transaction
from django.db.models import F

from articles.models import Article

BUMP = {"version": F("version") + 1}


def as_read(article: Article, version: int) -> None:
    """The writer read `version`: the next save of `article` is conditional on it."""
    article.version = version


def claim(read: Mapping[int, int]) -> set[int]:
    """Move on the version of each article (pk: version read) still at the version
    read; return the pks claimed. The rest changed meanwhile and must not be written."""
    if not read:
        return set()
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Article._meta.db_table} AS article SET version = article.version + 1"
                    " FROM unnest(%s::bigint[], %s::bigint[]) AS read(id, version)"
                    " WHERE article.id = read.id AND article.version = read.version"
                    " RETURNING article.id",
                    [list(read), list(read.values())],
                )
                return {row[0] for row in cursor.fetchall()}
        return {
            pk
            for pk, version in read.items()
            if Article.objects.filter(pk=pk, version=version).update(**BUMP)
        }
