"""The editors' desk.

Authors write their own drafts; Editors (who hold `articles.publish_article`) also
publish, schedule and unpublish, and work on everyone's articles. Who may touch
which article is enforced here on the server: querysets, object permissions and
action permissions. The moves between states and their rules are editorial's
(editorial.publishing); the form's state controls call them
(desk.publishing). Hidden buttons are only a convenience on top.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.content import reserved_slugs
from articles.models import Article, PendingChange, Tag
from articles.models.author import ArticleAuthor, Author
from articles.sanitize import clean_html
from articles.search import ParsedQuery, full_text_match
from articles.summarizer import SUMMARY_MAX_LENGTH
from desk.conflict import ConflictAdminMixin, VersionCheckedForm
from desk.front import ArticleAuthorInline, FeatureInline, writer_profile
from desk.history import HistoryAdminMixin
from desk.pending import PendingAdminMixin
from desk.publishing import GOING_PUBLIC, PublishingAdminMixin, PublishingFields
from desk.summary import SummaryAdminMixin
from desk.trash import TrashAdminMixin, TrashFilter
from editorial.publishing import may_edit
from editorial.tags import merge_tags

# The publication's name, not "Django administration", in the desk's header and titles.
admin.site.site_header = admin.site.site_title = f"{settings.SITE_NAME} desk"
admin.site.index_title = "The desk"

# What the body editor offers. The stored HTML is cleaned by articles.sanitize
# whatever the editor sends; this list only keeps the toolbar to what a story needs.
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},  # h1 is the headline
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
    "SpecialCharacters": True,
}


class ArticleAdminForm(VersionCheckedForm, PublishingFields, forms.ModelForm):
    summary = forms.CharField(
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        help_text=Article._meta.get_field("summary").help_text,
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "tags",
            "summary", "byline", "source_name", "source_url", "canonical_url",
            "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
            "lead_image_url",
        ]  # fmt: skip
        widgets = {
            "body": AdminProseEditorWidget(
                config={"extensions": BODY_EDITOR_EXTENSIONS}, preset="configurable"
            ),
        }
        help_texts = {
            "headline": "Required. The slug below is made from it while you type.",
            "slug": "Required and unique: the article's address. Changing it after "
            "publication keeps the old address working as a redirect.",
            "standfirst": "One sentence under the headline that sells the story "
            "(at most 300 characters).",
            "body": "Headings, paragraphs, lists, links, quotes, bold and italic. Pasted "
            "text is cleaned; a published article needs a body.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lead_image" in self.fields:
            # The admin names the file input only by a fieldset legend, which assistive
            # technology does not announce for the input itself.
            self.fields["lead_image"].widget.attrs["aria-label"] = "Lead image file"

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in reserved_slugs():
            raise ValidationError(
                "“%(slug)s” is one of the site's own addresses; choose another slug.",
                code="reserved",
                params={"slug": slug},
            )
        return slug


class StatusFilter(admin.SimpleListFilter):
    """Draft, In review, Scheduled and Published, as the desk thinks of them."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("in_review", "In review (awaiting review)"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "in_review":
                return queryset.in_review()
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """By the author profile in the byline, as readers see it; "Mine" is an author's
    "My articles": the ones they wrote at the desk or that carry their profile."""

    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [
            ("me", "Mine"),
            *((str(pk), name) for pk, name in Author.objects.values_list("pk", "name")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case "me":
                profile = ArticleAuthor.objects.filter(author__user=request.user)
                return queryset.filter(
                    Q(author=request.user) | Q(pk__in=profile.values("article_id"))
                )
            case value if value.isdigit():
                bylines = ArticleAuthor.objects.filter(author_id=int(value))
                return queryset.filter(pk__in=bylines.values("article_id"))
        return queryset.none()


class SectionFilter(admin.SimpleListFilter):
    """By section: the tags the site's header shows."""

    title = "section"
    parameter_name = "section"

    def lookups(self, request, model_admin):
        sections = Tag.objects.filter(is_section=True).order_by("section_order", "name")
        return sections.values_list("slug", "name")

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


class PendingFilter(admin.SimpleListFilter):
    """Live stories carrying a prepared change, so none sits forgotten."""

    title = "pending change"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("1", "Carries a pending change")]

    def queryset(self, request, queryset):
        return queryset.filter(has_pending=True) if self.value() == "1" else queryset


class TagFilter(admin.SimpleListFilter):
    """By tag, without the DISTINCT the admin adds to a many-to-many filter: one tag
    joins each article at most once, and DISTINCT over 100,000 wide rows is slow."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return Tag.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


@admin.register(Article)
class ArticleAdmin(
    ConflictAdminMixin,
    HistoryAdminMixin,
    TrashAdminMixin,
    SummaryAdminMixin,
    PendingAdminMixin,
    PublishingAdminMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    list_display = [
        "headline", "state", "publication", "shown_tags", "shown_byline", "pending_flag",
        "lead_image_thumbnail",
    ]  # fmt: skip
    list_filter = [
        StatusFilter, PendingFilter, AuthorFilter, SectionFilter, TagFilter, "published_at",
        TrashFilter,
    ]  # fmt: skip
    # Names (bylines, author profiles, staff) are matched by by_name(); on PostgreSQL
    # get_search_results() uses the full-text index for the rest.
    search_fields = ["headline", "standfirst", "body_text"]
    date_hierarchy = "published_at"
    # At 100,000 articles an unfiltered COUNT(*) on every filtered page is wasted work.
    show_full_result_count = False
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    readonly_fields = [
        "author", "import_ref", "lead_image_preview", "summary_preview", "body_as_read",
    ]  # fmt: skip
    actions = [
        "publish_now", "unpublish", "regenerate_summary", "move_to_trash", "restore_from_trash",
    ]  # fmt: skip
    inlines = [ArticleAuthorInline, FeatureInline]

    class Media:
        # desk.js names the editor and tag-search controls for screen readers;
        # desk-edit.js warns about unsaved changes and keeps the presence notice.
        js = ["js/desk.js", "js/desk-edit.js"]

    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Publishing", {"fields": ["schedule_for", "tags"]}),
        ("Summary", {"fields": ["summary", "summary_preview"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_preview",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                    "lead_image_url",
                ]  # fmt: skip
            },
        ),
        (
            "Free-text byline and source",
            {"fields": ["byline", "source_name", "source_url", "canonical_url"]},
        ),
        ("Record", {"fields": ["author", "import_ref"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as readers read it, not its HTML source.
        return [
            (
                name,
                {
                    **options,
                    "fields": [f if f != "body" else "body_as_read" for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_read(self, obj):
        # Sanitized again on the way out, as every public page shows it.
        return mark_safe(clean_html(obj.body))

    # Roles ------------------------------------------------------------------

    def may_touch(self, request, obj):
        """Editors touch any article; Authors only their own drafts, never one an
        Editor unpublished or trashed (editorial.publishing.may_edit)."""
        return may_edit(obj, request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_touch(request, obj))

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, search the stored full-text vector (GIN-indexed): a LIKE over
        every body reads the whole table."""
        query = ParsedQuery.parse(search_term)
        if not search_term.strip():
            return queryset, False
        if connection.vendor != "postgresql" or not query:
            found, duplicates = super().get_search_results(request, queryset, search_term)
            return found | queryset.filter(by_name(search_term)), duplicates
        return full_text_match(queryset, query, also=by_name(search_term)), False

    def get_queryset(self, request):
        # The tags and authors ride along in each row (Article.tag_list and author_list
        # read them): no prefetch.
        pending = PendingChange.objects.filter(article=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .editable_by(request.user)
            .with_tag_links()
            .with_author_links()
            .annotate(has_pending=Exists(pending))
        )

    def get_inlines(self, request, obj):
        # Featuring is an Editor's call.
        return [i for i in self.inlines if i is not FeatureInline or self.can_publish(request)]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if not isinstance(inline, ArticleAuthorInline):
            return kwargs
        adding = obj is None or obj.pk is None
        profile = writer_profile(request) if adding else None
        if adding and profile:
            kwargs["initial"] = [{"author": profile.pk}]
        # Publishing asks for a byline; a new story gets its writer's profile anyway.
        kwargs["going_public"] = any(name in request.POST for name in GOING_PUBLIC) and not (
            adding and profile
        )
        kwargs["byline"] = request.POST.get("byline", "")
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = writer_profile(request)
        if not change and profile and not form.instance.bylines.exists():
            # A reporter's own new story carries their name unless they chose others.
            form.instance.bylines.create(author=profile)

    # Change list -------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return obj.status_label()

    # Not "tag_names": the admin would show the model field of that name (the tags'
    # names copied for search) in place of a method called so.
    @admin.display(description="Tags")
    def shown_tags(self, obj):
        return ", ".join(tag.name for tag in obj.tag_list)

    @admin.display(description="Byline")
    def shown_byline(self, obj):
        return obj.byline_text

    @admin.display(description="Pending change", boolean=True, ordering="-has_pending")
    def pending_flag(self, obj):
        return obj.has_pending

    @admin.display(description="Image")
    def lead_image_thumbnail(self, obj):
        # From the row's own rendition description: no query, no storage read.
        picture = obj.lead_picture
        if picture is None:
            return ""
        return format_html(
            '<img src="{}" alt="" width="64" height="{}" loading="lazy">',
            picture.small_src,
            round(64 * picture.small_height / picture.small_width),
        )

    @admin.display(description="Lead image preview")
    def lead_image_preview(self, obj):
        picture = obj.lead_picture
        if picture is None:
            if obj.lead_image_url:
                return format_html(
                    '<img src="{}" alt="{}" width="320">',
                    obj.lead_image_url,
                    obj.lead_image_alt,
                )
            return "No image yet."
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">',
            picture.small_src,
            obj.lead_image_alt,
            picture.small_width,
            picture.small_height,
        )


