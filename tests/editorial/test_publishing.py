"""The publishing record and the one owner of its rules (editorial.publishing):
every path (the model, the form, a forged POST, bulk actions, imports) meets
the same checks, and every move is in the article's History."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Tag
from editorial import publishing
from editorial.publishing import NEEDS_BODY, NOT_AN_EDITOR
from tests.desk_client import (
    CHANGELIST_URL,
    action_data,
    change_messages,
    change_url,
    form_data,
    reload,
    schedule_fields,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
DRAFT, PUBLISHED = Article.Status.DRAFT, Article.Status.PUBLISHED


def just_now(moment):
    return timezone.now() - moment < timedelta(minutes=1)


# The publishing record ----------------------------------------------------------------


def test_unpublish_then_publish_keeps_first_publication_and_place(make_article, editor):
    older, story, newer = make_article(), make_article(), make_article()
    placed, first = story.published_at, story.first_published_at
    assert first == placed  # a published article's first publication is its date

    publishing.unpublish(story, by=editor)
    assert reload(story).status == DRAFT
    assert older.next_article() == newer  # out of the sequence while unpublished
    story = reload(story)
    publishing.publish(story, by=editor)

    story = reload(story)
    assert (story.published_at, story.first_published_at) == (placed, first)
    assert (story.previous_article(), story.next_article()) == (older, newer)
    assert Article.objects.published().first() == newer  # not back at the top
    assert change_messages(story) == [
        "Unpublished",
        f"Published again in its place ({_local(placed)})",
    ]


def test_publish_as_new_moves_it_to_now_and_keeps_its_first_publication(make_article, editor):
    story, newer = make_article(), make_article()
    first = story.first_published_at
    publishing.unpublish(story, by=editor)
    publishing.publish(reload(story), by=editor, as_new=True)

    story = reload(story)
    assert just_now(story.published_at)
    assert story.first_published_at == first
    assert Article.objects.published().first() == story
    assert story.previous_article() == newer
    assert change_messages(story)[-1].startswith("Published as new: moved to ")


def test_a_live_story_may_be_published_as_new(make_article, editor):
    story, _newer = make_article(), make_article()
    assert publishing.publish(story, by=editor) is False  # already public: nothing to do
    assert publishing.publish(story, by=editor, as_new=True) is True
    assert Article.objects.published().first() == story


def test_publishing_a_never_published_draft_uses_now_not_its_creation_time(make_article, editor):
    draft = make_article(status=DRAFT, published_at=timezone.now() - timedelta(days=400))
    assert draft.first_published_at is None
    assert not draft.shows_publication_date()
    publishing.publish(draft, by=editor)
    draft = reload(draft)
    assert just_now(draft.published_at)
    assert draft.first_published_at == draft.published_at
    assert change_messages(draft) == ["Published"]


def test_scheduling_sets_the_first_publication_and_unscheduling_clears_it(make_article, editor):
    draft = make_article(status=DRAFT)
    when = timezone.now() + timedelta(days=2)
    publishing.schedule(draft, by=editor, at=when)
    draft = reload(draft)
    assert draft.is_scheduled() and draft.first_published_at == when
    publishing.unpublish(draft, by=editor)
    draft = reload(draft)
    assert draft.first_published_at is None  # it never went out
    assert change_messages(draft)[-1] == "Unscheduled (back to draft)"


def test_scheduling_needs_a_future_time(make_article, editor):
    draft = make_article(status=DRAFT)
    with pytest.raises(ValidationError) as refused:
        publishing.schedule(draft, by=editor, at=timezone.now() - timedelta(minutes=1))
    assert "published_at" in refused.value.message_dict
    assert reload(draft).status == DRAFT


def test_a_save_never_publishes_or_backdates(make_article):
    """Writing the fields directly keeps the record true: the first publication
    is the date the article went public with."""
    draft = make_article(status=DRAFT)
    draft.save()
    assert reload(draft).first_published_at is None


# One owner of the rules -----------------------------------------------------------------


def test_authors_may_not_make_any_move(make_article, author):
    draft = make_article(status=DRAFT, author=author)
    live = make_article(author=author)
    for move in (
        lambda: publishing.publish(draft, by=author),
        lambda: publishing.publish(draft, by=author, as_new=True),
        lambda: publishing.schedule(draft, by=author, at=timezone.now() + timedelta(days=1)),
        lambda: publishing.unpublish(live, by=author),
        lambda: publishing.save_change(live, by=author, kind="update"),
    ):
        with pytest.raises(PermissionDenied, match=NOT_AN_EDITOR):
            move()
    assert (reload(draft).status, reload(live).status) == (DRAFT, PUBLISHED)
    publishing.save_change(draft, by=author)  # their own draft: theirs to save


def test_a_published_article_needs_a_body(make_article, editor):
    draft = make_article(status=DRAFT, body="<p> </p><script>x()</script>")
    with pytest.raises(ValidationError, match=NEEDS_BODY):
        publishing.publish(draft, by=editor)
    assert reload(draft).status == DRAFT


def test_a_forged_post_of_a_status_neither_publishes_nor_backdates(client, make_article, editor):
    """The form has no status field: an editor's plain save of a draft stays a draft."""
    draft = make_article(status=DRAFT, published_at=timezone.now() - timedelta(days=300))
    client.force_login(editor)
    data = {**form_data(draft), "status": "published", "published_at_0": "01/01/2001"}
    assert client.post(change_url(draft), data).status_code == 302
    stored = reload(draft)
    assert (stored.status, stored.published_at) == (DRAFT, draft.published_at)


