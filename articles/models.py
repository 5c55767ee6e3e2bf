from datetime import UTC, datetime
from functools import cache, partial
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Aggregate, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS

from articles import images, redirects
from articles.conflicts import VersionedModel
from articles.images import LeadImageField
from articles.pending import Pending
from articles.publishing import PUBLISH_PERMISSION, Publishing
from articles.review import Review
from articles.summaries import SUMMARY_MAX_LENGTH
from newsroom.routers import primary_reads

WORDS_PER_MINUTE = 230


SLUG_MARKER = "slug-goes-here"


@cache
def _around_slug(view_name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    url = reverse(view_name, urlconf=urlconf, kwargs={"slug": SLUG_MARKER})
    before, after = url.split(SLUG_MARKER)
    return before, after


def slug_address(view_name: str, slug: str) -> str:
    """reverse(view_name, kwargs={"slug": slug}) for a valid slug, at a fraction of
    the cost: a list page links every article and tag on it, and reverse() was a
    tenth of its time. The address around the slug is reversed once per view,
    script prefix and URLconf; the slug is quoted as reverse() quotes it."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_slug(view_name, get_script_prefix(), urlconf)
    return before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after


class TracksStoredValues:
    """Remembers some fields as read from the database, so save() can tell what
    changed (a slug, a status) without another query."""

    tracked_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._remember_stored()
        return instance

    def _remember_stored(self):
        self._stored = {
            name: self.__dict__[name] for name in self.tracked_fields if name in self.__dict__
        }

    def stored_value(self, name):
        """`name` as last read from or written to the database; None for a new row."""
        if self._state.adding:
            return None
        stored = getattr(self, "_stored", {})
        if name not in stored:
            with primary_reads():  # what a save is about to compare with
                rows = type(self)._base_manager.filter(pk=self.pk).values_list(name, flat=True)
                return rows.first()
        return stored[name]


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

    tracked_fields = ("slug",)

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

    @transaction.atomic
    def merge_into(self, target, by=None):
        """Move this tag's articles to `target`, delete this tag, keep its URLs working;
        the move is recorded in the History of each article it touched, and of `target`."""
        if target.pk == self.pk:
            raise ValueError("A tag cannot be merged into itself.")
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
        refresh_search_index(articles)  # the update() above sends no m2m signals


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array: jsonb_agg on PostgreSQL, json_group_array on SQLite."""

    function = "JSON_GROUP_ARRAY"
    allow_order_by = True
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        if connection.features.supports_aggregate_order_by_clause:
            return self.as_sql(compiler, connection, **extra_context)
        # SQLite before 3.44 cannot order inside an aggregate; Article.tag_list sorts.
        unordered = self.copy()
        unordered.order_by = None
        return unordered.as_sql(compiler, connection, **extra_context)


def parse_stored_time(value: str):
    """A datetime as a JSON aggregate spells it: ISO 8601 on PostgreSQL, SQLite's
    "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC without an offset."""
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


class Position(NamedTuple):
    """Where an article stands in the public order; older_than()/newer_than() accept
    one in place of an article, e.g. of OuterRef()s in a subquery."""

    published_at: object
    pk: object


def first_link(articles, *order):
    """Id, slug and headline of the first of `articles` in `order`, as a JSON subquery."""
    link = JSONObject(id="id", slug="slug", headline="headline")
    first = articles.order_by(*order).values(link=link)[:1]
    return Subquery(first, output_field=models.JSONField())


@cache
def author_links_subquery() -> Subquery:
    """An article's authors as a JSON array, in byline order (see tag_links_subquery)."""

    links = (
        ArticleAuthor.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(
            links=JSONArrayAgg(
                JSONObject(name="author__name", slug="author__slug", position="position"),
                order_by=("position", "pk"),
            )
        )
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


@cache
def tag_links_subquery() -> Subquery:
    """An article's tags as a JSON array, by name. Built once: annotate() resolves a
    copy for each queryset, and building it was a tenth of a list page's ORM time."""
    links = (
        Article.tags.through.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(
            links=JSONArrayAgg(
                JSONObject(id="tag_id", name="tag__name", slug="tag__slug"),
                order_by="tag__name",
            )
        )
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


@cache
def correction_links_subquery() -> Subquery:
    """An article's corrections as a JSON array, oldest first (see tag_links_subquery)."""

    links = (
        Correction.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(
            links=JSONArrayAgg(
                JSONObject(id="id", kind="kind", note="note", published_at="published_at"),
                order_by=("published_at", "id"),
            )
        )
        .values("links")
    )
    return Subquery(links, output_field=models.JSONField())


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles the public may see: status published and not scheduled for later.

        This is the one visibility gate: every public surface starts here. `now` is
        this moment unless given (a compiled query passes a Param; articles.compiled).
        """
        now = timezone.now() if now is None else now
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now, trashed_at__isnull=True
        )

    def published_with_tag(self, tag):
        """Published articles with `tag`, newest first, at a cost that does not grow
        with the archive or the page's depth.

        On PostgreSQL the order comes from the tag's listing: the article–tag rows
        carry a copy of their article's status and date (migration 0006), and an
        index on them lists a tag's published articles newest first. Elsewhere, the
        plain join.
        """
        articles = self.published()
        if connections[self.db].vendor != "postgresql":
            return articles.filter(tags=tag)
        return articles.filter(
            listings__tag=tag,
            listings__status=Article.Status.PUBLISHED,
            listings__published_at__lte=timezone.now(),
        ).order_by("-listings__published_at", "-pk")  # pk equals the listing's article_id

    def scheduled(self):
        """Published with a future time: public by themselves when it passes."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

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

    def with_tag_links(self):
        """Each article's tags ride along as JSON in `tag_links` (read them through
        Article.tag_list), so listing them costs no query and no prefetch of its own."""
        return self.annotate(tag_links=tag_links_subquery())

    def with_corrections(self):
        """Each article's corrections and clarifications ride along as JSON in
        `correction_links` (read them through Article.correction_list): the
        article page stays one query."""
        return self.annotate(correction_links=correction_links_subquery())

    def with_author_links(self):
        """Each article's authors ride along as JSON in `author_links` (read them
        through Article.author_list), as with_tag_links() does for tags."""
        return self.annotate(author_links=author_links_subquery())

    def with_any_tag(self, tags, per_tag, exclude=()):
        """Published articles among the newest `per_tag` of each of `tags` (leaving
        out the ids in `exclude`): the section blocks and related stories.

        Each tag's newest come from its own indexed listing (published_with_tag) in
        a subquery of its own, so the cost does not grow with the archive; the
        subqueries' ids are gathered with UNION ALL, which both databases accept
        around subqueries (not around LIMITs of their own).
        """
        parts = [
            Article.objects.filter(
                pk__in=Article.objects.published_with_tag(tag)
                .exclude(pk__in=list(exclude))
                .values("pk")[:per_tag]
            ).values("pk")
            for tag in tags
        ]
        if not parts:
            return self.none()
        ids = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return self.published().filter(pk__in=ids)

    def with_neighbours(self, now=None):
        """The nearest published articles either side ride along as `previous_link` and
        `next_link` (read them through previous_article()/next_article()): the article
        page then costs one query. Both are built from published(), the one gate."""
        here = Position(OuterRef("published_at"), OuterRef("pk"))
        published = Article.objects.published(now)
        return self.annotate(
            previous_link=first_link(published.older_than(here), "-published_at", "-pk"),
            next_link=first_link(published.newer_than(here), "published_at", "pk"),
        )

    def older_than(self, article):
        """Articles before `article` in (published_at, id) order.

        Written as a range on published_at plus a tie-break, so the database can
        walk the (published_at, id) index from the article's position instead of
        filtering the whole table.
        """
        return self.filter(
            Q(published_at__lt=article.published_at) | Q(pk__lt=article.pk),
            published_at__lte=article.published_at,
        )

    def newer_than(self, article):
        """Articles after `article` in (published_at, id) order."""
        return self.filter(
            Q(published_at__gt=article.published_at) | Q(pk__gt=article.pk),
            published_at__gte=article.published_at,
        )


class Article(Review, Pending, Publishing, TracksStoredValues, VersionedModel):
    """A story. Its states and the moves between them (publish, schedule,
    unpublish, changes to a live story) are methods from articles.publishing;
    submitting for review and sending back, from articles.review; pending
    changes to a live story, from articles.pending; trash and restore, from
    articles.trash. Every save is conditional on the version read
    (articles.conflicts)."""

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
    import_ref = models.CharField(max_length=200, blank=True, default="", editable=False)
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

    # What a Previous/Next link shows: loading the neighbours' bodies would be waste.
    NEIGHBOUR_FIELDS = ("slug", "headline", "published_at")
    tracked_fields = ("slug", "status", "published_at")

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
        ]

    def __str__(self):
        return self.headline

    @primary_reads()  # a lagging replica must not decide a slug or a redirect
    def save(self, *args, **kwargs):
        from articles.content import claiming_slugs, process, unique_slug

        generated_slug = not self.slug
        process(self)
        was_public = self._was_public()
        old_slug = self.stored_value("slug")
        if generated_slug:
            claiming_slugs(
                partial(super().save, *args, **kwargs),
                lambda: setattr(self, "slug", unique_slug(self)),
            )
        else:
            super().save(*args, **kwargs)
        self._remember_stored()
        if old_slug is not None and old_slug != self.slug:
            redirects.slug_changed(self, old_slug, keep_old=was_public)

    def get_absolute_url(self):
        return slug_address("articles:detail", self.slug)

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

    def trash(self, user, *, comment: str = "Moved to the trash"):
        """Move the article to the trash (articles/trash.py): off every public
        surface at once, its address answering 410 Gone, restorable as a draft.
        Raises PermissionDenied unless `user` may (Authors: their own drafts)."""
        from articles import trash

        trash.trash(self, user, comment=comment)

    def restore(self, user, *, comment: str = "Restored from the trash"):
        """Bring the article back from the trash as a draft, tags and images
        included. Raises PermissionDenied unless `user` may."""
        from articles import trash

        trash.restore(self, user, comment=comment)

    def is_trashed(self):
        return self.trashed_at is not None

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
    def tag_list(self):
        """The article's tags by name: from `tag_links` when the query carried them
        (ArticleQuerySet.with_tag_links), else one query."""
        links = self.__dict__.get("tag_links", ...)
        if links is ...:
            return list(self.tags.all())
        tags = [Tag(id=link["id"], name=link["name"], slug=link["slug"]) for link in links or ()]
        if not connections[self._state.db or "default"].features.supports_aggregate_order_by_clause:
            tags.sort(key=lambda tag: tag.name)  # what SQLite's ORDER BY name gives
        return tags

    @cached_property
    def correction_list(self):
        """The article's corrections and clarifications, oldest first: from
        `correction_links` when the query carried them, else one query."""

        links = self.__dict__.get("correction_links", ...)
        if links is ...:
            return list(self.corrections.order_by("published_at", "pk"))
        corrections = [
            Correction(
                id=link["id"],
                article_id=self.pk,
                kind=link["kind"],
                note=link["note"],
                published_at=parse_stored_time(link["published_at"]),
            )
            for link in links or ()
        ]
        return sorted(corrections, key=lambda c: (c.published_at, c.pk))

    @cached_property
    def author_list(self):
        """The article's authors in byline order, as (name, slug, url) — from
        `author_links` when the query carried them, else one query."""

        links = self.__dict__.get("author_links", ...)
        if links is ...:
            return list(self.authors.order_by("bylines__position", "bylines__pk"))
        # Sorted here too: SQLite before 3.44 cannot order inside the aggregate.
        links = sorted(links or (), key=lambda link: link["position"])
        return [Author(name=link["name"], slug=link["slug"]) for link in links]

    @cached_property
    def byline_text(self) -> str:
        """ "Ann Reed and Ben Cole" from the authors; else the free-text byline."""
        from articles.authors import byline_text

        return byline_text([author.name for author in self.author_list]) or self.byline

    @cached_property
    def reading_minutes(self) -> int:
        """Minutes to read the body at an adult's 230 words a minute; at least one."""
        return max(1, round(len(self.body_text.split()) / WORDS_PER_MINUTE))

    def previous_article(self):
        """The nearest older published article, or None for the oldest."""
        if "previous_link" in self.__dict__:
            return self._neighbour(self.previous_link)
        older = Article.objects.published().older_than(self).only(*self.NEIGHBOUR_FIELDS)
        return older.order_by("-published_at", "-pk").first()

    def next_article(self):
        """The nearest newer published article, or None for the newest."""
        if "next_link" in self.__dict__:
            return self._neighbour(self.next_link)
        newer = Article.objects.published().newer_than(self).only(*self.NEIGHBOUR_FIELDS)
        return newer.order_by("published_at", "pk").first()

    @staticmethod
    def _neighbour(link):
        """A Previous/Next link's article from ArticleQuerySet.with_neighbours: only what
        the link shows, never saved."""
        if not link:
            return None
        return Article(id=link["id"], slug=link["slug"], headline=link["headline"])


class TagListing(models.Model):
    """A row of the article–tag table (Article.tags) with the copy of its article's
    status and date that migration 0006 adds on PostgreSQL, kept exact by triggers.

    Read-only and PostgreSQL-only: Django creates and writes the table as the
    `tags` relation; this model only lets queries order a tag's articles by the
    listing index (ArticleQuerySet.published_with_tag).
    """

    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="listings"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.DO_NOTHING, db_constraint=False, related_name="listings"
    )
    status = models.CharField(max_length=20, choices=Article.Status)
    published_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "articles_article_tags"

    def __str__(self):
        return f"{self.tag_id} · {self.article_id}"


# Models kept in modules named for their role, registered with the app from here.
from articles.authors import ArticleAuthor, Author  # noqa: E402, F401
from articles.corrections import Correction  # noqa: E402, F401
from articles.featuring import Feature  # noqa: E402, F401
from articles.pending import PendingChange  # noqa: E402, F401
from articles.redirects import ArticleRedirect, TagRedirect  # noqa: E402, F401
from articles.review import ReviewNote  # noqa: E402, F401
