"""articles.compiled copies what Django's ModelIterable does: its instances must be the
ORM's, field for field and annotation for annotation, or readers see something else."""

from datetime import timedelta

import pytest
from django.db import connection, models
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Correction
from reader import views

pytestmark = pytest.mark.django_db


def orm_article_page(slug, now):
    """views.public_article_page() with the values in place of its Params."""
    articles = Article.objects.published(now).filter(slug=slug)
    return articles.with_tag_links().with_author_links().with_corrections().with_neighbours(now)


def state(instance) -> dict:
    """Everything an instance holds: its fields, its annotations, its loading state."""
    values = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    loading = {k: v for k, v in vars(instance._state).items() if k != "fields_cache"}
    return {**values, "_state": loading}


@pytest.fixture
def stories(make_article):
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed")
    ben = Author.objects.create(name="Ben Cole", slug="ben-cole")
    first = make_article(headline="First", tags=["politics", "harbour"], summary="In short.")
    middle = make_article(
        headline="Middle",
        tags=["politics"],
        standfirst="The standfirst.",
        lead_image_url="https://example.org/p.jpg",
        lead_image_alt="A harbour",
        modified_at=timezone.now() - timedelta(days=1),
    )
    last = make_article(headline="Last")  # no tags, authors or corrections: NULL annotations
    ArticleAuthor.objects.create(article=middle, author=ben, position=1)
    ArticleAuthor.objects.create(article=middle, author=ann, position=0)
    for n, kind in enumerate(Correction.Kind.values):
        Correction.objects.create(
            article=middle, kind=kind, note=f"Note {n}.", published_at=timezone.now()
        )
    return first, middle, last


def test_compiled_rows_equal_the_orms_for_every_field_and_annotation(stories):
    now = timezone.now()
    for story in stories:
        compiled = views.PUBLIC_ARTICLE_PAGE(slug=story.slug, now=now)
        orm = list(orm_article_page(story.slug, now))
        assert len(compiled) == len(orm) == 1
        assert state(compiled[0]) == state(orm[0]), story.headline
        fields = {f.attname for f in Article._meta.concrete_fields}
        assert fields <= compiled[0].__dict__.keys()


def test_the_compiled_query_is_the_one_pinned_here():
    """A new annotation or filter in views.public_article_page() must be added to
    orm_article_page() above, so the comparison covers it."""
    now = timezone.now()
    built = views.public_article_page()
    pinned = orm_article_page("a-slug", now)
    assert built.query.annotations.keys() == pinned.query.annotations.keys()
    assert isinstance(built.query.annotations["tag_links"].output_field, models.JSONField)
    compiled_sql = built.query.get_compiler(connection=connection).as_sql()[0]
    pinned_sql = pinned.query.get_compiler(connection=connection).as_sql()[0]
    # A Param in a subquery is parenthesized, as an expression; a value is not.
    assert compiled_sql.replace("(%s)", "%s") == pinned_sql.replace("(%s)", "%s")


def test_a_missing_article_is_an_empty_list(db):
    assert views.PUBLIC_ARTICLE_PAGE(slug="nowhere", now=timezone.now()) == []


def test_related_stories_compiled_equal_the_orms(make_article):
    for n in range(8):
        make_article(headline=f"Story {n}", tags=["politics", "harbour", "sport"][: 1 + n % 3])
    make_article(
        headline="Scheduled", tags=["politics"], published_at=timezone.now() + timedelta(hours=1)
    )
    for article in Article.objects.published().with_tag_links():
        tag_ids = [tag.pk for tag in article.tag_list[: views.RELATED_TAGS]]
        orm = Article.objects.with_any_tag(tag_ids, views.RELATED_STORIES, exclude=[article.pk])
        orm = orm.only(*views.RELATED_FIELDS).order_by("-published_at", "-pk")
        compiled = views.related_articles(article)
        expected = list(orm[: views.RELATED_STORIES])
        assert [state(a) for a in compiled] == [state(a) for a in expected]
        assert (
            len(compiled) == min(views.RELATED_STORIES, len(expected)) and article not in compiled
        )
