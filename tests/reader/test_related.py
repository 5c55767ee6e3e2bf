"""More to read: related stories at an article's end, and its reading time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from reader.views import related_articles

pytestmark = pytest.mark.django_db


def related_headlines(client, article):
    response = client.get(article.get_absolute_url())
    return [a.headline for a in response.context["related_articles"]], response.content.decode()


def test_related_stories_share_a_tag_newest_first_at_most_four(client, make_article):
    story = make_article(headline="The story", tags=["Rail", "Budget"])
    for n in range(3):
        make_article(headline=f"Rail {n}", tags=["Rail"])
    make_article(headline="Budget and rail", tags=["Budget", "Rail"])
    make_article(headline="Unrelated", tags=["Sport"])
    headlines, html = related_headlines(client, story)
    assert headlines == ["Budget and rail", "Rail 2", "Rail 1", "Rail 0"]
    assert "More to read" in html
    assert html.index("More to read") < html.index("Next Article")


def test_related_stories_are_published_only_and_never_the_story_itself(
    client, make_article, hidden
):
    story = make_article(headline="The story", tags=["politics"])
    older = make_article(
        headline="Older politics",
        tags=["politics"],
        published_at=timezone.now() - timedelta(days=90),
    )
    make_article(headline="Trashed", tags=["politics"], status=Article.Status.DRAFT)
    headlines, html = related_headlines(client, story)
    assert headlines == ["Older politics"]
    assert older.get_absolute_url() in html
    assert "Secret draft plan" not in html and "Embargoed budget story" not in html


def test_a_story_without_tags_has_no_related_stories_and_no_query(
    make_article, django_assert_num_queries
):
    story = Article.objects.with_tag_links().get(pk=make_article().pk)
    with django_assert_num_queries(0):
        assert related_articles(story) == []


@pytest.mark.parametrize("rows", [5, 25])
def test_related_stories_cost_one_query(make_article, django_assert_num_queries, rows):
    articles = [make_article(tags=["a", "b", "c", "d", "e", "f"]) for _ in range(rows)]
    story = Article.objects.with_tag_links().get(pk=articles[0].pk)
    with django_assert_num_queries(1):
        assert len(related_articles(story)) == 4


def test_reading_time_is_shown_in_minutes(client, make_article):
    words = " ".join(["word"] * 920)
    article = make_article(body=f"<p>{words}</p>")
    assert article.reading_minutes == 4
    assert "4 min read" in client.get(article.get_absolute_url()).content.decode()
    assert make_article(body="<p>Short.</p>").reading_minutes == 1
