"""Revisions: every path records who, when and what (editorial/history.py)."""

import json

import pytest
from reversion.models import Version

from articles.models import Article, ImportRun
from editorial import history, publishing
from editorial.tags import merge_tags
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import save_articles
from tests.desk_client import change_url, form_data

pytestmark = pytest.mark.django_db


def test_record_keeps_the_state_and_who(editor, make_article):
    article = make_article(headline="A headline", tags=["harbour"])
    revision = history.record(article, user=editor, comment="Checked")
    [version] = history.revisions_of(article)
    fields = history.recorded_fields(version)
    assert fields["headline"] == "A headline"
    assert fields["tags"] == [article.tags.get().pk]
    assert (version.revision, revision.user, revision.comment) == (revision, editor, "Checked")


def test_a_command_is_named_with_its_file(make_article):
    article = make_article()
    revision = history.record(article, source="import_articles feed.jsonl", comment="Imported")
    assert revision.user is None
    assert revision.comment == "Imported (import_articles feed.jsonl)"


def test_batch_matches_the_serializer_format(make_article):
    article = make_article(tags=["a", "b"])
    tags = list(article.tags.values_list("pk", flat=True))
    history.record_batch([article], {article.pk: tags}, source="x")
    [version] = history.revisions_of(article)
    data = json.loads(version.serialized_data)[0]
    assert data["model"] == "articles.article" and data["pk"] == article.pk
    assert history.recorded_fields(version)["published_at"] == article.published_at.replace(
        microsecond=article.published_at.microsecond // 1000 * 1000
    )


def test_a_bulk_record_reads_back_as_the_article_was(make_article):
    # On PostgreSQL record_stored() has the database build the versions' JSON.
    article = make_article(headline="Same", tags=["harbour", "council"])
    history.record(article, source="one by one")
    history.record_stored([article.pk], source="in bulk")
    in_bulk, one_by_one = history.revisions_of(article)
    assert in_bulk.revision.comment == "in bulk"
    assert history.recorded_fields(in_bulk) == history.recorded_fields(one_by_one)
    assert json.loads(in_bulk.serialized_data)[0]["pk"] == article.pk


def test_an_import_records_one_run_and_no_per_article_copy():
    items = [
        ImportedArticle(record=n, import_ref=f"t:{n}", headline=f"Story {n}", body="<p>x.</p>")
        for n in range(1, 6)
    ]
    save_articles(items, batch_size=2, source="import_articles feed.jsonl")
    run = ImportRun.objects.get()
    assert (run.source, run.created, run.updated) == ("import_articles feed.jsonl", 5, 0)
    assert run.finished_at is not None
    assert not Version.objects.exists()
    assert set(Article.objects.values_list("import_run", flat=True)) == {run.pk}


def test_the_first_change_after_an_import_records_the_imported_state_first(editor):
    item = ImportedArticle(record=1, import_ref="t:1", headline="As filed", body="<p>Filed.</p>")
    save_articles([item], source="import_articles feed.jsonl")
    article = Article.objects.get()
    article.headline = "As edited"
    publishing.save_change(article, by=editor)
    publishing.record([article], editor, "Changed Headline")
    older, newer = reversed(history.revisions_of(article))
    run = ImportRun.objects.get()
    expected = f"As imported from import_articles feed.jsonl by import run {run.pk}"
    assert older.revision.comment == expected
    assert history.recorded_fields(older)["headline"] == "As filed"
    assert history.recorded_fields(newer)["headline"] == "As edited"


def test_an_admin_save_records_a_revision_with_the_changed_fields(
    admin_client, admin_user, make_article
):
    article = make_article(headline="Before")
    response = admin_client.post(change_url(article), form_data(article, headline="After"))
    assert response.status_code == 302
    latest = history.revisions_of(article).first()
    assert latest.revision.user == admin_user
    assert "Headline" in latest.revision.comment
    assert history.recorded_fields(latest)["headline"] == "After"


def test_publishing_moves_are_revisions_with_who(editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    publishing.publish(article, by=editor)
    publishing.unpublish(article, by=editor)
    comments = [v.revision.comment for v in history.revisions_of(article)]
    # Created by a plain save() (no revision): its state is recorded before the first move.
    assert comments == ["Unpublished", "Published", "As found before this change"]
    assert [v.revision.user for v in history.revisions_of(article)][:2] == [editor, editor]


def test_a_tag_merge_is_one_revision_for_its_articles(editor, make_article, make_tag):
    old, new = make_tag("Floods"), make_tag("Flooding")
    first, second = make_article(tags=[old]), make_article(tags=[old])
    old_pk = old.pk
    merge_tags(old, new, by=editor)
    revisions = {history.revisions_of(a).first().revision for a in (first, second)}
    assert len(revisions) == 1
    merged, found = history.revisions_of(first)  # the state before it, as found
    assert history.recorded_fields(merged)["tags"] == [new.pk]
    assert history.recorded_fields(found)["tags"] == [old_pk]
