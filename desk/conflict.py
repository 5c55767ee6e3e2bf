"""Editing safely at the desk: stale saves refused, who else is here, edits kept.

The change form carries the article's `version` as it was when the form was
opened. Saving with a version that is no longer the stored one is refused: the
editor gets the form back with their text intact, who saved in between and when,
and a word diff of their version against the current one. The refused form now
carries the current version, so pressing Save again applies their text knowingly;
"Reload" opens the current version instead. The save itself is conditional on
the version too (articles/models/versioned.py), and the row is locked while a POST is
handled, so a save landing between the check and the write cannot slip through.

Every save at the desk records a revision (editorial/history.py), with the
changed fields' names as its comment. The form also says who else has the
article open (desk/presence.py), and offers back an edit that was posted
after the session expired (desk/expired_edits.py).
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property

from desk import expired_edits, presence
from desk.pending import KEEPS_LIVE_ROW
from editorial import history, versions
from editorial.diffs import LABELS, FieldDiff, compare

# What the refusal's diff shows, in the form's order.
COMPARED = {
    name: LABELS[name]
    for name in (
        "headline",
        "standfirst",
        "body",
        "summary",
        "tags",
        "byline",
        "source_name",
        "source_url",
        "canonical_url",
        "status",
        "published_at",
        "lead_image_alt",
        "lead_image_caption",
        "lead_image_credit",
        "lead_image_url",
    )
}


MISSING_VERSION = (
    "Not saved: this form did not say which version of the article it edited (the "
    "“version” field is missing). Reload the article and make your change again."
)


@dataclass
class Conflict:
    """Who saved since the form was opened, when, and how the versions differ."""

    saved_by: str
    saved_at: datetime | None
    diffs: list[FieldDiff]


def describe_user(user) -> str:
    if user is None:
        return "an import or a command"
    return user.get_full_name() or user.get_username()


class VersionCheckedForm(forms.Form):
    """A model form that refuses to save over a version it did not show."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    conflict: Conflict | None = None
    # Set by the admin when the data is an edit kept from an expired session.
    offered_back = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @cached_property
    def changed_data(self):
        # The version is bookkeeping, not content.
        return [name for name in super().changed_data if name != "version"]

    def clean(self):
        cleaned = super().clean()
        self.check_version(cleaned)
        return cleaned

    def check_version(self, cleaned: dict) -> None:
        """Refuse (as a form error) a save of a version that is no longer stored.
        Called from clean(), while the instance still holds the stored values."""
        if self.offered_back:
            self.add_error(
                None,
                "You were signed out before this edit was saved. It is kept below, not "
                "saved yet: check it and save it.",
            )
        read = cleaned.get("version")
        article = self.instance
        if article.pk and read is None and "version" not in self.errors:
            # A change that does not say what it was made on could overwrite anything.
            raise ValidationError(MISSING_VERSION, code="no_version")
        if not article.pk or read is None or read == article.version:
            return
        latest = history.revisions_of(article).first()
        revision = latest.revision if latest else None
        self.conflict = Conflict(
            saved_by=describe_user(revision.user if revision else None),
            saved_at=revision.date_created if revision else None,
            diffs=self.differences(cleaned),
        )
        # The form comes back carrying the version now stored: saving it again
        # applies the editor's text knowingly, over what they have now seen.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(article.version)
        raise ValidationError(
            "Not saved: %(who)s saved this article after you opened it. Your text is "
            "kept below, with what differs from the current version. Save again to "
            "replace theirs with yours, or reload to start from theirs.",
            code="stale",
            params={"who": self.conflict.saved_by},
        )

    def differences(self, cleaned: dict) -> list[FieldDiff]:
        article = self.instance
        current = {name: getattr(article, name) for name in COMPARED if name != "tags"}
        current["tags"] = list(article.tags.all())
        mine = {name: cleaned.get(name, current[name]) for name in COMPARED}
        if "summary" not in self.changed_data:
            mine["summary"] = current["summary"]  # untouched: a save keeps what is stored
        tag_names = {tag.pk: tag.name for tag in [*current["tags"], *(mine["tags"] or [])]}
        return compare(current, mine, COMPARED, tag_names)


class ConflictAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view(self.presence_view)
        return [
            path("<path:object_id>/presence/", view, name="articles_article_presence"),
            *super().get_urls(),
        ]

    def presence_view(self, request, object_id):
        """The change form's heartbeat: notes the editor, returns the others there."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            return JsonResponse({"others": []}, status=404)
        others = presence.arrive(article.pk, request.user)
        return JsonResponse({"others": [presence_json(other) for other in others]})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and (kept := expired_edits.take(request)) is not None:
            # Shown as a form with the kept data and a note; saved only by a Save.
            request.method, request.POST = "POST", kept
            request.offered_back = True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.offered_back = getattr(request, "offered_back", False)
        return form

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and connection.features.has_select_for_update:
            # Held to the end of the admin's transaction: no save lands between
            # the version check and the write.
            queryset = self.get_queryset(request).select_for_update(of=("self",))
            field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
            try:
                return queryset.get(**{field.name: field.to_python(object_id)})
            except (self.model.DoesNotExist, ValidationError, ValueError):
                return None
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        if change:
            versions.as_read(obj, form.cleaned_data["version"])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if change and not edited_fields(form) and getattr(article, "recorded_revision", None):
            pass  # a move (publish, unpublish…) alone: the model recorded it already
        elif form.intent() in KEEPS_LIVE_ROW:
            pass  # the live row is as it was; the pending change is its own entry
        else:
            history.record(article, user=request.user, comment=change_comment(form, change))
        presence.leave(form.instance.pk, request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["conflict"] = getattr(form, "conflict", None)
        context["unsaved_on_load"] = bool(context["conflict"] or form.offered_back)
        if obj is not None:
            context["others_editing"] = [
                presence_json(other) for other in presence.arrive(obj.pk, request.user)
            ]
            context["presence_url"] = reverse("admin:articles_article_presence", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)


def presence_json(other: presence.Presence) -> dict:
    return {"name": other.name, "since": date_format(other.since, "j F Y, H:i")}


def edited_fields(form) -> list[str]:
    return [str(form.fields[name].label or name) for name in form.changed_data]


def change_comment(form, change: bool) -> str:
    if not change:
        return "Created"
    labels = edited_fields(form)
    return "Changed " + ", ".join(labels) if labels else "Saved without changes"
