"""Old addresses: an article or a tag whose slug changed keeps its old ones working,
and so does an imported article's address on the site it came from.

This is the bookkeeping: `slug_changed()` runs when an article or a tag is saved
with a new slug (Article.save, Tag.save), `hand_over()` when a tag is merged into
another; imports record `OldAddress` rows (a WordPress permalink and its `?p=<id>`,
a Ghost post's `/<slug>/`, a feed item's link on the feed's own host). The reader's
one fallback (reader.redirects) answers the old addresses with a 301.
"""

from django.db import models

from articles.addresses import ADDRESS_MAX_LENGTH


class ArticleRedirect(models.Model):
    """An old slug of a published article, answered with a 301 to its current URL."""

    old_slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/{self.old_slug}/ → {self.article.slug}"

    @classmethod
    def target(cls, slug, request):
        """The article `slug` used to name, if `request`'s user may see it: an old
        address never leads readers to an unpublished article."""
        articles = cls._meta.get_field("article").related_model.objects
        visible = articles.visible_to(request.user)
        old = cls.objects.select_related("article").filter(old_slug=slug, article__in=visible)
        return getattr(old.first(), "article", None)

    @classmethod
    def gone(cls, slug) -> bool:
        """Whether `slug` named an article now in the trash, as its slug or an old one:
        readers (of the pages and of the API) get 410 Gone there rather than Not Found."""
        trashed = cls._meta.get_field("article").related_model.objects.trashed()
        return (
            trashed.filter(slug=slug).exists()
            or cls.objects.filter(old_slug=slug, article__in=trashed).exists()
        )


class OldAddress(models.Model):
    """An address an imported article had on its old site, answered with a 301 to it.

    `address` is `articles.addresses.address_key()` of the old URL: its decoded path
    without the trailing slash, plus `?p=<id>` for WordPress's query-string addresses.
    """

    address = models.CharField(max_length=ADDRESS_MAX_LENGTH, unique=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="old_addresses"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "old address"

    def __str__(self):
        return f"{self.address} → {self.article.slug}"

    @classmethod
    def target(cls, address, request):
        """The article imported from `address`, if `request`'s user may see it."""
        articles = cls._meta.get_field("article").related_model.objects
        visible = articles.visible_to(request.user)
        old = cls.objects.select_related("article").filter(address=address, article__in=visible)
        return getattr(old.first(), "article", None)


class TagRedirect(models.Model):
    """An old slug of a renamed or merged tag, answered with a 301 to the tag now."""

    old_slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey("articles.Tag", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/tags/{self.old_slug}/ → {self.tag.slug}"

    @classmethod
    def target(cls, slug, request):
        """The tag `slug` used to name: its page and its feeds (every tag is public)."""
        return getattr(cls.objects.select_related("tag").filter(old_slug=slug).first(), "tag", None)


def slug_changed(owner, old_slug, *, keep_old=True):
    """`owner` (an Article or a Tag) was saved with a new slug, replacing `old_slug`.

    The live owner of a slug has it: an old address pointing elsewhere gives way.
    With `keep_old`, `old_slug` now leads to `owner`; an article never public has
    no readers or search engines that know its old address, so it keeps none.
    """
    redirects = owner.redirects  # ArticleRedirect or TagRedirect rows, by related_name
    redirects.model.objects.filter(old_slug=owner.slug).delete()
    if keep_old:
        redirects.model.objects.update_or_create(
            old_slug=old_slug, defaults={redirects.field.name: owner}
        )


def hand_over(tag, target):
    """`tag` is merged into `target`: its old addresses and its own lead to `target`."""
    tag.redirects.update(tag=target)
    TagRedirect.objects.update_or_create(old_slug=tag.slug, defaults={"tag": target})
