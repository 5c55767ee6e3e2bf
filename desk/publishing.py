"""The article form's state controls and bulk actions, calling editorial's moves.

The rules live in editorial.publishing; this module only turns buttons into
calls. The form asks `editorial.checks.check()` while cleaning, so a refusal
comes back as a form error; the move asks again when it is made, so a
forged POST meets the same check.
"""

from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.functional import cached_property

from desk.pending import DISCARD_PENDING, PENDING_MOVES, PUBLISH_PENDING, SAVE_PENDING
from editorial import checks, publishing, review
from editorial.publishing import ChangeKind, local_time, may_publish

# The state controls (the name of the submit button pressed) and editorial's move each makes.
SAVE = "_save"
SAVE_DRAFT = "_save_draft"
PUBLISH_NOW = "_publish_now"
PUBLISH_AS_NEW = "_publish_as_new"
SCHEDULE = "_schedule"
UNPUBLISH = "_unpublish"
SUBMIT = "_submit_for_review"
SEND_BACK = "_send_back"
# The strongest first: a hand-made POST naming a move and a save is asked about the move.
MOVES = {
    PUBLISH_AS_NEW: "publish",
    PUBLISH_NOW: "publish",
    SCHEDULE: "schedule",
    UNPUBLISH: "unpublish",
    DISCARD_PENDING: "discard_pending",
    PUBLISH_PENDING: "publish_pending",
    SAVE_PENDING: "save_pending",
    SEND_BACK: "send_back",
    SUBMIT: "submit",
    SAVE_DRAFT: "save",
    SAVE: "save",
}
# The moves that put a story in front of readers: each asks for a byline.
GOING_PUBLIC = (PUBLISH_NOW, PUBLISH_AS_NEW, SCHEDULE)
# The model speaks of its fields; the form asks for the schedule time in its own field.
FORM_FIELDS = {"published_at": "schedule_for"}


STATE_FIELDS = ("schedule_for", "change_kind", "change_note", "review_note")


class Control(NamedTuple):
    name: str
    label: str
    help: str


def controls(article, can_publish: bool, pending=None) -> list[Control]:
    """The buttons the change form offers for `article` (None: not saved yet), each
    with what it does, in the order the desk reads them; `pending` is the live
    story's pending change (editorial.pending)."""
    submit = Control(
        SUBMIT, "Submit for review", "Hands it to the editors, who publish it or send it back."
    )
    if not can_publish:
        return [
            Control(SAVE_DRAFT, "Save draft", "Keeps it private: only the desk sees it."),
            submit,
        ]
    schedule = Control(
        SCHEDULE, "Schedule", "Publishes it by itself at the time under “Schedule for”."
    )
    as_new = Control(
        PUBLISH_AS_NEW,
        "Publish as new",
        "Publishes it now at the top, as a new story; History records the move.",
    )
    if article is None or article.status == article.Status.DRAFT:
        if article is not None and article.ever_public():
            return [
                Control(SAVE_DRAFT, "Save draft", "Keeps it off the site."),
                Control(
                    PUBLISH_NOW,
                    "Publish again",
                    "Returns it to its original place, "
                    f"{local_time(article.published_at)}; it is not new.",
                ),
                as_new,
                schedule,
            ]
        return [
            Control(SAVE_DRAFT, "Save draft", "Keeps it private: only the desk sees it."),
            Control(PUBLISH_NOW, "Publish now", "Makes it public now, at the top of the site."),
            schedule,
        ]
    if article.is_in_review():
        return [
            Control(SAVE, "Save", "Keeps it in review, not public."),
            Control(PUBLISH_NOW, "Publish now", "Makes it public now, at the top of the site."),
            schedule,
            Control(
                SEND_BACK,
                "Send back",
                "Returns it to its author as a draft with the note under “Review”.",
            ),
        ]
    if article.is_scheduled():
        return [
            Control(SAVE, "Save", f"Keeps it scheduled for {local_time(article.published_at)}."),
            Control(PUBLISH_NOW, "Publish now", "Makes it public now instead."),
            Control(SCHEDULE, "Reschedule", "Moves it to the time under “Schedule for”."),
            Control(UNPUBLISH, "Unschedule", "Back to draft: it will not go out."),
        ]
    if pending is not None:
        changes = [
            Control(
                SAVE_PENDING,
                "Save pending change",
                "Keeps your edits pending: readers still see the live story.",
            ),
            Control(
                PUBLISH_PENDING,
                "Publish pending change",
                "Makes the pending change live, as the kind of change says.",
            ),
            Control(DISCARD_PENDING, "Discard pending change", "Drops it; the live story stays."),
        ]
    else:
        changes = [
            Control(SAVE, "Save changes", "Changes the live story, as the kind of change says."),
            Control(
                SAVE_PENDING,
                "Save as pending change",
                "Keeps your edits off the site: preview them, then publish or discard them.",
            ),
        ]
    return [
        *changes,
        Control(
            UNPUBLISH,
            "Unpublish",
            "Takes it off the site; published again, it returns to its place.",
        ),
        as_new,
    ]


