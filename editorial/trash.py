"""The trash: where a deleted article waits, restorable, before it goes for good.

Trashing an article sets `trashed_at` and makes it a draft, through the model's
own save (so the page cache's signals and the version check see it like any
edit): `Article.objects.published()` leaves it out at once, and its address
answers 410 Gone. It keeps its tags, images and revisions. Nothing leaves the
trash except by `restore()`, which always gives a draft, whatever was done to
the row meanwhile (editorial.moves: no move but a restore starts in the trash).
`manage.py empty_trash --older-than 30` deletes what has waited that many days.

Who may: Editors trash and restore any article. Authors trash their own drafts,
and restore only what they trashed themselves: a story an Editor trashed (or
once published) stays out of their reach.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import PUBLISH_PERMISSION, Article
from editorial import moves
from editorial.publishing import before_change, record

NOT_YOURS_TO_TRASH = "You may move only your own drafts to the trash."
NOT_YOURS_TO_RESTORE = "You may restore only the drafts you moved to the trash yourself."
KEEP_DAYS = 30


def may_trash(article: Article, user) -> bool:
    """Editors trash (and restore) any article; Authors their own drafts only."""
    if not user.has_perm("articles.delete_article"):
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return (
        article.author_id == user.pk
        and article.status == Article.Status.DRAFT
        and not article.ever_public()
    )


def may_restore(article: Article, user) -> bool:
    """Editors restore any article; Authors only a draft of theirs they trashed."""
    if not may_trash(article, user):
        return False
    return user.has_perm(PUBLISH_PERMISSION) or article.trashed_by_id == user.pk


@transaction.atomic
def trash(article: Article, user, *, comment: str = "Moved to the trash") -> None:
    if not may_trash(article, user):
        raise PermissionDenied(NOT_YOURS_TO_TRASH)
    if article.trashed_at is not None:
        return
    moves.require(article, "trash")
    before_change(article)
    article.trashed_at = timezone.now()
    article.trashed_by = user
    article.status = Article.Status.DRAFT
    article.save()
    record([article], user, comment)


@transaction.atomic
def restore(
    article: Article, user, *, comment: str = "Restored from the trash (as a draft)"
) -> None:
    if article.trashed_at is None:
        return
    if not may_restore(article, user):
        raise PermissionDenied(NOT_YOURS_TO_RESTORE)
    moves.require(article, "restore")
    before_change(article)
    article.trashed_at = None
    article.trashed_by = None
    # A draft whatever the row says: an import or a script may have set it published.
    article.status = Article.Status.DRAFT
    article.save()
    record([article], user, comment)


def expired(days: int = KEEP_DAYS):
    """Articles that have been in the trash for more than `days` days."""
    return Article.objects.trashed().filter(trashed_at__lt=timezone.now() - timedelta(days=days))
