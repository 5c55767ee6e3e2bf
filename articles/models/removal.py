"""Removals: when a public article stopped being public, for the API's change feed.

A partner keeping a copy of our stories must learn of the ones taken down, or
pulled stories live on in its copy. An article leaves the public when it is
unpublished, trashed, rescheduled into the future or deleted; the row that
says so would be gone or look like any draft, so each such moment is written
down here, with the slug the article had. A Removal outlives its article (no
foreign key: emptying the trash must not erase that it was pulled).

Who writes them: `Article.save()` when the stored row was public and the saved
one is not (editorial's unpublish, trash and schedule all save), the importer
when a record takes a public story down in bulk (`--update-status`), and a
signal when a public article is deleted outright. Appearing needs nothing here:
a published or updated article is found by its own times (`Article.changed_at`).
"""

from collections.abc import Iterable

from django.db import models
from django.db.models.signals import post_delete
from django.utils import timezone


class Removal(models.Model):
    class Reason(models.TextChoices):
        UNPUBLISHED = "unpublished", "Unpublished"
        TRASHED = "trashed", "Moved to the trash"
        DELETED = "deleted", "Deleted"

    # Not a foreign key: the removal of an article deleted for good is still news.
    article_id = models.BigIntegerField()
    slug = models.SlugField(max_length=255, allow_unicode=True, db_index=False)
    reason = models.CharField(max_length=20, choices=Reason)
    removed_at = models.DateTimeField()

    class Meta:
        ordering = ["removed_at", "pk"]
        indexes = [models.Index(fields=["removed_at", "id"], name="removal_order")]

    def __str__(self):
        return f"{self.article_id} {self.reason} at {self.removed_at:%Y-%m-%d %H:%M}"


def reason_for(article) -> str:
    return Removal.Reason.TRASHED if article.trashed_at else Removal.Reason.UNPUBLISHED


def record(articles: Iterable, reason: str | None = None) -> None:
    """Note that these articles, public until now, are not any more."""
    now = timezone.now()
    Removal.objects.bulk_create(
        Removal(
            article_id=article.pk,
            slug=article.slug,
            reason=reason or reason_for(article),
            removed_at=now,
        )
        for article in articles
    )


def _public_article_deleted(sender, instance, **kwargs):
    # Deleting from the trash needs no note: the article left the public when trashed.
    if instance.is_published():
        record([instance], Removal.Reason.DELETED)


def connect_signals() -> None:
    """From ArticlesConfig.ready(), when the Article model exists."""
    post_delete.connect(_public_article_deleted, sender="articles.Article", dispatch_uid="removals")
