"""A live story's changes kept aside until an Editor publishes them (editorial.pending)."""

from django.conf import settings
from django.db import models

from articles.content import process
from articles.models.tag import Tag

# What a pending change keeps, and applies when published: the story's words,
# address and credits, and its lead image's URL and text (tags are kept beside
# them). A new lead image file or a change of authors or of the front page's pin
# cannot wait in a pending change: the desk refuses them, naming them.
PENDING_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "summary",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "lead_image_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
)


class PendingChange(models.Model):
    """The edited fields of a live article, waiting to be published."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="pending_change"
    )
    fields = models.JSONField(help_text="The edited values of PENDING_FIELDS, by name.")
    tag_ids = models.JSONField(default=list, help_text="The edited tags, by id.")
    based_on = models.DateTimeField(help_text="The live row's updated_at when this was started.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Pending change to “{self.article}”"

    def applied_to(self, article):
        """A copy of `article` showing this change, for the preview; never saved."""
        copy = type(article).objects.with_corrections().get(pk=article.pk)
        for name, value in self.fields.items():
            setattr(copy, name, value)
        process(copy)  # sanitized and summarized as a save would
        copy.tag_list = list(Tag.objects.filter(pk__in=self.tag_ids))
        return copy
