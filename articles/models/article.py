"""The article and the one visibility gate (ArticleQuerySet.published).

The article is content: its fields, what it shows readers (status label, byline,
reading time, neighbours) and how it is stored (articles.content processes it, and
every save is conditional on the version read: articles.models.versioned). The moves
between its states (publish, schedule, review, pending changes, trash) are the
editorial app's; the JSON that rides along with a list is in articles.models.links.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Expression, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.functional import cached_property

from articles import content, images
from articles.addresses import slug_address
from articles.images import LeadImageField
from articles.models import redirect, removal
from articles.models.author import byline_text
from articles.models.links import LinksQuerySet, ReadsLinks
from articles.models.pending_change import PendingChange
from articles.models.stored import TracksStoredValues
from articles.models.tag import Tag
from articles.models.versioned import VersionedModel
from articles.summarizer import SUMMARY_MAX_LENGTH
from newsroom.routers import primary_reads

# Held by Editors: publish, schedule, unpublish, and work on everyone's articles.
# Staff without it (Authors) work on their own drafts only.
PUBLISH_PERMISSION = "articles.publish_article"

# How deep a public list (front, tag and author pages, search) may be paged: its
# cost then stays the same at any archive size (reader.pagination says why).
MAX_PAGES = 50

WORDS_PER_MINUTE = 230
CANONICAL_URL_HELP = (
    "Only for a story whose original lives elsewhere (a syndicated copy, an imported "
    "post's own choice): search engines are pointed there. Empty: its address here."
)


class ArticleQuerySet(LinksQuerySet):
    def published(self, now=None):
        """Articles the public may see: status published and not scheduled for later.

        This is the one visibility gate: every public surface starts here. `now` is
        this moment unless given (a compiled query passes a Param; articles.compiled).
        """
        now = timezone.now() if now is None else now
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now, trashed_at__isnull=True
        )

    def published_with_tag(self, tag, now=None):
        """Published articles with `tag`, newest first, at a cost that does not grow
        with the archive or the page's depth.

        On PostgreSQL the order comes from the tag's listing: the article–tag rows
        carry a copy of their article's status and date (migration 0006), and an
        index on them lists a tag's published articles newest first. Elsewhere, the
        plain join. `tag` and `now` may be Params (articles.compiled).
        """
        now = timezone.now() if now is None else now
        articles = self.published(now)
        if connections[self.db].vendor != "postgresql":
            return articles.filter(tags=tag)
        return articles.filter(
            listings__tag=tag,
            listings__status=Article.Status.PUBLISHED,
            listings__published_at__lte=now,
        ).order_by("-listings__published_at", "-pk")  # pk equals the listing's article_id

    def scheduled(self, now=None):
        """Published with a future time: public by themselves when it passes."""
        now = timezone.now() if now is None else now
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def in_review(self):
        """Drafts their authors have submitted, waiting for an Editor's decision."""
        return self.filter(status=Article.Status.IN_REVIEW)

    def trashed(self):
        """Articles in the trash: gone from every public surface, restorable."""
        return self.filter(trashed_at__isnull=False)

    def not_trashed(self):
        return self.filter(trashed_at__isnull=True)

    def editable_by(self, user):
        """The articles `user` works on at the desk: all for Editors, their own for Authors."""
        if user.has_perm(PUBLISH_PERMISSION):
            return self.all()
        return self.filter(author=user) if user.pk else self.none()

    def visible_to(self, user):
        """What `user` may open at an article's URL: the public ones, plus previews
        of the unpublished articles they work on."""
        if user.has_perm(PUBLISH_PERMISSION):
            return self.not_trashed()
        if user.pk and user.has_perm("articles.change_article"):
            return self.published() | self.filter(author=user, trashed_at__isnull=True)
        return self.published()

    def with_any_tag(self, tags, per_tag, exclude=(), now=None):
        """Published articles among the newest `per_tag` of each of `tags` (leaving
        out the ids in `exclude`): the section blocks and related stories.

        Each tag's newest come from its own indexed listing (published_with_tag) in
        a subquery of its own, so the cost does not grow with the archive; the
        subqueries' ids are gathered with UNION ALL, which both databases accept
        around subqueries (not around LIMITs of their own). `exclude` is a list of
        ids or one Param; the tags and `now` may be Params too (articles.compiled).
        """
        left_out = Q(pk=exclude) if isinstance(exclude, Expression) else Q(pk__in=list(exclude))
        parts = [
            Article.objects.filter(
                pk__in=Article.objects.published_with_tag(tag, now)
                .exclude(left_out)
                .values("pk")[:per_tag]
            ).values("pk")
            for tag in tags
        ]
        if not parts:
            return self.none()
        ids = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return self.published(now).filter(pk__in=ids)