class PublishingFields(forms.Form):
    """The article form's state fields; mixed into ArticleAdminForm."""

    schedule_for = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        label="Schedule for",
        help_text="Date and time in the newsroom's time zone, for “Schedule”.",
    )
    change_kind = forms.ChoiceField(
        choices=ChangeKind.choices,
        initial=ChangeKind.MINOR,
        required=False,
        widget=forms.RadioSelect,
        label="Kind of change",
        help_text="What readers are told about this change to the published story.",
    )
    change_note = forms.CharField(
        required=False,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        label="Note for readers",
        help_text="For a correction or clarification: what was wrong or unclear, and what "
        "is right. Published under the story with the time; it cannot be taken back.",
    )
    review_note = forms.CharField(
        required=False,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        label="Note for the author",
        help_text="For “Send back”: what to change. The author sees it on the article and "
        "on their desk's front page; readers never do.",
    )

    # Set per request by PublishingAdminMixin.get_form.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.instance
        # Only what this article and this user can use: a field left out of the
        # page must not count as changed, nor be posted by hand.
        if not (article.pk and article.is_live()):
            del self.fields["change_kind"], self.fields["change_note"]
        if not may_publish(self.user):
            self.fields.pop("schedule_for", None)
        if not (article.pk and article.is_in_review() and may_publish(self.user)):
            del self.fields["review_note"]
        if article.pk and article.is_scheduled():
            self.initial.setdefault("schedule_for", timezone.localtime(article.published_at))
        pending = article.pending() if article.pk and article.is_live() else None
        if pending is not None:
            # The form edits the pending version; the live one is what readers see.
            self.initial.update(
                {name: value for name, value in pending.fields.items() if name in self.fields}
            )
            if "tags" in self.fields:
                self.initial["tags"] = pending.tag_ids

    @cached_property
    def changed_data(self):
        # What these fields ask is not content: the History records the move itself.
        return [name for name in super().changed_data if name not in STATE_FIELDS]

    def intent(self) -> str:
        """Which state control was pressed; a plain save when none was."""
        return next((name for name in MOVES if name in self.data), SAVE)

    def clean(self):
        cleaned = super().clean()
        if self.intent() == SAVE_PENDING and "lead_image" in self.changed_data:
            self.add_error(
                "lead_image",
                "A new lead image file cannot wait in a pending change: save the pending "
                "change without it, or publish the pending change first.",
            )
        if self.instance._state.adding:
            self.instance.author = self.user  # as save_model() will: the writer is its author
        try:
            checks.check(
                self.instance,
                MOVES[self.intent()],
                self.user,
                body=cleaned.get("body"),
                at=cleaned.get("schedule_for"),
                kind=cleaned.get("change_kind") or None,
                note=cleaned.get(
                    "review_note" if self.intent() == SEND_BACK else "change_note", ""
                ),
            )
        except PermissionDenied as refusal:
            raise ValidationError(str(refusal), code="permission") from None
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                field = FORM_FIELDS.get(field, field)
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class PublishingAdminMixin:
    """The ModelAdmin side: fields, buttons, moves, bulk actions and the History."""

    def can_publish(self, request):
        return may_publish(request.user)

    def has_publish_permission(self, request):
        """For actions declared with permissions=["publish"]."""
        return self.can_publish(request)

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = list(options["fields"])
            if "schedule_for" in fields and not self.can_publish(request):
                fields.remove("schedule_for")
            fieldsets.append((name, {**options, "fields": fields}))
        if obj is not None and obj.is_in_review() and self.can_publish(request):
            fieldsets.insert(1, ("Review", {"fields": ["review_note"]}))
        if obj is not None and obj.is_live() and self.can_publish(request):
            # Asked only where readers would see the change; a draft has no readers.
            fieldsets.insert(
                1, ("Change to the published story", {"fields": ["change_kind", "change_note"]})
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        user, intent = request.user, form.intent()
        kind = form.cleaned_data.get("change_kind") or ChangeKind.MINOR
        note = form.cleaned_data.get("change_note", "")
        if intent == SCHEDULE:
            publishing.schedule(obj, by=user, at=form.cleaned_data["schedule_for"])
        elif intent == UNPUBLISH:
            publishing.unpublish(obj, by=user)
        elif intent == SUBMIT:
            publishing.save_change(obj, by=user)
            review.submit_for_review(obj, by=user)
        elif intent == SEND_BACK:
            publishing.save_change(obj, by=user)
            review.send_back(obj, by=user, note=form.cleaned_data["review_note"])
        elif intent in PENDING_MOVES:
            self.make_pending_move(request, obj, form, intent)
        elif intent in (PUBLISH_NOW, PUBLISH_AS_NEW):
            if not publishing.publish(obj, by=user, as_new=intent == PUBLISH_AS_NEW):
                publishing.save_change(obj, by=user, kind=kind, note=note)  # live already: a change
        else:
            publishing.save_change(obj, by=user, kind=kind, note=note)
        if intent not in (SAVE, *PENDING_MOVES):
            self.message_user(request, f"“{obj}”: {self.describe_state(obj)}.")

    def log_change(self, request, obj, message):
        # The move is in the History already ("Published", "Unpublished"…); an
        # entry saying "No fields changed" beside it would only mislead, and a
        # pending change's fields are compared with the pending version, not the live.
        if any(name in request.POST for name in PENDING_MOVES):
            return None
        if not message and any(name in request.POST for name in MOVES if name != SAVE):
            return None
        return super().log_change(request, obj, message)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        editable = add or self.has_change_permission(request, obj)
        pending = obj.pending() if obj is not None and obj.is_live() else None
        context.update(
            state_controls=controls(obj, self.can_publish(request), pending) if editable else [],
            pending_change=pending,
            article_state=self.describe_state(obj) if obj else "Draft (not saved yet)",
            review_note=obj.open_review_note() if obj else None,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def describe_state(self, obj):
        if obj.is_in_review():
            return "In review — not public; waiting for an editor to publish it or send it back"
        if obj.is_scheduled():
            return f"Scheduled for {local_time(obj.published_at)}"
        first = obj.first_published_at
        if obj.is_published():
            state = f"Published {local_time(obj.published_at)}"
            if first and first < obj.published_at:
                state += f" (first published {local_time(first)})"
            if obj.modified_at:
                state += f" · updated {local_time(obj.modified_at)}"
            return state
        if obj.ever_public():
            return (
                f"Unpublished — not public; its place is {local_time(obj.published_at)}"
                f" (first published {local_time(first)})"
            )
        return "Draft — not public, never published"

    @admin.display(description="Published", ordering="published_at")
    def publication(self, obj):
        """No date for a draft never published: it has none."""
        return local_time(obj.published_at) if obj.shows_publication_date() else "—"

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused = 0, []
        for article in queryset:
            try:
                published += publishing.publish(article, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{article.headline} ({'; '.join(reasons(error))})")
        self.message_user(request, f"Published {published} article(s).")
        if refused:
            self.message_user(
                request, "Not published: " + "; ".join(refused), level=messages.WARNING
            )

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = sum(publishing.unpublish(article, by=request.user) for article in queryset)
        self.message_user(request, f"Unpublished {changed} article(s); they are drafts now.")


def reasons(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error)]
