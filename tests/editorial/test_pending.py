"""Pending changes to a live story (editorial.pending): readers keep the live
version, page cache included, until an Editor publishes the change as a kind of
change, or discards it; a later change to the live story is never overwritten."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Article, PendingChange
from editorial import history, publishing
from editorial import pending as pending_moves
from editorial.pending import NOT_AN_EDITOR_PENDING, NOT_LIVE
from tests.desk_client import change_messages, change_url, form_data, reload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]


def preview_url(article):
    return reverse("admin:articles_article_pending", args=[article.pk])


@pytest.fixture
def live(make_article):
    return make_article(
        headline="Bridge reopens", body="<p>The bridge, built in 1923, is open.</p>"
    )


def test_a_pending_change_leaves_the_live_row_untouched(live, editor):
    before = reload(live)
    pending_moves.save_pending(
        live, by=editor, fields={"body": "<p>Built in 1932.</p><script>x()</script>"}
    )
    after = reload(live)
    assert (after.body, after.updated_at) == (before.body, before.updated_at)
    pending = PendingChange.objects.get()
    assert pending.fields == {"body": "<p>Built in 1932.</p>"}  # sanitized when kept
    assert pending.based_on == before.updated_at
    assert change_messages(live) == ["Pending change saved (pending, not live)"]


def test_readers_keep_the_live_version_page_cache_included(client, live, editor, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    url = live.get_absolute_url()
    assert "1923" in client.get(url).content.decode()
    pending_moves.save_pending(
        live, by=editor, fields={"headline": "Bridge reopens at last", "body": "<p>1932</p>"}
    )
    for address in (url, "/", "/feed/", "/feed.json", "/search/?q=bridge", "/sitemap.xml"):
        html = client.get(address).content.decode()
        assert "1932" not in html and "at last" not in html, address
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit" and "1923" in response.content.decode()


def test_the_preview_shows_the_pending_version_to_editors_only(client, live, editor, author):
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>It was built in 1932.</p>"})
    assert client.get(preview_url(live)).status_code == 302  # to the login page
    client.force_login(author)
    assert client.get(preview_url(live)).status_code in (403, 404)
    client.force_login(editor)
    response = client.get(preview_url(live))
    html = response.content.decode()
    assert "It was built in 1932." in html and "Pending change" in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Robots-Tag"] == "noindex"
    pending_moves.discard_pending(live, by=editor)
    assert client.get(preview_url(live)).status_code == 404


def test_publishing_it_as_a_correction(live, editor):
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>Built in 1932.</p>"})
    with pytest.raises(ValidationError):
        pending_moves.publish_pending(reload(live), by=editor, kind="correction", note=" ")
    recorded = history.revisions_of(live).count()
    story = reload(live)
    pending_moves.publish_pending(
        story, by=editor, kind="correction", note="It opened in 1932, not 1923."
    )
    story = reload(live)
    assert story.body == "<p>Built in 1932.</p>"
    assert story.corrections.get().note == "It opened in 1932, not 1923."
    assert story.modified_at is not None
    assert not PendingChange.objects.exists()
    # One History entry for the one move, saying both what it was and its note.
    assert history.revisions_of(live).count() == recorded + 1
    assert history.revisions_of(live).first().revision.comment == (
        "Pending change published (correction): Correction published: It opened in 1932, not 1923."
    )


def test_a_minor_pending_change_moves_nothing_readers_are_told(live, editor):
    pending_moves.save_pending(live, by=editor, fields={"headline": "Bridge reopens!"})
    pending_moves.publish_pending(reload(live), by=editor)
    story = reload(live)
    assert story.headline == "Bridge reopens!"
    assert story.modified_at is None and not story.corrections.exists()


def test_a_later_change_to_the_live_story_is_never_overwritten(live, editor):
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>Pending text.</p>"})
    meanwhile = reload(live)
    meanwhile.standfirst = "Added on the live story meanwhile."
    publishing.save_change(meanwhile, by=editor)
    with pytest.raises(ValidationError, match="changed after this pending change"):
        pending_moves.publish_pending(reload(live), by=editor)
    story = reload(live)
    assert story.standfirst == "Added on the live story meanwhile."
    assert story.body == live.body
    assert PendingChange.objects.exists()  # nothing lost: the editor decides


def test_a_stale_copy_of_the_story_cannot_publish_it(live, editor):
    stale = reload(live)
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>Pending text.</p>"})
    fresh = reload(live)
    fresh.standfirst = "Meanwhile."
    fresh.save()
    with pytest.raises(ValidationError):
        pending_moves.publish_pending(stale, by=editor)
    assert reload(live).standfirst == "Meanwhile."


def test_only_editors_and_only_on_a_live_story(live, make_article, author, editor):
    for move in (
        lambda: pending_moves.save_pending(live, by=author, fields={"body": "<p>x</p>"}),
        lambda: pending_moves.publish_pending(live, by=author),
        lambda: pending_moves.discard_pending(live, by=author),
    ):
        with pytest.raises(PermissionDenied, match=NOT_AN_EDITOR_PENDING):
            move()
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError, match=NOT_LIVE):
        pending_moves.save_pending(draft, by=editor, fields={"body": "<p>x</p>"})
    assert not PendingChange.objects.exists()


def test_discarding_keeps_the_live_story(live, editor):
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>Never mind.</p>"})
    assert pending_moves.discard_pending(live, by=editor) is True
    assert reload(live).body == live.body and not PendingChange.objects.exists()
    assert change_messages(live)[-1] == "Pending change discarded"
    assert pending_moves.discard_pending(live, by=editor) is False


# The change form ------------------------------------------------------------------------


def test_the_form_saves_previews_and_publishes_a_pending_change(client, live, editor, make_tag):
    bridges = make_tag("Bridges")
    client.force_login(editor)
    assert 'name="_save_pending"' in client.get(change_url(live)).content.decode()
    data = {**form_data(live, body="<p>Opened in 1932.</p>", tags=[bridges.pk])}
    response = client.post(change_url(live), {**data, "_save_pending": "1"})
    assert response.status_code == 302
    assert reload(live).body == live.body and not reload(live).tags.exists()
    assert PendingChange.objects.get().tag_ids == [bridges.pk]

    form = client.get(change_url(live)).content.decode()
    assert "Opened in 1932." in form  # the form edits the pending version
    assert preview_url(live) in form
    assert 'name="_publish_pending"' in form and 'name="_discard_pending"' in form
    assert 'name="_save"' not in form  # no direct save beside a pending change

    refused = client.post(
        change_url(live), {**data, "change_kind": "correction", "_publish_pending": "1"}
    )
    assert "A correction needs a note for readers." in refused.content.decode()
    note = "It opened in 1932."
    published = {**data, "change_kind": "correction", "change_note": note, "_publish_pending": "1"}
    assert client.post(change_url(live), published).status_code == 302
    story = reload(live)
    assert story.body == "<p>Opened in 1932.</p>" and list(story.tags.all()) == [bridges]
    assert story.corrections.get().note == note
    assert not PendingChange.objects.exists()
    assert "No fields changed." not in change_messages(live)


def test_the_form_discards_a_pending_change(client, live, editor):
    pending_moves.save_pending(live, by=editor, fields={"body": "<p>Draft wording.</p>"})
    client.force_login(editor)
    data = {**form_data(live, body="<p>Draft wording.</p>"), "_discard_pending": "1"}
    assert client.post(change_url(live), data).status_code == 302
    assert reload(live).body == live.body and not PendingChange.objects.exists()


def test_a_forged_pending_move_by_an_author_is_refused(client, make_article, author):
    own_live = make_article(author=author)
    client.force_login(author)
    for button in ("_save_pending", "_publish_pending", "_discard_pending"):
        data = {**form_data(own_live, body="<p>Mine now.</p>"), button: "1"}
        assert client.post(change_url(own_live), data).status_code == 403
    assert reload(own_live).body == own_live.body and not PendingChange.objects.exists()
