from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Tag
from articles.search import ParsedQuery, search_articles, tag_names_text

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_writes_tagged_articles_of_every_status():
    seed("--count", "60")
    assert Article.objects.count() == 60
    assert Tag.objects.exists()
    published = Article.objects.published()
    assert 0 < published.count() < 60
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert any(a.is_scheduled() for a in Article.objects.all())
    assert all(a.tags.exists() for a in Article.objects.all())
    assert Article.objects.filter(summary_generated=False).exclude(summary="").exists()
    assert Article.objects.filter(summary_generated=True).exists()


def test_seed_demo_is_deterministic():
    seed("--count", "30")
    first = list(Article.objects.order_by("pk").values_list("headline", "body", "status"))
    Article.objects.all().delete()
    seed("--count", "30")
    second = list(Article.objects.order_by("pk").values_list("headline", "body", "status"))
    assert first == second


def test_seed_demo_if_empty_leaves_existing_content():
    seed("--count", "5")
    assert "already exist" in seed("--count", "5", "--if-empty")
    assert Article.objects.count() == 5


def test_seed_demo_adds_unique_slugs_on_a_second_run():
    seed("--count", "10")
    seed("--count", "10")
    assert Article.objects.values("slug").distinct().count() == 20


def test_seed_demo_rejects_a_bad_count():
    with pytest.raises(CommandError):
        seed("--count", "0")


def test_seed_demo_tag_names_follow_the_tags():
    seed("--count", "30")
    for article in Article.objects.prefetch_related("tags"):
        assert article.tag_names == tag_names_text(tag.name for tag in article.tags.all())


def test_seed_demo_articles_are_searchable():
    seed("--count", "30")
    article = Article.objects.published().first()
    found = search_articles(ParsedQuery.parse(f'"{article.headline}"'))
    assert article in found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors are PostgreSQL's")
def test_seed_demo_search_vectors_are_the_triggers():
    """seed_demo computes each pooled story's vector once; it must be the one the
    trigger would have computed for the row."""
    seed("--count", "30")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM articles_article WHERE search_vector IS DISTINCT FROM"
            " articles_search_vector(headline, standfirst, summary, tag_names, body_text)"
        )
        assert cursor.fetchone() == (0,)


def test_seed_demo_looks_like_a_newspaper():
    """Pictures with alt text, caption and credit on most stories, authors,
    sections in order, a featured lead, and no sentence said twice in a story."""
    from articles.models.feature import Feature
    from articles.sanitize import html_to_text

    seed("--count", "40")
    articles = list(Article.objects.all())
    pictured = [a for a in articles if a.lead_picture]
    assert len(pictured) > len(articles) * 0.75
    assert all(a.lead_image_alt and a.lead_image_caption and a.lead_image_credit for a in pictured)
    assert len({a.lead_image.name for a in pictured}) > 4  # shared, but several
    with_authors = [a for a in articles if a.author_list]
    assert len(with_authors) > len(articles) / 2
    assert any(len(a.author_list) == 2 for a in with_authors)
    assert all(a.byline for a in articles if not a.author_list)  # wire copy
    sections = Tag.objects.filter(is_section=True).order_by("section_order")
    assert [t.name for t in sections][:3] == ["Politics", "Economy", "Climate"]
    lead = Feature.objects.get(slot=Feature.Slot.LEAD)
    assert lead.article.is_published() and lead.article.lead_picture
    assert Feature.objects.filter(slot=Feature.Slot.TOP).count() == 3
    for article in articles:
        sentences = [s for s in html_to_text(article.body).replace("\n", " ").split(". ") if s]
        assert len(sentences) == len(set(sentences)), article.headline
