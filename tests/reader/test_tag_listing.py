"""Tag pages read a tag's articles from the article–tag rows' copy of each article's
status and date (PostgreSQL, migration 0006). Every way an article or its tags
change must keep that copy exact, or a tag page would show a draft or lose a story."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, TagListing
from editorial.tags import merge_tags
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import save_articles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the listing columns are PostgreSQL's; SQLite uses the plain join",
    ),
]


def assert_listings_follow_articles():
    """Every article–tag row carries its article's current status and date."""
    stale = TagListing.objects.exclude(
        status=F("article__status"), published_at=F("article__published_at")
    )
    assert list(stale.values_list("article_id", "tag_id")) == []
    assert TagListing.objects.count() == Article.tags.through.objects.count()


def tag_page(client, slug="politics", **params):
    response = client.get(reverse("articles:tag", kwargs={"slug": slug}), params)
    assert response.status_code == 200
    return list(response.context["article_list"])


def test_new_links_copy_their_article(make_article):
    make_article(tags=["politics", "sport"])
    make_article(tags=["politics"], status=Article.Status.DRAFT)
    assert_listings_follow_articles()
    assert TagListing.objects.filter(status=Article.Status.DRAFT).count() == 1


def test_publish_unpublish_and_redate_follow(client, make_article):
    article = make_article(tags=["politics"], status=Article.Status.DRAFT)
    assert tag_page(client) == []

    article.status = Article.Status.PUBLISHED
    article.save()
    assert_listings_follow_articles()
    assert tag_page(client) == [article]

    older = make_article(tags=["politics"])
    article.published_at = older.published_at - timedelta(days=1)
    article.save()
    assert_listings_follow_articles()
    assert tag_page(client) == [older, article]

    article.published_at = timezone.now() + timedelta(days=1)  # scheduled
    article.save()
    assert_listings_follow_articles()
    assert tag_page(client) == [older]

    older.status = Article.Status.DRAFT
    older.save()
    assert_listings_follow_articles()
    assert tag_page(client) == []


def test_bulk_updates_follow(make_article):
    make_article(tags=["politics"])
    make_article(tags=["politics", "sport"])
    Article.objects.update(status=Article.Status.DRAFT, published_at=timezone.now())
    assert_listings_follow_articles()


def test_retag_follows(client, make_article, make_tag):
    article = make_article(tags=["sport"])
    article.tags.add(make_tag("politics"))
    assert tag_page(client) == [article]
    article.tags.set([make_tag("sport")])
    assert tag_page(client) == []
    make_tag("politics").articles.add(article)  # from the tag's side
    assert_listings_follow_articles()
    assert tag_page(client) == [article]


def test_merged_tag_listings_follow(client, make_article, make_tag):
    article = make_article(tags=["sport"])
    merge_tags(make_tag("sport"), make_tag("politics"))
    assert_listings_follow_articles()
    assert tag_page(client) == [article]


def test_deleted_article_leaves_no_listing(make_article):
    article = make_article(tags=["politics", "sport"])
    article.delete()
    assert TagListing.objects.count() == 0


def test_imports_follow(client, make_article):
    base = timezone.now() - timedelta(days=2)
    record = ImportedArticle(
        record=1,
        headline="Imported",
        import_ref="x-1",
        tags=["Politics"],
        status="published",
        published_at=base,
    )
    save_articles([record])
    assert_listings_follow_articles()
    assert [a.headline for a in tag_page(client)] == ["Imported"]
    # An import sets states only when the operator says so (--update-status).
    record.status = "draft"
    save_articles([record], update_status=True)
    assert_listings_follow_articles()
    assert tag_page(client) == []
    # Retagged and re-dated: the new links arrive with the article's new values.
    record.status, record.tags = "published", ["Politics", "Economy"]
    record.published_at = base - timedelta(days=1)
    save_articles([record], update_status=True)
    assert_listings_follow_articles()
    assert TagListing.objects.filter(published_at=record.published_at).count() == 2


def test_tag_page_order_matches_the_plain_join(client, make_article):
    """Newest first, ties broken by the newest id, deep pages included."""
    same_time = timezone.now() - timedelta(hours=1)
    for n in range(45):
        make_article(tags=["politics"], published_at=same_time - timedelta(minutes=n // 3))
    expected = list(
        Article.objects.published().filter(tags__slug="politics").order_by("-published_at", "-pk")
    )
    shown = tag_page(client) + tag_page(client, page=2) + tag_page(client, page=3)
    assert shown == expected
