"""Review: an Author hands a draft to the Editors, who publish it or send it back.

An article *In review* is a draft waiting for an Editor's decision. It is never
public (`Article.objects.published()` admits only published rows), and its
Author cannot change it until it comes back. The moves are functions that take
an article, with their permission checks, like those of editorial.publishing:

- `submit_for_review(article, by)`: the article's Author or an Editor; a draft
  with a body;
- `send_back(article, by, note)`: Editors only, with a note saying what to fix. The note
  is kept (`ReviewNote`) and shown to the Author on the article and on their
  admin index until they submit the article again;
- an Editor publishes or schedules an article in review with the ordinary moves.

Every move is recorded in the article's History with who and when.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ReviewNote
from editorial import moves
from editorial.publishing import (
    NOT_YOURS_NOW,
    before_change,
    check_body,
    may_edit,
    may_publish,
    record,
)

NOT_THE_AUTHOR = "Only the article's author or an editor can submit it for review."
NOT_AN_EDITOR_TO_SEND_BACK = "Only editors can send an article back to its author."
NOT_A_DRAFT = "Only a draft can be submitted for review."
NOT_IN_REVIEW = "Only an article in review can be sent back."
NEEDS_REVIEW_NOTE = "Say what the author should change: the note is required."


def check_review(article, name: str, by, *, body=None, note: str = "") -> None:
    """Raise PermissionDenied or ValidationError if `by` may not make this move;
    `name` is "submit" or "send_back"."""
    if name == "submit":
        if not (may_publish(by) or (by.pk and by.pk == article.author_id)):
            raise PermissionDenied(NOT_THE_AUTHOR)
        if article.status != Article.Status.DRAFT:
            raise ValidationError({NON_FIELD_ERRORS: NOT_A_DRAFT})
        if not may_edit(article, by):
            raise PermissionDenied(NOT_YOURS_NOW)
        check_body(article.body if body is None else body)
    elif name == "send_back":
        if not may_publish(by):
            raise PermissionDenied(NOT_AN_EDITOR_TO_SEND_BACK)
        if not article.is_in_review():
            raise ValidationError({NON_FIELD_ERRORS: NOT_IN_REVIEW})
        if not note.strip():
            raise ValidationError({"review_note": NEEDS_REVIEW_NOTE})
    moves.require(article, name)


@transaction.atomic
def submit_for_review(article, by) -> None:
    """Hand the draft to the Editors; the notes it was sent back with are answered."""
    check_review(article, "submit", by)
    before_change(article)
    article.status = Article.Status.IN_REVIEW
    article.save()
    article.review_notes.open().update(answered_at=timezone.now())
    record([article], by, "Submitted for review")


@transaction.atomic
def send_back(article, by, note: str) -> ReviewNote:
    """Return the article to its author as a draft, with `note` saying what to fix."""
    check_review(article, "send_back", by, note=note)
    before_change(article)
    article.status = Article.Status.DRAFT
    article.save()
    sent = ReviewNote.objects.create(article=article, note=note.strip(), sent_by=by)
    record([article], by, f"Sent back to the author: {note.strip()}")
    return sent
