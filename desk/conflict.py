"""Editing safely at the desk: stale saves merged, real conflicts refused, who else
is here, edits kept.

The change form carries the article's `version` as it was when the form was
opened, and every field it edits carries the value it was opened with (a hidden
initial). A save with a version that is no longer the stored one is merged
(editorial.merges): the fields this editor changed are applied over the current
version, the fields only the other save changed keep theirs, and the editor is
told ("merged with Alice's change of 10:42"). Only a field both changed is
refused: the form comes back with theirs and theirs side by side and a word
diff, the rest already merged, and a choice per field of whose text to keep.
The save itself is conditional on the version too (articles/models/versioned.py),
and the row is locked while a POST is handled, so a save landing between the
check and the write cannot slip through.

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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from desk import expired_edits, presence
from desk.pending import KEEPS_LIVE_ROW
from editorial import history, versions
from editorial.diffs import LABELS
from editorial.merges import ConflictingField, conflicting_field, merge

# The form's fields a stale save merges, in the form's order.
MERGED = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "summary",
    "tags",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "lead_image_url",
)
# A refused form names the fields both editors changed; each then needs a choice,
# posted as KEEP + field name: "theirs" or "mine".
CONFLICTED = "conflicted"
KEEP = "keep-"
CHOICES = ("theirs", "mine")


MISSING_VERSION = (
    "Not saved: this form did not say which version of the article it edited (the "
    "“version” field is missing). Reload the article and make your change again."
)


@dataclass
class Conflict:
    """Who saved since the form was opened, when, and the fields both changed."""

    saved_by: str
    saved_at: datetime | None
    fields: list[ConflictingField]


@dataclass
class Merged:
    """A stale save applied over another editor's: whose change, and what came from whom."""

    saved_by: str
    saved_at: datetime | None
    mine: list[str]
    theirs: list[str]

    def message(self) -> str:
        """E.g. "Saved, merged with Alice's change of 10:42: your Body; Alice's Standfirst."."""
        when = f" of {timezone.localtime(self.saved_at):%H:%M}" if self.saved_at else ""
        kept = [f"your {', '.join(self.mine)}"] if self.mine else []
        if self.theirs:
            kept.append(f"{self.saved_by}’s {', '.join(self.theirs)}")
        if not kept:
            return f"Saved: your version matches {self.saved_by}’s change{when}."
        return f"Saved, merged with {self.saved_by}’s change{when}: " + "; ".join(kept) + "."


def describe_user(user) -> str:
    if user is None:
        return "an import or a command"
    return user.get_full_name() or user.get_username()


def as_data(name: str, value):
    """A field value as the form posts it (tags: a list of ids)."""
    if name == "tags":
        return [str(getattr(tag, "pk", tag)) for tag in value or ()]
    return "" if value is None else str(getattr(value, "name", value) or "")


