"""What an Editor asked an Author to change when sending a story back (editorial.review)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewNoteQuerySet(models.QuerySet):
    def open(self):
        """Notes the author has not answered yet by submitting the article again."""
        return self.filter(answered_at__isnull=True)


class ReviewNote(models.Model):
    """What an Editor asked the Author to change when sending an article back."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_notes"
    )
    note = models.TextField(help_text="Plain text, for the author; never shown to readers.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the author submitted the article again."
    )

    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Sent back: “{self.article}”"
