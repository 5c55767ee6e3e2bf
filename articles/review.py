"""Review: an Author hands a draft to the Editors, who publish it or send it back.

An article *In review* is a draft waiting for an Editor's decision. It is never
public (`Article.objects.published()` admits only published rows), and its
Author cannot change it until it comes back. The moves are Article methods,
mixed in from `Review`, with their permission checks, like those of
articles.publishing:

- `submit_for_review(by)`: the article's Author or an Editor; a draft with a body;
- `send_back(by, note)`: Editors only, with a note saying what to fix. The note
  is kept (`ReviewNote`) and shown to the Author on the article and on their
  admin index until they submit the article again;
- an Editor publishes or schedules an article in review with the ordinary moves.

Every move is recorded in the article's History with who and when.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from articles.publishing import may_publish, record

NOT_THE_AUTHOR = "Only the article's author or an editor can submit it for review."
NOT_AN_EDITOR_TO_SEND_BACK = "Only editors can send an article back to its author."
NOT_A_DRAFT = "Only a draft can be submitted for review."
NOT_IN_REVIEW = "Only an article in review can be sent back."
NEEDS_REVIEW_NOTE = "Say what the author should change: the note is required."


class ReviewNoteQuerySet(models.QuerySet):
    def open(self):
        """Notes the author has not answered yet by submitting the article again."""
        return self.filter(answered_at__isnull=True)


class ReviewNote(models.Model):
    """What an Editor asked the Author to change when sending an article back."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_notes"
    )
    note = models.TextField(help_text="Plain text, for the author; never shown to readers.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the author submitted the article again."
    )

    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Sent back: “{self.article}”"


class Review:
    """The review moves, mixed into Article; see the module docstring."""

    def is_in_review(self) -> bool:
        return self.status == self.Status.IN_REVIEW

    def check_review(self, name: str, by, *, body=None, note: str = "") -> None:
        """Raise PermissionDenied or ValidationError if `by` may not make this move;
        `name` is "submit" or "send_back"."""
        if name == "submit":
            if not (may_publish(by) or (by.pk and by.pk == self.author_id)):
                raise PermissionDenied(NOT_THE_AUTHOR)
            if self.status != self.Status.DRAFT:
                raise ValidationError({NON_FIELD_ERRORS: NOT_A_DRAFT})
            self._check_body(self.body if body is None else body)
        elif name == "send_back":
            if not may_publish(by):
                raise PermissionDenied(NOT_AN_EDITOR_TO_SEND_BACK)
            if not self.is_in_review():
                raise ValidationError({NON_FIELD_ERRORS: NOT_IN_REVIEW})
            if not note.strip():
                raise ValidationError({"review_note": NEEDS_REVIEW_NOTE})

    @transaction.atomic
    def submit_for_review(self, by) -> None:
        """Hand the draft to the Editors; the notes it was sent back with are answered."""
        self.check_review("submit", by)
        self.status = self.Status.IN_REVIEW
        self.save()
        self.review_notes.open().update(answered_at=timezone.now())
        record([self], by, "Submitted for review")

    @transaction.atomic
    def send_back(self, by, note: str) -> "ReviewNote":
        """Return the article to its author as a draft, with `note` saying what to fix."""
        self.check_review("send_back", by, note=note)
        self.status = self.Status.DRAFT
        self.save()
        sent = ReviewNote.objects.create(article=self, note=note.strip(), sent_by=by)
        record([self], by, f"Sent back to the author: {note.strip()}")
        return sent

    def open_review_note(self):
        """The latest note the author has still to answer, or None."""
        return self.review_notes.open().first() if self.pk else None