def by_name(term: str) -> Q:
    """Articles whose byline names `term`: the free-text byline, an author profile's
    name, or the staff member who wrote it (user name, first or last name)."""
    term = term.strip()
    profiles = ArticleAuthor.objects.filter(author__name__icontains=term)
    return (
        Q(byline__icontains=term)
        | Q(pk__in=profiles.values("article_id"))
        | Q(author__username__iexact=term)
        | Q(author__first_name__iexact=term)
        | Q(author__last_name__iexact=term)
    )


SECTION_FIELDS = ("is_section", "section_order")
RENAME_HELP = "The tag's address. Renaming it keeps the old address working as a redirect."


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.all(),
        label="Merge into",
        help_text="The selected tags' articles move to this tag; their pages redirect to it.",
    )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count", "is_section", "section_order", "description"]
    list_filter = ["is_section"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags"]
    fields = ["name", "slug", "description", "is_section", "section_order"]
    show_full_result_count = False  # the count of a GROUP BY query is not free

    def get_queryset(self, request):
        articles = Count("articles")
        return super().get_queryset(request).annotate(article_count=articles).order_by("name")

    def get_fields(self, request, obj=None):
        # Sections shape every page's header: an Editor's call (change_tag), not an
        # Author's adding a tag while writing.
        if self.has_change_permission(request):
            return self.fields
        return [name for name in self.fields if name not in SECTION_FIELDS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if change and "slug" in form.base_fields:
            form.base_fields["slug"].help_text = RENAME_HELP
        if "section_order" in form.base_fields:
            form.base_fields["section_order"].required = False  # empty means first
        return form

    def save_model(self, request, obj, form, change):
        obj.section_order = obj.section_order or 0
        super().save_model(request, obj, form, change)

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.action(
        description="Merge selected tags into another tag…", permissions=["change", "delete"]
    )
    def merge_tags(self, request, queryset):
        form = MergeTagsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = [tag for tag in queryset if tag.pk != target.pk]
            for tag in merged:
                merge_tags(tag, target, by=request.user)
            names = ", ".join(tag.name for tag in merged)
            self.message_user(request, f"Merged {names} into {target.name}.")
            return None
        form.fields["target"].queryset = Tag.objects.exclude(pk__in=[tag.pk for tag in queryset])
        return TemplateResponse(
            request,
            "admin/articles/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge tags",
                "opts": self.opts,
                "tags": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
