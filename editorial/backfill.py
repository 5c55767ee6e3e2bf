"""Generated summaries in bulk, on every core: after imports and in `summarize_articles`.

Generating a summary costs several times what storing an article does, so bulk
paths store articles first (`process(..., summarize=False)` leaves a summary that
is due to be generated empty) and fill the summaries here. Worker processes run
the summarizer, a pure function of the text, while this process writes the
previous batch; only this process touches the database. Writing a batch also
computes the search vectors an import deferred (articles/search_vector.sql) for its articles.

A summary is written only while the article is still at the version read (so
its body is still the one summarized) and its summary is still a generated or
empty one: an editor's save meanwhile always wins. Like every writer, the
backfill moves the version on: a form opened before it is refused and shows the
new summary, rather than saving over it unseen.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import batched

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles.content import wants_generated_summary
from articles.models import Article
from articles.parallel import parallel_map
from articles.search import index_pending
from articles.summarizer import generate_summary
from editorial import announcements
from editorial.versions import BUMP

BATCH_SIZE = 500
FIELDS = ["pk", "version", "headline", "body", "body_text", "summary", "summary_generated"]


def fill_summaries(
    batches: Iterable[list[Article]],
    *,
    workers: int | None = None,
    dry_run: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Generate the summaries of `batches` that want one; return (examined, changed).

    Editors' summaries are never touched. Each batch's changes are written in one
    transaction; `on_batch(examined, changed)` follows each.
    """
    examined = changed = 0

    def store(batch, due, job) -> None:
        nonlocal examined, changed
        changed += _store(batch, due, job, dry_run)
        examined += len(batch)
        if on_batch:
            on_batch(examined, changed)

    with parallel_map(_summarize, workers or os.cpu_count() or 1) as start:
        previous = None  # stored while the workers summarize the batch after it
        for batch in batches:
            due = [article for article in batch if wants_generated_summary(article)]
            job = start([(a.headline, a.body, a.body_text) for a in due])
            if previous:
                store(*previous)
            previous = (batch, due, job)
        if previous:
            store(*previous)
    return examined, changed


def _store(batch: list[Article], due: list[Article], job: Callable, dry_run: bool) -> int:
    updated = []
    for article, summary in zip(due, job(), strict=True):
        if (article.summary, article.summary_generated) != (summary, bool(summary)):
            article.summary, article.summary_generated = summary, bool(summary)
            updated.append(article)
    if dry_run:
        return len(updated)
    with transaction.atomic():
        written = write_summaries(updated) if updated else 0
        if written:
            announcements.articles_changed(a.pk for a in updated)  # bulk writes send no signals
        # The vectors an import deferred: computed now, with the summary.
        index_pending([article.pk for article in batch])
    return written


def write_summaries(articles: list[Article]) -> int:
    """Store these articles' summaries where each is still at the version read and
    its summary still a generated (or empty) one; return how many were written.
    On PostgreSQL one UPDATE from arrays, which costs a fraction of bulk_update's
    CASE per row to build and to run."""
    if connection.vendor != "postgresql":
        return sum(
            Article.objects.filter(pk=article.pk, version=article.version)
            .filter(Q(summary_generated=True) | Q(summary=""))
            .update(
                summary=article.summary,
                summary_generated=article.summary_generated,
                changed_at=timezone.now(),
                **BUMP,
            )
            for article in articles
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} AS article"
            " SET summary = new.summary, summary_generated = new.generated,"
            " version = article.version + 1, changed_at = %s"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::boolean[])"
            " AS new(id, version, summary, generated)"
            " WHERE article.id = new.id AND article.version = new.version"
            " AND (article.summary_generated OR article.summary = '')",
            [
                timezone.now(),  # changed_at, for the API's change feed
                [article.pk for article in articles],
                [article.version for article in articles],
                [article.summary for article in articles],
                [article.summary_generated for article in articles],
            ],
        )
        return cursor.rowcount


def _summarize(texts: tuple[str, str, str]) -> str:
    return generate_summary(*texts)


def batches_of(articles, size: int = BATCH_SIZE) -> Iterator[list[Article]]:
    """`articles` (a queryset) in primary-key order, a batch at a time (keyset, not OFFSET)."""
    articles = articles.order_by("pk").only(*FIELDS)
    last = 0
    while batch := list(articles.filter(pk__gt=last)[:size]):
        last = batch[-1].pk
        yield batch


def batches_by_id(ids: Iterable[int], size: int = BATCH_SIZE) -> Iterator[list[Article]]:
    """The articles with these ids, a batch at a time."""
    for chunk in batched(sorted(set(ids)), size, strict=False):
        yield list(Article.objects.filter(pk__in=chunk).order_by("pk").only(*FIELDS))
