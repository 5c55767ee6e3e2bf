"""No silent overwrite: the model, the import and the summary backfill refuse to
write over a change made after they read the article."""

import pytest

from articles.content import clean_body
from articles.models import Article
from articles.models.versioned import EditConflict
from editorial.backfill import batches_by_id, fill_summaries
from editorial.imports import start_run
from ingest.importers.media import MediaSource
from ingest.importers.records import ImportedArticle, ImportResult
from ingest.importers.saving import _BatchSaver, save_articles

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The harbour wall was repaired over the winter by a crew of twelve. "
    "Fishing boats returned to the inner basin on Monday morning. "
    "The council says the work came in under budget.</p>"
)


def test_every_save_moves_the_version_on(make_article):
    article = make_article()
    assert article.version == 1
    article.headline = "Changed"
    article.save()
    assert article.version == 2
    assert Article.objects.get(pk=article.pk).version == 2


def test_a_stale_instance_cannot_overwrite_a_newer_save(make_article):
    article = make_article(headline="First")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline = "Editor A's headline"
    first.save()
    second.headline = "Editor B's headline"
    with pytest.raises(EditConflict):
        second.save()
    assert second.version == 1  # unchanged: the caller may reload and retry
    assert Article.objects.get(pk=article.pk).headline == "Editor A's headline"


def test_save_with_update_fields_is_conditional_too(make_article):
    article = make_article()
    stale = Article.objects.get(pk=article.pk)
    article.save()
    stale.byline = "Someone"
    with pytest.raises(EditConflict):
        stale.save(update_fields=["byline"])


def imported(n, **fields):
    return ImportedArticle(
        record=n, import_ref=f"t:{n}", headline=f"Story {n}", body=BODY, **fields
    )


def test_an_import_cannot_overwrite_an_editors_concurrent_change():
    save_articles([imported(1)])
    article = Article.objects.get(import_ref="t:1")
    result = ImportResult()
    saver = _BatchSaver(
        Article.Status.DRAFT, result, MediaSource(), start_run("import_articles t.jsonl")
    )
    items = [imported(1, standfirst="From the import.")]
    built = saver.build_batch(items, lambda: [clean_body(item.body) for item in items])

    article.standfirst = "The editor's own standfirst."  # saved after the import read it
    article.save()
    saver.save(built)

    article.refresh_from_db()
    assert article.standfirst == "The editor's own standfirst."
    assert (result.updated, result.conflicts) == (0, 1)
    # Run again, it updates from what is now stored.
    again = save_articles(items)
    article.refresh_from_db()
    assert (again.updated, article.standfirst) == (1, "From the import.")


def test_the_backfill_cannot_overwrite_an_editors_concurrent_summary():
    result = save_articles([imported(1), imported(2)])
    [batch] = list(batches_by_id(result.unsummarized))  # read before the editor saves
    edited = Article.objects.get(import_ref="t:1")
    edited.summary = "The editor's summary."
    edited.summary_generated = False
    edited.save()

    fill_summaries([batch], workers=1)

    edited.refresh_from_db()
    assert (edited.summary, edited.summary_generated) == ("The editor's summary.", False)
    untouched = Article.objects.get(import_ref="t:2")
    assert untouched.summary_generated and untouched.summary


def test_the_backfill_skips_a_body_changed_since_it_was_read():
    result = save_articles([imported(1)])
    [batch] = list(batches_by_id(result.unsummarized))
    article = Article.objects.get(import_ref="t:1")
    article.body = "<p>A new body. It says something else entirely.</p>"
    article.save()  # process() generates the summary of the new body
    summary = article.summary

    fill_summaries([batch], workers=1)

    article.refresh_from_db()
    assert article.summary == summary
    assert "harbour" not in article.summary.lower()