def test_a_forged_move_by_an_author_is_refused(client, make_article, author):
    draft = make_article(status=DRAFT, author=author)
    client.force_login(author)
    future = timezone.now() + timedelta(days=1)
    for button in ("_publish_now", "_publish_as_new", "_unpublish"):
        response = client.post(change_url(draft), {**form_data(draft), button: "1"})
        assert NOT_AN_EDITOR in response.content.decode()
    data = {**form_data(draft), **schedule_fields(future), "_schedule": "1"}
    assert NOT_AN_EDITOR in client.post(change_url(draft), data).content.decode()
    assert reload(draft).status == DRAFT
    assert not LogEntry.objects.exists()


def test_publish_now_is_recorded_as_a_publication(client, make_article, editor):
    draft = make_article(status=DRAFT, byline="Ann Lee")
    client.force_login(editor)
    client.post(change_url(draft), {**form_data(draft, summary="Mine."), "_publish_now": "1"})
    assert change_messages(draft) == ["Published", '[{"changed": {"fields": ["summary"]}}]']
    client.post(change_url(draft), {**form_data(reload(draft)), "_unpublish": "1"})
    assert change_messages(draft)[2:] == ["Unpublished"]  # not "No fields changed" beside it


def test_the_change_form_offers_publish_again_and_as_new_after_an_unpublish(
    client, make_article, editor
):
    story = make_article()
    publishing.unpublish(story, by=editor)
    client.force_login(editor)
    html = client.get(change_url(story)).content.decode()
    assert 'value="Publish again"' in html and 'name="_publish_as_new"' in html
    assert "Unpublished — not public" in html
    client.post(change_url(story), {**form_data(reload(story)), "_publish_as_new": "1"})
    assert Article.objects.published().first() == story


def test_bulk_actions_call_the_model_and_are_recorded(client, make_article, editor):
    drafts = [make_article(status=DRAFT) for _ in range(2)]
    empty = make_article(status=DRAFT, body="")
    client.force_login(editor)
    client.post(CHANGELIST_URL, action_data("publish_now", *drafts, empty))
    assert [reload(d).status for d in drafts] == [PUBLISHED, PUBLISHED]
    assert reload(empty).status == DRAFT  # the model's body rule held
    assert all(change_messages(d) == ["Published"] for d in drafts)
    client.post(CHANGELIST_URL, action_data("unpublish", *drafts))
    assert all(change_messages(d) == ["Published", "Unpublished"] for d in drafts)
    assert all(reload(d).first_published_at for d in drafts)  # kept


