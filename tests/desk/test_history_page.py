"""The History page: revisions listed, any two compared word by word, Restore."""

import pytest
from django.urls import reverse

from articles.models import Article
from editorial import history

pytestmark = pytest.mark.django_db


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, older, newer):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    return f"{url}?from={older.pk}&to={newer.pk}"


def restore_url(article, version):
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


def edit(article, user, **fields):
    article.refresh_from_db()
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    history.record(article, user=user, comment="Edited")


@pytest.fixture
def revised(make_article, editor):
    """A published article with three revisions: created, then two body edits."""
    article = make_article(body="<p>The <b>first</b> version of the story.</p>", tags=["harbour"])
    history.record(article, user=editor, comment="Created")
    edit(article, editor, body="<p>The second version of the story, longer.</p>")
    edit(article, editor, body="<p>The third version.</p>", headline="A new headline")
    return article


def test_history_lists_revisions_newest_first(client, editor, revised):
    client.force_login(editor)
    page = client.get(history_url(revised)).content.decode()
    assert page.count('data-testid="revision"') == 3
    assert page.index("Edited") < page.index("Created")
    assert "Restore this version" in page


@pytest.mark.parametrize("revisions", [3, 12])
def test_history_page_costs_the_same_whatever_the_revisions(
    client, editor, make_article, revisions, django_assert_num_queries
):
    article = make_article()
    for n in range(revisions):
        edit(article, editor, standfirst=f"Take {n}")
    client.force_login(editor)
    client.get(history_url(article))  # session and permissions warmed up alike
    # session, user, second factor, two permission reads, the article, the revisions
    with django_assert_num_queries(7):
        assert client.get(history_url(article)).status_code == 200


@pytest.mark.parametrize("revisions", [3, 12])
def test_change_form_costs_the_same_whatever_the_revisions(
    client, editor, make_article, revisions, django_assert_num_queries
):
    article = make_article()
    for n in range(revisions):
        edit(article, editor, standfirst=f"Take {n}")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    client.get(url)
    # the same with 3 revisions or 12 (review notes, pending changes and the authors
    # and feature inlines are read too)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_compare_shows_words_added_and_removed_not_html(client, editor, revised):
    first, *_, third = reversed(history.revisions_of(revised))
    client.force_login(editor)
    page = client.get(compare_url(revised, first, third)).content.decode()
    assert "<del>first version of the story.</del>" in page
    assert "<ins>third version.</ins>" in page
    assert "&lt;b&gt;" not in page and "<b>first" not in page
    assert "A new headline" in page


def test_restore_makes_an_old_revision_current_as_a_new_one(client, editor, revised):
    first = list(history.revisions_of(revised))[-1]
    client.force_login(editor)
    response = client.post(
        restore_url(revised, first), {"version": revised.version, "change_kind": "minor"}
    )
    assert response.status_code == 302
    revised.refresh_from_db()
    assert "first" in revised.body and revised.headline.startswith("Test story")
    assert revised.is_published()  # the state is left as it was
    versions = list(history.revisions_of(revised))
    assert len(versions) == 4 and versions[0].revision.comment.startswith("Restored")
    assert client.get(revised.get_absolute_url()).content.decode().count("first") >= 1


def test_restore_refuses_when_the_article_changed_meanwhile(client, editor, revised):
    first = list(history.revisions_of(revised))[-1]
    revised.refresh_from_db()
    seen = revised.version
    edit(revised, editor, standfirst="Someone saved in between")
    client.force_login(editor)
    client.post(restore_url(revised, first), {"version": seen, "change_kind": "minor"})
    revised.refresh_from_db()
    assert "third" in revised.body


def test_restore_brings_back_tags(client, editor, revised):
    first = list(history.revisions_of(revised))[-1]
    revised.tags.clear()
    revised.refresh_from_db()
    client.force_login(editor)
    client.post(restore_url(revised, first), {"version": revised.version, "change_kind": "minor"})
    assert [t.name for t in revised.tags.all()] == ["harbour"]


def test_restore_on_a_live_story_asks_the_kind_of_change(client, editor, revised):
    first = list(history.revisions_of(revised))[-1]
    revised.refresh_from_db()
    client.force_login(editor)
    response = client.post(restore_url(revised, first), {"version": revised.version})
    assert response.status_code == 200  # asked, not restored
    assert "What kind of change is it?" in response.content.decode()
    assert "third" in Article.objects.get(pk=revised.pk).body

    asked = {"version": revised.version, "change_kind": "correction", "change_note": " "}
    response = client.post(restore_url(revised, first), asked)
    assert "A correction needs a note for readers." in response.content.decode()

    before = history.revisions_of(revised).count()
    asked["change_note"] = "We restored the original wording."
    assert client.post(restore_url(revised, first), asked).status_code == 302
    story = Article.objects.get(pk=revised.pk)
    assert "first" in story.body
    assert story.corrections.get().note == "We restored the original wording."
    assert history.revisions_of(revised).count() == before + 1  # one entry for one click
    assert "Correction published" in history.revisions_of(revised).first().revision.comment


def test_authors_see_their_own_articles_history_only(client, author, make_user, make_article):
    own = make_article(author=author, status=Article.Status.DRAFT)
    history.record(own, user=author, comment="Created")
    others = make_article(author=make_user("bob", "Authors"), status=Article.Status.DRAFT)
    client.force_login(author)
    assert client.get(history_url(own)).status_code == 200
    assert client.get(history_url(others)).status_code in (302, 403, 404)


def test_a_revision_of_another_article_cannot_be_compared_or_restored(
    client, editor, revised, make_article
):
    other = make_article()
    history.record(other, user=editor)
    stranger = history.revisions_of(other).get()
    mine = history.revisions_of(revised).first()
    client.force_login(editor)
    assert client.get(compare_url(revised, stranger, mine)).status_code == 403
    assert client.post(restore_url(revised, stranger)).status_code == 404
