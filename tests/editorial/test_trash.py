"""The trash: off every public surface at once, 410 Gone, restorable, emptied by a command."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import history, trash

pytestmark = pytest.mark.django_db


def test_trashed_article_leaves_every_public_surface(client, editor, make_article):
    article = make_article(tags=["harbour"])
    assert client.get(article.get_absolute_url()).status_code == 200
    trash.trash(article, editor)

    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 410
    for url in ["/", "/tags/harbour/", "/feed/", "/sitemap-articles.xml", "/search/?q=story"]:
        assert article.headline not in client.get(url).content.decode(), url


def test_old_address_of_a_trashed_article_is_gone_too(client, editor, make_article):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "a-new-address"
    article.save()
    trash.trash(article, editor)
    assert client.get(old).status_code == 410


def test_unknown_address_is_still_not_found(client, db):
    assert client.get("/no-such-story/").status_code == 404


def test_restore_brings_it_back_as_a_draft_with_its_tags(client, editor, make_article):
    article = make_article(
        tags=["harbour", "weather"],
        lead_image_url="https://example.com/a.jpg",
        lead_image_alt="A harbour",
    )
    trash.trash(article, editor)
    trash.restore(article, editor)
    article.refresh_from_db()
    assert not article.is_trashed()
    assert article.status == Article.Status.DRAFT
    assert sorted(t.name for t in article.tags.all()) == ["harbour", "weather"]
    assert article.lead_image_url == "https://example.com/a.jpg"
    # An editor publishes it again: back on the site.
    article.status = Article.Status.PUBLISHED
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_authors_trash_only_their_own_drafts(author, make_user, make_article):
    own_draft = make_article(author=author, status=Article.Status.DRAFT)
    own_live = make_article(author=author)
    others = make_article(author=make_user("bob", "Authors"), status=Article.Status.DRAFT)
    trash.trash(own_draft, author)
    assert own_draft.is_trashed()
    for article in (own_live, others):
        with pytest.raises(PermissionDenied):
            trash.trash(article, author)
        article.refresh_from_db()
        assert not article.is_trashed()


def test_trash_and_restore_are_revisions(editor, make_article):
    article = make_article()
    trash.trash(article, editor)
    trash.restore(article, editor)
    comments = [v.revision.comment for v in history.revisions_of(article)]
    assert comments[:2] == ["Restored from the trash (as a draft)", "Moved to the trash"]
    assert all(v.revision.user == editor for v in history.revisions_of(article)[:2])


def test_empty_trash_deletes_only_what_waited_long_enough(editor, make_article, capsys):
    old, recent, kept = make_article(), make_article(), make_article()
    trash.trash(old, editor)
    trash.trash(recent, editor)
    Article.objects.filter(pk=old.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    call_command("empty_trash", "--older-than", "30")
    assert "Deleted 1 article(s)" in capsys.readouterr().out
    assert list(Article.objects.order_by("pk").values_list("pk", flat=True)) == [recent.pk, kept.pk]


def test_empty_trash_refuses_a_negative_age(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--older-than"):
        call_command("empty_trash", "--older-than", "-1")


def test_change_list_hides_the_trash_except_under_its_filter(admin_client, editor, make_article):
    make_article(headline="Live story")
    trashed = make_article(headline="Binned story")
    trash.trash(trashed, editor)
    url = reverse("admin:articles_article_changelist")
    page = admin_client.get(url).content.decode()
    assert "Live story" in page and "Binned story" not in page
    page = admin_client.get(url + "?trash=1").content.decode()
    assert "Binned story" in page and "Live story" not in page


def test_a_trashed_article_is_read_only_at_the_desk(client, editor, make_article):
    article = make_article(headline="Binned story")
    trash.trash(article, editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    assert "In the trash since" in page
    client.post(url, {"headline": "Changed in the bin", "_publish_now": "1"})
    article.refresh_from_db()
    assert article.headline == "Binned story" and article.is_trashed()