def test_a_bulk_action_is_refused_to_an_author(client, make_article, author):
    draft = make_article(status=DRAFT, author=author)
    client.force_login(author)
    client.post(CHANGELIST_URL, action_data("publish_now", draft))
    assert reload(draft).status == DRAFT


def test_a_tag_merge_is_recorded_on_each_article(client, make_article, editor, make_tag):
    floods, flooding = make_tag("Floods"), make_tag("Flooding")
    moved = make_article(tags=[floods])
    client.force_login(editor)
    client.post(
        "/admin/articles/tag/",
        {**action_data("merge_tags", floods), "target": flooding.pk, "apply": "1"},
    )
    assert list(reload(moved).tags.all()) == [flooding]
    assert change_messages(moved) == ["Tag “Floods” merged into “Flooding”"]
    assert not Tag.objects.filter(pk=floods.pk).exists()


# Imports ----------------------------------------------------------------------------------


def write_jsonl(tmp_path, *records):
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def test_an_import_keeps_its_dates_and_never_resets_a_first_publication(tmp_path, editor):
    record = {
        "import_ref": "wire-1",
        "headline": "Harbour reopens",
        "body": "<p>Boats are back.</p>",
        "status": "published",
        "published_at": "2019-05-01T08:00:00+00:00",
    }
    call_command("import_articles", write_jsonl(tmp_path, record), stdout=StringIO())
    article = Article.objects.get(import_ref="wire-1")
    assert article.published_at.year == 2019 == article.first_published_at.year

    publishing.unpublish(article, by=editor)
    moved = {**record, "published_at": "2020-01-01T08:00:00+00:00", "body": "<p>New.</p>"}
    call_command("import_articles", write_jsonl(tmp_path, moved), stdout=StringIO())
    article = reload(article)
    assert article.body == "<p>New.</p>"  # the content follows the source…
    assert article.status == Article.Status.DRAFT  # …the state stays as the desk left it
    assert article.published_at.year == 2019

    call_command(
        "import_articles", write_jsonl(tmp_path, moved), "--update-status", stdout=StringIO()
    )
    article = reload(article)
    assert article.status == Article.Status.PUBLISHED  # the operator asked for it
    assert article.published_at.year == 2020  # the source's date
    assert article.first_published_at.year == 2019  # first went public then
    assert article.modified_at is None  # an import tells readers of no update


def test_an_import_of_a_new_draft_has_no_publication(tmp_path):
    record = {"import_ref": "d", "headline": "Plan", "body": "", "status": "draft"}
    call_command("import_articles", write_jsonl(tmp_path, record), stdout=StringIO())
    assert not Article.objects.get(import_ref="d").shows_publication_date()


def _local(moment):
    from editorial.publishing import local_time

    return local_time(moment)


def test_a_draft_never_published_shows_no_publication_date_anywhere(client, make_article, editor):
    draft = make_article(status=DRAFT, headline="Plan for the pier", byline="Ada")
    client.force_login(editor)
    rows = client.get(CHANGELIST_URL).content.decode()
    assert 'class="field-publication">—<' in rows
    form = client.get(change_url(draft)).content.decode()
    assert "never published" in form and 'name="published_at' not in form
    preview = client.get(draft.get_preview_url()).content.decode()
    meta = preview[preview.index('<p class="meta">') :]
    assert "<time" not in meta[: meta.index("</p>")]
    script = preview[preview.index('type="application/ld+json">') :]
    data = json.loads(script[script.index(">") + 1 : script.index("</script>")])
    assert "datePublished" not in data and "dateModified" not in data


def test_the_change_list_tells_an_unpublished_article_from_a_draft(client, make_article, editor):
    story = make_article(headline="Was out")
    publishing.unpublish(story, by=editor)
    client.force_login(editor)
    rows = client.get(CHANGELIST_URL).content.decode()
    assert 'class="field-state">Unpublished<' in rows
    assert f'class="field-publication">{_local(story.published_at)}<' in rows
