"""The desk's rough edges, each fixed: the publication's name, read-only views that
read like the story, full names, one History entry per click, Restore from the trash
on the story's own page."""

import pytest
from django.urls import reverse

from articles.models import Article
from editorial import history, pending, review, trash
from tests.desk_client import change_url, form_data

pytestmark = pytest.mark.django_db


def test_the_admin_names_the_publication(client, editor, settings):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert f"{settings.SITE_NAME} desk" in page
    assert "Django administration" not in page


def test_a_read_only_view_renders_the_sanitized_body_without_input_help(
    client, make_user, make_article
):
    author = make_user("al", "Authors")
    story = make_article(
        author=author, body="<p>The <strong>wall</strong> holds.</p><script>alert(1)</script>"
    )
    Article.objects.filter(pk=story.pk).update(body=story.body + "<img src=x onerror=alert(1)>")
    client.force_login(author)
    page = client.get(change_url(story)).content.decode()
    assert "<p>The <strong>wall</strong> holds.</p>" in page
    assert "&lt;p&gt;" not in page and "onerror" not in page and "<script>alert" not in page
    assert Article._meta.get_field("standfirst").help_text not in page
    assert 'class="help' not in page.split('id="article_form"')[1].split("</form>")[0]


def test_the_send_back_note_and_pending_change_are_signed_with_full_names(
    client, make_user, make_article
):
    editor = make_user("eve", "Editors", first_name="Eve", last_name="Stone")
    author = make_user("al", "Authors")
    draft = make_article(author=author, status=Article.Status.DRAFT)
    review.submit_for_review(draft, by=author)
    review.send_back(draft, by=editor, note="Name the engineer.")
    client.force_login(author)
    assert "Sent back by Eve Stone" in client.get(change_url(draft)).content.decode()

    live = make_article(byline="Ann")
    pending.save_pending(live, by=editor, fields={"standfirst": "New dek"})
    client.force_login(editor)
    assert "Pending change</strong> by Eve Stone" in client.get(change_url(live)).content.decode()


def test_publishing_a_pending_change_is_one_history_entry(client, editor, make_article):
    live = make_article(byline="Ann", summary="Written by the desk.")
    pending.save_pending(live, by=editor, fields={"standfirst": "New dek"})
    before = history.revisions_of(live).count()
    client.force_login(editor)
    data = form_data(live, standfirst="New dek", summary="Written by the desk.") | {
        "_publish_pending": "1",
        "change_kind": "correction",
        "change_note": "The dek named the wrong bridge.",
    }
    assert client.post(change_url(live), data).status_code == 302
    assert Article.objects.get(pk=live.pk).standfirst == "New dek"
    assert history.revisions_of(live).count() == before + 1
    assert history.revisions_of(live).first().revision.comment == (
        "Pending change published (correction): "
        "Correction published: The dek named the wrong bridge."
    )


def test_a_trashed_story_is_restored_from_its_own_page(client, editor, make_article):
    story = make_article()
    trash.trash(story, editor)
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert "Restore from the trash" in page
    url = reverse("admin:articles_article_untrash", args=[story.pk])
    assert f'action="{url}"' in page
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "is back from the trash, as a draft." in response.content.decode()
    story = Article.objects.get(pk=story.pk)
    assert story.trashed_at is None and story.status == Article.Status.DRAFT


def test_only_those_who_may_trash_it_restore_it(client, make_user, make_article, editor):
    story = make_article()
    trash.trash(story, editor)
    client.force_login(make_user("al", "Authors"))
    assert client.post(reverse("admin:articles_article_untrash", args=[story.pk])).status_code in (
        403,
        404,
    )
    assert Article.objects.get(pk=story.pk).trashed_at is not None