class VersionCheckedForm(forms.Form):
    """A model form that merges a save of a version it did not show, and refuses
    only the fields both editors changed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    conflict: Conflict | None = None
    merged: Merged | None = None
    # Set by the admin when the data is an edit kept from an expired session.
    offered_back = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in self.merged_fields():
            # The value as opened rides along: it is the base of a merge, and
            # "changed" means this editor changed it, not that a save moved it since.
            # A client that did not send it is compared with what is stored.
            sent = not self.is_bound or self[name].html_initial_name in self.data
            self.fields[name].show_hidden_initial = sent

    def merged_fields(self) -> list[str]:
        return [name for name in MERGED if name in self.fields]

    @cached_property
    def changed_data(self):
        # The version is bookkeeping, not content.
        return [name for name in super().changed_data if name != "version"]

    def clean(self):
        cleaned = super().clean()
        if self.offered_back:
            self.add_error(
                None,
                "You were signed out before this edit was saved. It is kept below, not "
                "saved yet: check it and save it.",
            )
        if not self.merge_stale(cleaned):
            self.settle_choices(cleaned)
        return cleaned

    # Called from clean(), while the instance still holds the stored values.

    def merge_stale(self, cleaned: dict) -> bool:
        """Merge a save of a version that is no longer stored; refuse (a form error)
        if both saves changed a field. False when the version is current."""
        read = cleaned.get("version")
        article = self.instance
        if article.pk and read is None and "version" not in self.errors:
            # A change that does not say what it was made on could overwrite anything.
            raise ValidationError(MISSING_VERSION, code="no_version")
        if not article.pk or read is None or read == article.version:
            return False
        fields = self.merged_fields()
        mine = {name: cleaned.get(name, self[name].data) for name in fields}
        theirs = {name: self.initial.get(name) for name in fields}
        outcome = merge(self.posted_base(), mine, theirs, fields)
        latest = history.revisions_of(article).first()
        revision = latest.revision if latest else None
        saved_by = describe_user(revision.user if revision else None)
        saved_at = revision.date_created if revision else None
        if outcome.clean:
            for name in outcome.theirs:
                cleaned[name] = theirs[name]
            cleaned["version"] = article.version
            self.merged = Merged(
                saved_by, saved_at, self.labels(outcome.mine), self.labels(outcome.theirs)
            )
            return True
        self.conflict = Conflict(saved_by, saved_at, self.conflicting(outcome.conflicts, mine))
        # The form comes back as merged so far: theirs where only they changed, as the
        # new base everywhere, at the version now stored; the conflicts await a choice.
        data = self.data.copy()
        data[self.add_prefix("version")] = str(article.version)
        for name in fields:
            value = as_data(name, theirs[name])
            targets = [self[name].html_initial_name]
            if name in outcome.theirs:
                targets.append(self.add_prefix(name))
            for target in targets:
                if isinstance(value, list):
                    data.setlist(target, value)
                else:
                    data[target] = value
        data[CONFLICTED] = ",".join(outcome.conflicts)
        self.data = data
        raise ValidationError(
            "Not saved: you and %(who)s both changed %(fields)s. Everything else is "
            "merged below; choose whose text to keep for each, then save.",
            code="stale",
            params={"who": saved_by, "fields": ", ".join(self.labels(outcome.conflicts))},
        )

    def settle_choices(self, cleaned: dict) -> None:
        """Apply the choice made for each field a refused save named; refuse again
        while a choice is missing."""
        named = [n for n in self.data.get(CONFLICTED, "").split(",") if n in self.fields]
        if not named:
            return
        undecided = [name for name in named if self.data.get(KEEP + name) not in CHOICES]
        if undecided:
            fields = self.merged_fields()
            mine = {name: cleaned.get(name, self[name].data) for name in fields}
            latest = history.revisions_of(self.instance).first()
            revision = latest.revision if latest else None
            self.conflict = Conflict(
                describe_user(revision.user if revision else None),
                revision.date_created if revision else None,
                self.conflicting(named, mine),
            )
            raise ValidationError(
                "Not saved yet: choose whose text to keep for %(fields)s.",
                code="undecided",
                params={"fields": ", ".join(self.labels(undecided))},
            )
        for name in named:
            if self.data[KEEP + name] == "theirs":
                cleaned[name] = self.initial.get(name)

    def posted_base(self) -> dict:
        """The values the form was opened with, for the fields that sent them."""
        base = {}
        for name in self.merged_fields():
            if not self.fields[name].show_hidden_initial:
                continue
            widget = self.fields[name].hidden_widget()
            base[name] = widget.value_from_datadict(
                self.data, self.files, self[name].html_initial_name
            )
        return base

    def conflicting(self, names: list[str], mine: dict) -> list[ConflictingField]:
        tags = [*(self.initial.get("tags") or ()), *(mine.get("tags") or ())]
        tag_names = {tag.pk: tag.name for tag in tags if hasattr(tag, "pk")}
        return [
            conflicting_field(name, LABELS[name], mine[name], self.initial.get(name), tag_names)
            for name in names
        ]

    def labels(self, names: list[str]) -> list[str]:
        return [LABELS[name] for name in names]


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
        if form.merged is not None:
            self.message_user(request, form.merged.message())
        article = form.instance
        move = getattr(article, "recorded_revision", None)
        if form.intent() in KEEPS_LIVE_ROW:
            pass  # the live row is as it was; the pending change is its own entry
        elif move is not None:
            # A move (publish, unpublish, a pending change…) recorded this click before
            # the tags and authors were saved: its one entry takes them, and the edits.
            labels = edited_fields(form) if change else []
            comment = f"{move.comment}; changed {', '.join(labels)}" if labels else move.comment
            history.amend(move, article, comment)
        else:
            history.record(article, user=request.user, comment=change_comment(form, change))
        presence.leave(form.instance.pk, request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["conflict"] = getattr(form, "conflict", None)
        context["keep_prefix"] = KEEP
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
