"""Tags: a first-class topic with its own page and feed; a section when editors say so.

Renames and merges (editorial.tags) keep the tag's old addresses
(articles.models.redirect). TagListing reads the article–tag links (Article.tags)
with their copy of each article's status and date, which orders a tag page on
PostgreSQL.
"""

from django.db import models

from articles.addresses import slug_address
from articles.models import redirect
from articles.models.stored import TracksStoredValues
from newsroom.routers import primary_reads


class Tag(TracksStoredValues, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    is_section = models.BooleanField(
        "section",
        default=False,
        help_text="Show this tag in the site's header as a section, and give it a block "
        "on the front page.",
    )
    section_order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections appear in this order, lowest first."
    )

    tracked_fields = ("slug", "is_section")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @primary_reads()  # the stored slug, from a replica, could be out of date
    def save(self, *args, **kwargs):
        old_slug = self.stored_value("slug")
        super().save(*args, **kwargs)
        self._remember_stored()
        if old_slug is not None and old_slug != self.slug:
            redirect.slug_changed(self, old_slug)

    def get_absolute_url(self):
        return slug_address("articles:tag", self.slug)


class TagListing(models.Model):
    """A row of the article–tag table (Article.tags) with the copy of its article's
    status and date that migration 0006 adds on PostgreSQL, kept exact by triggers.

    Read-only and PostgreSQL-only: Django creates and writes the table as the
    `tags` relation; this model only lets queries order a tag's articles by the
    listing index (ArticleQuerySet.published_with_tag).
    """

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="listings",
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.DO_NOTHING, db_constraint=False, related_name="listings"
    )
    status = models.CharField(max_length=20)  # the article's, copied
    published_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "articles_article_tags"

    def __str__(self):
        return f"{self.tag_id} · {self.article_id}"
