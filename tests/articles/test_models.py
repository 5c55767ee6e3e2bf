from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from articles.addresses import slug_address
from articles.models import Article

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled(make_article):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    assert list(Article.objects.published()) == [live]


def test_scheduled_article_becomes_public_when_its_time_passes(make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert not scheduled.is_published()
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert list(Article.objects.published()) == [scheduled]


def test_is_published_mirrors_the_queryset(make_article):
    assert make_article().is_published()
    assert not make_article(status=Article.Status.DRAFT).is_published()
    future = make_article(published_at=timezone.now() + timedelta(days=1))
    assert not future.is_published()
    assert future.is_scheduled()


def test_slug_is_made_from_headline_and_kept_unique(make_article):
    first = make_article(headline="Storm closes the harbour")
    second = make_article(headline="Storm closes the harbour")
    assert first.slug == "storm-closes-the-harbour"
    assert second.slug == "storm-closes-the-harbour-2"


def test_import_ref_unique_only_when_set(make_article):
    make_article(import_ref="")
    make_article(import_ref="")
    make_article(import_ref="feed:1")
    with pytest.raises(IntegrityError):
        make_article(import_ref="feed:1")


def test_body_is_sanitized_on_save(make_article):
    article = make_article(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert article.body == "<p>Hi</p>"
    assert article.body_text == "Hi"


def test_previous_and_next_follow_published_order(make_article):
    oldest, middle, newest = make_article(), make_article(), make_article()
    assert oldest.previous_article() is None
    assert oldest.next_article() == middle
    assert middle.previous_article() == oldest
    assert middle.next_article() == newest
    assert newest.next_article() is None


def test_neighbours_break_ties_on_id(make_article):
    moment = timezone.now() - timedelta(days=1)
    first, second, third = (make_article(published_at=moment) for _ in range(3))
    assert first.previous_article() is None
    assert first.next_article() == second
    assert second.previous_article() == first
    assert second.next_article() == third
    assert third.previous_article() == second
    assert third.next_article() is None


def test_neighbours_skip_drafts_and_scheduled(make_article):
    oldest = make_article()
    make_article(status=Article.Status.DRAFT)
    newest = make_article()
    make_article(published_at=timezone.now() + timedelta(days=2))
    assert oldest.next_article() == newest
    assert newest.previous_article() == oldest
    assert newest.next_article() is None


def test_walk_through_next_visits_every_published_article_once(make_article):
    moment = timezone.now() - timedelta(days=3)
    for n in range(12):
        # Repeated timestamps and unpublished rows mixed in.
        make_article(published_at=moment + timedelta(minutes=n // 3))
        if n % 4 == 0:
            make_article(status=Article.Status.DRAFT, published_at=moment)
    published = list(Article.objects.published().order_by("published_at", "pk"))
    walk, article = [], published[0]
    while article is not None:
        walk.append(article)
        article = article.next_article()
    assert walk == published
    back, article = [], published[-1]
    while article is not None:
        back.append(article)
        article = article.previous_article()
    assert back == published[::-1]


@pytest.mark.parametrize("slug", ["plain-slug", "ünïcödé-slug", "under_score-2", "日本語"])
@pytest.mark.parametrize("prefix", ["/", "/news/"])
def test_slug_addresses_are_what_reverse_gives(slug, prefix):
    set_script_prefix(prefix)
    try:
        for view in ("articles:detail", "articles:tag"):
            assert slug_address(view, slug) == reverse(view, kwargs={"slug": slug})
        assert Article(slug=slug).get_absolute_url() == reverse("articles:detail", args=[slug])
    finally:
        set_script_prefix("/")
