"""Authors: the people behind the stories, each with a profile page and feeds.

An article has one or more authors in order (`ArticleAuthor.position`); its byline
reads from them ("By Ann Reed and Ben Cole"). Wire copy and imports that name no
known profile keep the free-text `Article.byline` instead.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from articles.addresses import slug_address
from articles.images import LeadImageField


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, allow_unicode=True, help_text="The author page's address."
    )
    role = models.CharField(
        max_length=100,
        blank=True,
        help_text="As shown under the name, e.g. “Transport correspondent”.",
    )
    bio = models.TextField(
        "short bio", max_length=600, blank=True, help_text="Two or three plain sentences."
    )
    photo = LeadImageField(
        upload_to="authors/",
        max_length=255,
        blank=True,
        help_text="A square head-and-shoulders picture. Location and camera data are removed.",
    )
    website = models.URLField(max_length=500, blank=True)
    social_url = models.URLField("social profile", max_length=500, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account of this author, if any: their new articles name them.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.photo and not self.photo._committed:
            # Loaded on use, as articles.images does: Pillow stays out of startup.
            from articles.images.uploads import clean_copy

            content, _ = clean_copy(self.photo.file)
            self.photo.save(content.name, content, save=False)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_address("articles:author", self.slug)

    @cached_property
    def links(self) -> list[tuple[str, str]]:
        return [
            (label, url)
            for label, url in (("Website", self.website), ("Social", self.social_url))
            if url
        ]


class ArticleAuthor(models.Model):
    """One author of one article, in the byline's order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines"
    )
    # An author with stories is kept: their bylines would otherwise vanish silently.
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_once"),
        ]
        indexes = [models.Index(fields=["author", "article"], name="article_author_by_author")]

    def __str__(self):
        return f"{self.author} · {self.article_id}"


def byline_text(names: list[str]) -> str:
    """Names as a byline reads them: "Ann", "Ann and Ben", "Ann, Ben and Cal"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
