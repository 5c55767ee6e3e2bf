"""Featured stories: what editors pin to the head of the front page, and until when.

A feature puts one article in the lead or among the top stories until its
`expires_at` passes (or for as long as it exists, without one). Features never
bypass the visibility gate: the front page reads them through
`Article.objects.published()`, so a featured story that is unpublished, trashed or
still scheduled is simply not shown.
"""

from django.db import models
from django.utils import timezone


class FeatureQuerySet(models.QuerySet):
    def active(self, now=None):
        """Features whose time has not run out."""
        now = timezone.now() if now is None else now
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class Feature(models.Model):
    class Slot(models.TextChoices):
        LEAD = "lead", "Lead story"
        TOP = "top", "Top story"

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="feature"
    )
    slot = models.CharField(
        "position on the front page", max_length=10, choices=Slot, default=Slot.TOP
    )
    expires_at = models.DateTimeField(
        "featured until",
        null=True,
        blank=True,
        help_text="In the newsroom's time zone. Leave empty to keep it until you remove it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeatureQuerySet.as_manager()

    class Meta:
        ordering = ["slot", "-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="feature_expiry")]

    def __str__(self):
        return f"{self.get_slot_display()}: {self.article}"

    def is_active(self):
        return self.expires_at is None or self.expires_at > timezone.now()
