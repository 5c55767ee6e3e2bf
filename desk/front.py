"""The desk's side of the front of the paper: author profiles, bylines, featuring.

Imported by desk.admin, which adds the inlines to the article form. Only
Editors feature stories (the Feature permissions; setup_roles gives them).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models.author import ArticleAuthor, Author
from articles.models.feature import Feature
from desk.pending import SAVE_PENDING
from editorial.bylines import check_byline


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "slug", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["user"]
    fields = ["name", "slug", "role", "bio", "photo", "website", "social_url", "user"]
    autocomplete_fields = ["user"]


class OptionalInlineFormSet(BaseInlineFormSet):
    """A post without this inline's part (a script, a form from before the inline
    existed) leaves the inline's rows as they are instead of failing the whole
    article form with "ManagementForm data is missing".

    A pending change keeps the story's words, not its bylines or its place on the
    front page: a change to them is refused with the pending save, never dropped."""

    def clean(self):
        super().clean()
        if SAVE_PENDING in self.data and self.has_changed():
            what = "authors" if self.model is ArticleAuthor else "front page pin"
            raise ValidationError(
                f"A change of the story's {what} cannot wait in a pending change: undo it "
                "here and save the pending change, then make it on the live story.",
                code="not_pending",
            )

    @cached_property
    def management_form(self):
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            data = {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": 0,
                f"{self.prefix}-{INITIAL_FORM_COUNT}": 0,
            }
            form = ManagementForm(data, auto_id=self.auto_id, prefix=self.prefix)
            form.full_clean()
            return form
        return super().management_form


class BylineForm(forms.ModelForm):
    def has_changed(self):
        # A new story is offered with its writer's profile filled in: kept as
        # offered, it is still the writer's choice and is saved.
        offered = self.initial.get("author") and self.data.get(self.add_prefix("author"))
        return bool(offered) or super().has_changed()


class BylineFormSet(OptionalInlineFormSet):
    """The article's authors; when the story is about to go public (`going_public`),
    refused if neither they nor the free-text `byline` sign it."""

    def __init__(self, *args, going_public=False, byline="", **kwargs):
        self.going_public, self.byline = going_public, byline
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.going_public:
            check_byline(self.names_an_author(), self.byline)

    def names_an_author(self) -> bool:
        if f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:  # not posted: stored ones stay
            return bool(self.instance.pk) and self.instance.bylines.exists()
        return any(
            form.cleaned_data.get("author") and not self._should_delete_form(form)
            for form in self.forms
            if form.has_changed() or form.instance.pk
        )


class ArticleAuthorInline(admin.StackedInline):
    model = ArticleAuthor
    form = BylineForm
    formset = BylineFormSet
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Authors (the byline, in order of position)"

    def get_extra(self, request, obj=None, **kwargs):
        # A new story starts with its writer's profile (see ArticleAdmin.get_formset_kwargs).
        return 1 if obj is None and writer_profile(request) else 0


def writer_profile(request):
    """The author profile linked to the staff member at the desk, if any."""
    return getattr(request.user, "author_profile", None)


class FeatureInline(admin.StackedInline):
    """Feature this story on the front page, from the article's own form."""

    model = Feature
    formset = OptionalInlineFormSet
    extra = 0
    max_num = 1
    fields = ["slot", "expires_at"]
    verbose_name = verbose_name_plural = "Front page: lead or top story, until a time you choose"


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    """The front page's pins at a glance: what leads, what is on top, until when."""

    list_display = ["article", "slot", "expires_at", "active"]
    list_filter = ["slot"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    fields = ["article", "slot", "expires_at"]

    @admin.display(boolean=True, description="On the front now")
    def active(self, obj):
        return obj.expires_at is None or obj.expires_at > timezone.now()
