"""Cleaning stored bodies again, when the sanitizer's allow-list tightens.

Pages render `body|safe`: a body is trusted because `process()` sanitized it when it
was saved, under the allow-list of that day. After the allow-list in
`articles/sanitize.py` (or nh3) changes, bodies stored earlier may hold what it now
refuses; `manage.py resanitize_bodies` runs every stored body through today's
sanitizer, with what follows from a body: its plain text and a generated summary.

Batches go in primary-key order, each in its own transaction, so memory stays flat
and an interruption loses nothing: the command says the last id each batch
reached, `--start-after ID` resumes there, and a plain re-run changes only what is
still unclean. Each write is conditional on the version read (and the body): an
article edited meanwhile was cleaned by its own save, and is left as its editor
saved it. Each batch's cleaned articles are recorded as one revision.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles.content import clean_body
from articles.models import Article
from articles.summarizer import generate_summary
from editorial import announcements, history
from editorial.versions import BUMP

BATCH_SIZE = 500
FIELDS = ("pk", "version", "headline", "body", "summary_generated")


@dataclass
class Resanitized:
    examined: int = 0
    changed: int = 0
    edited_meanwhile: int = 0  # edited while checked: their own save cleaned them
    last_id: int = 0


def resanitize_bodies(
    *,
    start_after: int = 0,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    on_batch: Callable[[Resanitized], None] | None = None,
) -> Resanitized:
    """Clean every stored body after id `start_after` again; return the counts."""
    result = Resanitized(last_id=start_after)
    while batch := list(
        Article.objects.filter(pk__gt=result.last_id).order_by("pk").only(*FIELDS)[:batch_size]
    ):
        changes = [(article, clean_body(article.body)) for article in batch]
        changes = [(article, cleaned) for article, cleaned in changes if cleaned[0] != article.body]
        if changes and not dry_run:
            with transaction.atomic():
                history.snapshot_unrecorded([article.pk for article, _ in changes])
                cleaned_ids = [
                    article.pk for article, cleaned in changes if write(article, *cleaned)
                ]
                history.record_stored(
                    cleaned_ids, source="resanitize_bodies", comment="Body cleaned again"
                )
                announcements.articles_changed(cleaned_ids)  # update() sends no signals
            written = len(cleaned_ids)
            result.edited_meanwhile += len(changes) - written
            result.changed += written
        else:
            result.changed += len(changes)
        result.examined += len(batch)
        result.last_id = batch[-1].pk
        if on_batch:
            on_batch(result)
    return result


def write(article: Article, body: str, body_text: str) -> bool:
    """Store the cleaned body if the article's body is still the one read."""
    fields = {"body": body, "body_text": body_text, "changed_at": timezone.now()}
    if article.summary_generated:
        fields["summary"] = generate_summary(article.headline, body, body_text)
        fields["summary_generated"] = bool(fields["summary"])
    stored = Article.objects.filter(pk=article.pk, version=article.version, body=article.body)
    return bool(stored.update(**fields, **BUMP))
