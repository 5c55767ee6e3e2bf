"""Previews: staff open unpublished articles at their own URL; nobody else does,
and no public surface ever lists them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.desk_client import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(make_article, author):
    return {
        "draft": make_article(headline="Secret draft plan", status="draft", author=author),
        "scheduled": make_article(
            headline="Embargoed budget story",
            published_at=timezone.now() + timedelta(days=1),
            author=author,
            tags=["budget"],
        ),
    }


def test_editor_previews_a_draft_under_a_banner(client, editor, unpublished, make_article):
    make_article(headline="Older public story", published_at=timezone.now() - timedelta(days=9))
    client.force_login(editor)
    response = client.get(unpublished["draft"].get_preview_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft — not public" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert "<h1>Secret draft plan</h1>" in html
    # A preview stands outside the public sequence: no neighbour links.
    assert "Previous Article" not in html
    assert "Older public story" not in html


def test_scheduled_preview_names_its_time_in_the_newsrooms_zone(client, editor, unpublished):
    client.force_login(editor)
    article = unpublished["scheduled"]
    html = client.get(article.get_preview_url()).content.decode()
    local = timezone.localtime(article.published_at)
    assert f'Scheduled for <time datetime="{local.isoformat()}">' in html
    assert local.strftime("%H:%M") + " " + local.tzname() in html


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_readers_get_404_for_unpublished(client, unpublished, state):
    assert client.get(unpublished[state].get_absolute_url()).status_code == 404


def test_author_previews_own_but_not_others(client, author, make_user, unpublished, make_article):
    client.force_login(author)
    assert client.get(unpublished["draft"].get_preview_url()).status_code == 200
    other = make_article(headline="Someone else's draft", status="draft")
    assert client.get(other.get_absolute_url()).status_code == 404
    client.force_login(make_user("ben", "Authors"))
    assert client.get(unpublished["draft"].get_preview_url()).status_code == 404


def test_published_article_seen_by_staff_is_not_a_preview(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert "Draft — not public" not in response.content.decode()
    assert response.get("Cache-Control") != "private, no-store"


def test_previews_never_appear_in_public_lists_even_for_staff(
    client, editor, unpublished, make_article
):
    older = make_article(headline="Older", published_at=timezone.now() - timedelta(days=20))
    newer = make_article(headline="Newer", tags=["budget"])
    client.force_login(editor)
    pages = ["/", "/tags/budget/", "/feed/", "/sitemap-articles.xml", older.get_absolute_url()]
    for page in pages:
        html = client.get(page).content.decode()
        for article in unpublished.values():
            assert article.headline not in html, page
            assert article.slug not in html, page
    assert newer.headline in client.get(older.get_absolute_url()).content.decode()
    assert newer.slug in client.get("/sitemap-articles.xml").content.decode()


def test_change_form_links_preview_or_view_on_site(client, editor, unpublished, make_article):
    client.force_login(editor)
    draft_form = client.get(change_url(unpublished["draft"])).content.decode()
    assert (
        f'<a href="{unpublished["draft"].get_preview_url()}" class="viewsitelink">Preview</a>'
        in (draft_form)
    )
    live = make_article()
    live_form = client.get(change_url(live)).content.decode()
    assert f'<a href="{live.get_absolute_url()}" class="viewsitelink">View on site</a>' in live_form


def test_scheduled_article_appears_when_due(client, unpublished):
    article = unpublished["scheduled"]
    assert article not in Article.objects.published()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.headline in client.get("/").content.decode()