class Article(ReadsLinks, TracksStoredValues, VersionedModel):
    """A story. The moves between its states are functions of the editorial app
    (editorial.publishing, .review, .pending, .trash) that take an article; every
    save is conditional on the version read (articles.models.versioned)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    standfirst = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence under the headline that sells the story.",
    )
    summary = models.TextField(
        blank=True,
        help_text=(
            f"1–3 sentences, at most {SUMMARY_MAX_LENGTH} characters, shown behind "
            "“Get a summary”. Leave empty to have one generated from the body."
        ),
    )
    summary_generated = models.BooleanField(
        default=False,
        editable=False,
        help_text="True when the summary was generated from the body, not written by an editor.",
    )
    body = models.TextField(blank=True, help_text="HTML; sanitized when saved.")
    body_text = models.TextField(blank=True, editable=False, help_text="Plain text of the body.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(
        "articles.Author",
        through="articles.ArticleAuthor",
        blank=True,
        related_name="articles",
        help_text="The byline, in order. Leave empty to use the free-text byline (wire copy).",
    )
    tag_names = models.TextField(
        blank=True,
        editable=False,
        help_text="The tags' names, for search; kept by articles.search.refresh_search_index().",
    )
    byline = models.CharField(
        "free-text byline",
        max_length=200,
        blank=True,
        help_text="Shown when the article has no authors, e.g. for wire copy.",
    )
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    canonical_url = models.URLField(
        "canonical URL", max_length=500, blank=True, help_text=CANONICAL_URL_HELP
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="The article's place in the public order; set by publishing or scheduling.",
    )
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the article first became public; kept when it is unpublished. "
        "Empty for a draft never published.",
    )
    modified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When readers were last told of a change (an update or a correction); "
        "a minor fix leaves it. Not updated_at, which any save moves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Any write, bulk ones too; never an import's source time (updated_at may be).
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    import_ref = models.CharField(max_length=200, blank=True, default="", editable=False)
    import_run = models.ForeignKey(
        "articles.ImportRun",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        # Read from the article, never searched by run, and runs are never deleted:
        # an index or a foreign-key check would only cost every imported row
        # (the check runs per row at each batch's COMMIT).
        db_index=False,
        db_constraint=False,
        help_text="The import that last wrote the article, if one did (editorial.imports).",
    )
    lead_image = LeadImageField(
        upload_to="lead-images/%Y/%m/",
        max_length=255,
        blank=True,
        help_text="JPEG, PNG, WebP or GIF. Location and camera data are removed when saved.",
    )
    lead_image_url = models.URLField(
        "lead image URL",
        max_length=500,
        blank=True,
        help_text="An external image recorded by an import; used when no image is uploaded.",
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required with an image.",
    )
    lead_image_caption = models.CharField("caption", max_length=500, blank=True)
    lead_image_credit = models.CharField("credit", max_length=200, blank=True)
    lead_image_renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Sizes and storage names of the resized copies; see articles/images.py.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The staff member who created the article; empty for imports.",
    )
    trashed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the article was moved to the trash; empty while it is not there.",
    )
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    tracked_fields = ("slug", "status", "published_at", "trashed_at")

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish any article")]
        constraints = [
            models.UniqueConstraint(
                fields=["import_ref"],
                condition=~Q(import_ref=""),
                name="article_import_ref_unique",
            ),
        ]
        indexes = [
            # Serves the public order and the previous/next look-ups: only
            # published rows take part, so the index holds only those.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(status="published"),
                name="article_published_order",
            ),
            # The front page's lead when editors pinned none: the newest published
            # story with a picture, read from this index's end however rare they are.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(status="published") & ~Q(lead_image=""),
                name="article_published_pictured",
            ),
            # The sitemap index's lastmod: the newest change, read from the index's end.
            models.Index(
                fields=["updated_at"],
                condition=Q(status="published"),
                name="article_published_updated",
            ),
            # The API's change feed: the order published articles last changed in.
            models.Index(
                Greatest("published_at", "changed_at"),
                F("id"),
                condition=Q(status="published"),
                name="article_published_changes",
            ),
        ]

    def __str__(self):
        return self.headline

    @primary_reads()  # a lagging replica must not decide a slug or a redirect
    def save(self, *args, **kwargs):
        generated_slug = not self.slug
        content.process(self)
        was_public = self._was_public()
        old_slug = self.stored_value("slug")
        self.changed_at = timezone.now()
        if (fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*fields, "changed_at"}
        if generated_slug:
            content.claiming_slugs(
                type(self),
                partial(super().save, *args, **kwargs),
                lambda: setattr(self, "slug", content.unique_slug(self)),
            )
        else:
            super().save(*args, **kwargs)
        self._remember_stored()
        if old_slug is not None and old_slug != self.slug:
            redirect.slug_changed(self, old_slug, keep_old=was_public)
        if was_public and not self.is_published():
            removal.record([self])  # unpublished, trashed or moved into the future

    def get_absolute_url(self):
        return slug_address("articles:detail", self.slug)

    def get_preview_url(self):
        """Where staff see the article as it stands, public or not (never cached)."""
        return slug_address("articles:preview", self.slug)

    def clean(self):
        super().clean()
        if (self.lead_image or self.lead_image_url) and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the lead image for readers who cannot see it."}
            )

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= timezone.now()
            and self.trashed_at is None
        )

    def is_trashed(self):
        return self.trashed_at is not None

    def is_in_review(self) -> bool:
        """Submitted by its Author, waiting for an Editor's decision; never public."""
        return self.status == self.Status.IN_REVIEW

    def ever_public(self, now=None) -> bool:
        """Whether the article has been public at some moment up to `now`."""
        now = now or timezone.now()
        return self.first_published_at is not None and self.first_published_at <= now

    def is_live(self) -> bool:
        """Public now, as stored: a change saved to it reaches readers."""
        return not self._state.adding and self._was_public()

    def shows_updated(self) -> bool:
        """Whether readers are told of a later update or correction ("Updated <time>")."""
        return self.modified_at is not None and self.modified_at > self.published_at

    def public_modified_at(self):
        """dateModified for readers and feeds: the last update or correction, else the
        publication; a minor fix or any technical save (updated_at) does not move it."""
        return self.modified_at if self.shows_updated() else self.published_at

    def shows_publication_date(self) -> bool:
        """False for a draft never published (or scheduled): it has no publication date."""
        return self.first_published_at is not None

    def pending(self):
        """The article's pending change (editorial.pending), or None; remembered."""
        if not self.pk:
            return None
        try:
            return self.pending_change
        except PendingChange.DoesNotExist:
            return None

    def open_review_note(self):
        """The latest note an Editor sent back that the author has still to answer, or None."""
        return self.review_notes.open().first() if self.pk else None

    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @cached_property
    def lead_picture(self):
        """Srcsets and size of the lead image's renditions, or None; no query needed."""
        return images.picture(self)

    @cached_property
    def social_image(self):
        """The lead image as one absolute URL (with size and alt) for cards, JSON-LD and feeds."""
        return images.social_image(self)

    def status_label(self):
        """Draft, Unpublished, In review, Scheduled, Published or In the trash, as the desk
        speaks of it."""
        if self.trashed_at is not None:
            return "In the trash"
        if self.status == self.Status.IN_REVIEW:
            return "In review"
        if self.status == self.Status.DRAFT:
            return "Unpublished" if self.ever_public() else "Draft"
        return "Scheduled" if self.is_scheduled() else "Published"

    def _was_public(self):
        """Whether the stored row (before this save) was publicly visible."""
        if self._state.adding:
            return False
        status, published_at = self.stored_value("status"), self.stored_value("published_at")
        return status == self.Status.PUBLISHED and published_at <= timezone.now()

    @cached_property
    def byline_text(self) -> str:
        """ "Ann Reed and Ben Cole" from the authors; else the free-text byline."""
        return byline_text([author.name for author in self.author_list]) or self.byline

    @cached_property
    def reading_minutes(self) -> int:
        """Minutes to read the body at an adult's 230 words a minute; at least one."""
        return max(1, round(len(self.body_text.split()) / WORDS_PER_MINUTE))
