"""The trash: where a deleted article waits, restorable, before it goes for good.

Trashing an article sets `trashed_at` and makes it a draft, through the model's
own save (so the page cache's signals and the version check see it like any
edit): `Article.objects.published()` leaves it out at once, and its address
answers 410 Gone. It keeps its tags, images and revisions; restoring it clears
`trashed_at` and leaves it a draft. `manage.py empty_trash --older-than 30`
deletes what has waited that many days.

Who may: the same people who may delete it at the desk. Editors any article;
Authors only their own drafts.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import PUBLISH_PERMISSION, Article
from editorial import history

KEEP_DAYS = 30


def may_trash(article: Article, user) -> bool:
    """Editors trash (and restore) any article; Authors their own drafts only."""
    if not user.has_perm("articles.delete_article"):
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def trash(article: Article, user, *, comment: str = "Moved to the trash") -> None:
    if not may_trash(article, user):
        raise PermissionDenied("You may move only your own drafts to the trash.")
    if article.trashed_at is not None:
        return
    with transaction.atomic():
        article.trashed_at = timezone.now()
        article.trashed_by = user
        article.status = Article.Status.DRAFT
        article.save()
        history.record(article, user=user, comment=comment)


def restore(article: Article, user, *, comment: str = "Restored from the trash") -> None:
    if not may_trash(article, user):
        raise PermissionDenied("You may restore only your own drafts from the trash.")
    if article.trashed_at is None:
        return
    with transaction.atomic():
        article.trashed_at = None
        article.trashed_by = None
        article.save()
        history.record(article, user=user, comment=comment)


def expired(days: int = KEEP_DAYS):
    """Articles that have been in the trash for more than `days` days."""
    return Article.objects.trashed().filter(trashed_at__lt=timezone.now() - timedelta(days=days))
