"""Corrections and clarifications: notes published under a live story.

A correction says what was wrong; a clarification adds what was unclear. Each is
made by `editorial.publishing.save_change()` with the change it explains,
shown in the story's corrections box, carried by its NewsArticle JSON-LD as a
schema.org `CorrectionComment`, and listed at /corrections/ with its own feeds.
A note is history: it is never edited or removed by a later change.
"""

from django.conf import settings
from django.db import models


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Notes on articles the public may see, newest first: through
        `Article.objects.published()`, the one gate, so an unpublished story's
        corrections leave /corrections/ with it."""
        articles = self.model._meta.get_field("article").related_model.objects
        return self.filter(article__in=articles.published()).order_by("-published_at", "-pk")


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    note = models.TextField(help_text="Plain text, shown to readers under the story.")
    published_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["article", "published_at"], name="correction_article_time")]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"
