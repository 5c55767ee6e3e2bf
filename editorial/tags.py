"""Merging tags: one topic under two names becomes one, and its addresses keep working."""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, redirect
from articles.search import refresh_search_index
from editorial import announcements, history
from editorial.publishing import record


@transaction.atomic
def merge_tags(tag, target, by=None) -> None:
    """Move `tag`'s articles to `target`, delete `tag`, keep its URLs working; the
    move is recorded in the History of each article it touched, and of `target`."""
    if target.pk == tag.pk:
        raise ValueError("A tag cannot be merged into itself.")
    through = Article.tags.through
    articles = list(through.objects.filter(tag=tag).values_list("article_id", flat=True))
    history.snapshot_unrecorded(articles)
    already = through.objects.filter(tag=target).values("article_id")
    through.objects.filter(tag=tag).exclude(article_id__in=already).update(tag=target)
    # Their tags changed: the API's change feed reports them as updated.
    Article.objects.filter(pk__in=articles).update(changed_at=timezone.now())
    redirect.hand_over(tag, target)
    message = f"Tag “{tag.name}” merged into “{target.name}”"
    record(Article.objects.filter(pk__in=articles).only("pk", "headline"), by, message)
    record([target], by, message)
    tag.delete()
    # The update() above sends no m2m signals: the search index and the page cache.
    refresh_search_index(articles)
    announcements.articles_moved(articles)
