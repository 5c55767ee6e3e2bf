"""Pulled stays pulled: one owner for every state change, and a history of only
what happened. One test (or a few) per finding of the review that asked for it."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from articles.models import Article, Author, ImportRun
from articles.models.versioned import EditConflict
from editorial import history, pending, publishing, trash
from editorial.backfill import batches_by_id, fill_summaries
from editorial.resanitize import resanitize_bodies
from tests.desk_client import (
    CHANGELIST_URL,
    action_data,
    change_url,
    form_data,
    reload,
)
from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


def export_line(article, **changes) -> dict:
    """The story as an older export had it: published, with its first headline."""
    return {
        "import_ref": article.import_ref,
        "headline": article.headline,
        "body": article.body,
        "status": "published",
        "published_at": article.published_at.isoformat(),
        **changes,
    }


def run_import(tmp_path, *records, options=()):
    path = tmp_path / "older-export.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    out = StringIO()
    call_command("import_articles", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def imported(make_article):
    return make_article(import_ref="wire:1", headline="Council row")


# A story editors took down comes back -------------------------------------------


def test_reimporting_an_older_export_leaves_an_unpublished_story_off_the_site(
    tmp_path, imported, editor
):
    publishing.unpublish(imported, by=editor)
    run_import(tmp_path, export_line(imported, body="<p>Older text.</p>"))
    stored = reload(imported)
    assert stored.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=imported.pk).exists()
    assert stored.body == "<p>Older text.</p>"  # its content follows the file


def test_a_record_whose_story_is_in_the_trash_is_skipped_and_reported(tmp_path, imported, editor):
    trash.trash(imported, editor)
    out = run_import(tmp_path, export_line(imported, body="<p>Older text.</p>"))
    assert "1 in the trash: skipped" in out
    stored = reload(imported)
    assert stored.is_trashed() and stored.status == Article.Status.DRAFT
    assert stored.body == imported.body
    assert ImportRun.objects.get().in_trash == 1


def test_restoring_from_the_trash_always_gives_a_draft(imported, editor):
    trash.trash(imported, editor)
    # Whatever wrote the row meanwhile (a script, raw SQL), restoring never publishes.
    Article.objects.filter(pk=imported.pk).update(status=Article.Status.PUBLISHED)
    trash.restore(reload(imported), editor)
    stored = reload(imported)
    assert stored.status == Article.Status.DRAFT and not stored.is_trashed()
    assert not Article.objects.published().filter(pk=imported.pk).exists()


def test_the_bulk_publish_action_refuses_a_story_in_the_trash(client, make_article, editor):
    story = make_article(status=Article.Status.DRAFT)
    trash.trash(story, editor)
    client.force_login(editor)
    client.post(CHANGELIST_URL, action_data("publish_now", story), follow=True)
    assert reload(story).status == Article.Status.DRAFT
    with pytest.raises(ValidationError, match="the story is in the trash"):
        publishing.publish(reload(story), by=editor)


def test_update_status_is_the_operators_explicit_choice_and_is_recorded(tmp_path, imported, editor):
    publishing.unpublish(imported, by=editor)
    run_import(tmp_path, export_line(imported), options=["--update-status"])
    assert reload(imported).status == Article.Status.PUBLISHED
    assert ImportRun.objects.get().update_status
    latest = history.revisions_of(imported).first()
    assert "--update-status" in latest.revision.comment
    assert history.recorded_fields(latest)["status"] == Article.Status.PUBLISHED


# "Save as pending change" loses edits and writes false history ------------------


def test_a_pending_change_keeps_the_slug_and_applies_it_with_the_rest(client, make_article, editor):
    live = make_article(headline="Bridge closes", slug="bridge-closes")
    client.force_login(editor)
    edited = form_data(live, headline="Bridge closes for good", slug="bridge-closes-for-good")
    client.post(change_url(live), {**edited, "_save_pending": "1"})
    stored = reload(live)
    assert (stored.headline, stored.slug) == ("Bridge closes", "bridge-closes")  # not live yet

    client.post(change_url(live), {**form_data(stored, **{
        "headline": "Bridge closes for good", "slug": "bridge-closes-for-good"
    }), "_publish_pending": "1", "change_kind": "minor"})  # fmt: skip
    stored = reload(live)
    assert (stored.headline, stored.slug) == ("Bridge closes for good", "bridge-closes-for-good")


def test_history_shows_a_pending_change_as_pending_and_never_as_the_live_text(
    client, make_article, editor
):
    live = make_article(headline="Bridge closes")
    client.force_login(editor)
    client.post(
        change_url(live),
        {**form_data(live, headline="Bridge closes for good"), "_save_pending": "1"},
    )
    entries = [
        (v.revision.comment, history.recorded_fields(v)["headline"])
        for v in history.revisions_of(live)
    ]
    pending_entries = [e for e in entries if history.PENDING_NOT_LIVE in e[0]]
    assert pending_entries == [
        ("Pending change saved (pending, not live)", "Bridge closes for good")
    ]
    others = [
        headline for comment, headline in entries if (comment, headline) not in pending_entries
    ]
    assert others and set(others) == {"Bridge closes"}


def test_a_pending_save_refuses_a_new_lead_image_file_naming_it(client, make_article, editor):
    live = make_article(headline="Bridge closes")
    client.force_login(editor)
    data = {
        **form_data(live, headline="Bridge closes for good"),
        "lead_image": upload(image_bytes()),
        "lead_image_alt": "The bridge",
        "_save_pending": "1",
    }
    response = client.post(change_url(live), data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "A new lead image file cannot wait in a pending change" in response.content.decode()
    assert not reload(live).pending()


# Conditional writes have gaps ---------------------------------------------------


def test_the_change_form_refuses_a_post_without_the_version(client, make_article, editor):
    story = make_article(headline="Before")
    client.force_login(editor)
    data = form_data(story, headline="After")
    del data["version"]
    response = client.post(change_url(story), data)
    assert response.status_code == 200
    assert "did not say which version" in response.content.decode()
    assert reload(story).headline == "Before"


def test_a_refused_save_sends_no_signal_and_writes_nothing(make_article):
    story = make_article(headline="Before")
    stale = reload(story)
    story.headline = "Theirs"
    story.save()
    sent = []

    def note(sender, **kwargs):
        sent.append(sender)

    pre_save.connect(note, sender=Article)
    post_save.connect(note, sender=Article)
    try:
        stale.headline = "Mine"
        with pytest.raises(EditConflict):
            stale.save()
    finally:
        pre_save.disconnect(note, sender=Article)
        post_save.disconnect(note, sender=Article)
    assert sent == []
    assert reload(story).headline == "Theirs"
    assert stale.version == story.version - 1  # still the version it read


def test_resanitize_bodies_moves_the_version_on(make_article):
    story = make_article()
    Article.objects.filter(pk=story.pk).update(body='<p onclick="x()">Hi</p>')
    resanitize_bodies()
    assert reload(story).version == story.version + 1


def test_the_summary_backfill_moves_the_version_on(make_article):
    story = make_article(summary="")
    Article.objects.filter(pk=story.pk).update(summary="", summary_generated=False)
    fill_summaries(batches_by_id([story.pk]), workers=1)
    stored = reload(story)
    assert stored.summary and stored.version == story.version + 1


# Roles ----------------------------------------------------------------------------


def test_an_author_cannot_restore_a_story_an_editor_trashed(make_article, author, editor):
    draft = make_article(status=Article.Status.DRAFT, author=author)
    trash.trash(draft, editor)
    with pytest.raises(PermissionDenied, match="restore only the drafts you moved"):
        trash.restore(reload(draft), author)
    assert reload(draft).is_trashed()


def test_an_author_cannot_edit_a_story_an_editor_unpublished(client, make_article, author, editor):
    story = make_article(author=author)  # an editor published it
    publishing.unpublish(story, by=editor)
    client.force_login(author)
    client.post(change_url(story), form_data(reload(story), headline="My version"))
    assert reload(story).headline == story.headline
    with pytest.raises(PermissionDenied, match="only an editor can change it now"):
        publishing.save_change(reload(story), by=author)


def test_an_author_still_restores_a_draft_they_trashed_themselves(make_article, author):
    draft = make_article(status=Article.Status.DRAFT, author=author)
    trash.trash(draft, author)
    trash.restore(reload(draft), author)
    assert not reload(draft).is_trashed()


# A plain save() leaves no trace --------------------------------------------------


def test_a_scripts_save_is_recorded_before_the_next_desk_edit(client, make_article, editor):
    story = make_article(body="<p>First text.</p>")
    client.force_login(editor)
    client.post(change_url(story), form_data(story, body="<p>Desk text.</p>"))
    script = reload(story)
    script.body = "<p>Script text.</p>"
    script.save()
    client.post(change_url(story), form_data(reload(story), body="<p>Second desk text.</p>"))
    bodies = [history.recorded_fields(v)["body"] for v in history.revisions_of(story)]
    assert bodies[:3] == ["<p>Second desk text.</p>", "<p>Script text.</p>", "<p>Desk text.</p>"]
    comments = [v.revision.comment for v in history.revisions_of(story)]
    assert comments[1] == history.AS_FOUND


# Imports pay twice for history ----------------------------------------------------


def test_an_import_writes_no_revision_and_its_state_is_recorded_at_the_next_change(
    tmp_path, editor
):
    record = {"import_ref": "wire:9", "headline": "Filed", "body": "<p>As filed.</p>"}
    run_import(tmp_path, record)
    story = Article.objects.get(import_ref="wire:9")
    assert not history.revisions_of(story).exists()
    run = ImportRun.objects.get()
    assert (run.created, run.source) == (1, "import_articles older-export.jsonl")
    assert run.finished_at <= timezone.now()

    story.body = "<p>Edited.</p>"
    publishing.save_change(story, by=editor)
    publishing.record([story], editor, "Changed Body")
    first = history.revisions_of(story).last()
    assert first.revision.comment == (
        f"As imported from import_articles older-export.jsonl by import run {run.pk}"
    )
    assert history.recorded_fields(first)["body"] == "<p>As filed.</p>"


def test_a_pending_change_is_kept_whole_by_the_move_itself(make_article, editor):
    live = make_article(slug="old-address")
    pending.save_pending(live, by=editor, fields={"headline": "New", "slug": "new-address"})
    assert reload(live).slug == "old-address"
    pending.publish_pending(reload(live), by=editor)
    assert (reload(live).headline, reload(live).slug) == ("New", "new-address")


def test_a_pending_save_refuses_a_change_of_authors_naming_it(client, make_article, editor):
    live = make_article(headline="Bridge closes")
    reporter = Author.objects.create(name="Ben Cole", slug="ben-cole")
    client.force_login(editor)
    data = {
        **form_data(live, headline="Bridge closes for good"),
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": str(reporter.pk),
        "bylines-0-position": "0",
        "_save_pending": "1",
    }
    response = client.post(change_url(live), data)
    assert response.status_code == 200
    assert "authors cannot wait in a pending change" in response.content.decode()
    assert not reload(live).pending() and not live.bylines.exists()
