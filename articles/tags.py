"""Tags: a first-class topic with its own page and feed; a section when editors say so.

Renames and merges keep the tag's old addresses (articles.redirects). TagListing
reads the article–tag links (Article.tags) with their copy of each article's
status and date, which orders a tag page on PostgreSQL.
"""

from django.db import models, transaction

from articles import invalidation, redirects
from articles.addresses import slug_address
from articles.stored import TracksStoredValues
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
            redirects.slug_changed(self, old_slug)

    def get_absolute_url(self):
        return slug_address("articles:tag", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        invalidation.shows(invalidation.tag(instance.pk))
        return instance

    @transaction.atomic
    def merge_into(self, target, by=None):
        """Move this tag's articles to `target`, delete this tag, keep its URLs working;
        the move is recorded in the History of each article it touched, and of `target`."""
        if target.pk == self.pk:
            raise ValueError("A tag cannot be merged into itself.")
        from articles.models import Article
        from articles.publishing import record
        from articles.search import refresh_search_index

        through = Article.tags.through
        articles = list(through.objects.filter(tag=self).values_list("article_id", flat=True))
        already = through.objects.filter(tag=target).values("article_id")
        through.objects.filter(tag=self).exclude(article_id__in=already).update(tag=target)
        redirects.hand_over(self, target)
        message = f"Tag “{self.name}” merged into “{target.name}”"
        record(Article.objects.filter(pk__in=articles).only("pk", "headline"), by, message)
        record([target], by, message)
        self.delete()
        # The update() above sends no m2m signals: the search index and the page cache.
        refresh_search_index(articles)
        invalidation.articles_moved(articles)


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
