"""The article's states and the moves between them: the one owner of the rules.

Each move is a function that takes an article. The admin's buttons and bulk actions, imports
and commands call them rather than setting `status` or `published_at`, so a
forged form, a bulk action or a script meets the same checks:

- only Editors (PUBLISH_PERMISSION) publish, schedule, unpublish or change a live
  story; `by=None` is the operator running a command, who holds every right;
- a published article needs a body;
- `first_published_at` is when the article first became public, kept for good
  once that moment has passed; `published_at` is its place in the public order.
  Publishing again after an unpublish returns it to that place; only "publish as
  new" moves it to now. Publishing a never-published draft uses now, never the
  draft's creation time;
- a change saved to a live story says what kind it is (ChangeKind): a minor fix
  shows nothing, an update moves `modified_at`, a correction or clarification also
  publishes its note (articles.models.correction.Correction).

Every move is recorded in the article's History with who and when (`record`).

Imports are editorial.imports' moves: a new article takes the state and dates its
source gives (PRODUCT.md: a migration must not drop or re-date a story); an
existing one keeps the state the desk left it in. A re-import never resets a
first publication and never moves `modified_at`; only an editor's update or
correction tells readers of a change.

Every move records the stored state History lacks before it writes
(`before_change`), and its own revision after.
"""

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import PUBLISH_PERMISSION, Article, Correction
from articles.sanitize import clean_html, html_to_text
from editorial import history, moves

NOT_AN_EDITOR = (
    "Only editors can publish, schedule or unpublish articles, or change a published one."
)
NEEDS_BODY = "A published article needs a body."
IN_REVIEW_LOCKED = "The article is in review: an editor will publish it or send it back."
NOT_YOURS_NOW = (
    "An editor took this story off the site or put it in the trash: only an editor can "
    "change it now."
)


class ChangeKind(models.TextChoices):
    """What a change to a live story is, as readers are told of it."""

    MINOR = "minor", "Minor fix (a typo, a link): nothing is shown to readers"
    UPDATE = "update", "Update: the page shows “Updated” with the time"
    CORRECTION = "correction", "Correction: the note below is published under the story"
    CLARIFICATION = "clarification", "Clarification: the note below is published under the story"

    @property
    def needs_note(self) -> bool:
        return self in (ChangeKind.CORRECTION, ChangeKind.CLARIFICATION)

    @property
    def moves_modified_at(self) -> bool:
        return self != ChangeKind.MINOR


def may_publish(user) -> bool:
    """Whether `user` may publish; None is an operator's command."""
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def may_edit(article, user) -> bool:
    """Editors edit any article; Authors their own drafts, but not one an Editor
    took off the site (unpublished: it was public once) or put in the trash."""
    if may_publish(user):
        return True
    return (
        article.author_id == user.pk
        and article.status == Article.Status.DRAFT
        and not article.ever_public()
        and (article.trashed_at is None or article.trashed_by_id == user.pk)
    )


def local_time(value) -> str:
    """A datetime as the desk reads it: in the newsroom's zone, with the zone's name."""
    return date_format(timezone.localtime(value), "j F Y, H:i T")


def before_change(article) -> None:
    """Every move calls this before it writes: a stored state History lacks (a
    script's save(), an import's) is recorded first (editorial.history). A save
    this request's own earlier move made (save_change before a submit) is not
    such a state: the move's own revision records it."""
    if article.pk and not getattr(article, "saved_unrecorded", False):
        history.snapshot_unrecorded([article.pk])


def record(articles: Iterable, by, message: str) -> None:
    """Add `message` to each article's History, as done by `by`: a revision of
    its stored state now (editorial.history), and the admin's log entry for a user.

    An operator's command (by=None) has no user to name: its revision says so.
    """
    articles = [article for article in articles if article.pk]
    user = by if by is not None and by.pk else None
    source = "" if user else "a command"
    stories = [article for article in articles if isinstance(article, Article)]
    if len(stories) == 1:
        history.record(stories[0], user=user, source=source, comment=message)
    elif stories:
        history.record_stored([a.pk for a in stories], user=user, source=source, comment=message)
    for story in stories:
        story.saved_unrecorded = False
    log_entry(articles, user, message)


def log_entry(articles: list, user, message: str) -> None:
    """The admin's log entry of a move, for a user (a command has none)."""
    if user is not None and articles:
        LogEntry.objects.log_actions(user.pk, articles, CHANGE, message)


# Checks ----------------------------------------------------------------------


def check_transition(article, name: str, by, *, body=None, at=None, kind=None, note="") -> None:
    """Raise PermissionDenied or ValidationError if `by` may not make this move.

    `name` is "publish", "schedule", "unpublish" or "save", a review move
    ("submit", "send_back": editorial.review) or a pending change's
    ("save_pending", "publish_pending", "discard_pending": editorial.pending).
    The admin asks before saving, so an editor gets form errors; the moves
    ask again. `body`, when given, is the body about to be saved.
    """
    if name == "save" and article.is_in_review() and not may_publish(by):
        raise PermissionDenied(IN_REVIEW_LOCKED)
    if name in ("publish", "schedule", "unpublish") or (name == "save" and article.is_live()):
        if not may_publish(by):
            raise PermissionDenied(NOT_AN_EDITOR)
    if name == "save" and not may_edit(article, by):
        raise PermissionDenied(NOT_YOURS_NOW)
    moves.require(article, name)
    if name in ("publish", "schedule") or (name == "save" and article.is_live()):
        check_body(article.body if body is None else body)
    if name == "schedule" and (at is None or at <= timezone.now()):
        raise ValidationError({"published_at": "To schedule, enter a time in the future."})
    if name == "save" and kind and ChangeKind(kind).needs_note and not note.strip():
        raise ValidationError(
            {"change_note": f"A {ChangeKind(kind).value} needs a note for readers."}
        )


def check_body(html: str) -> None:
    """A story that goes public, or to review, needs a body with words in it."""
    if not html_to_text(clean_html(html or "")):
        raise ValidationError({"body": NEEDS_BODY})


# Moves -----------------------------------------------------------------------


@transaction.atomic
def publish(article, by, *, as_new: bool = False) -> bool:
    """Make the article public now; False when it already was (nothing done).

    An article that was public before returns to its place in the sequence
    (its `published_at`), unless `as_new` moves it to now.
    """
    check_transition(article, "publish", by)
    if article.is_published() and not as_new:
        return False
    before_change(article)
    now = timezone.now()
    returning = article.ever_public(now) and not as_new and article.published_at <= now
    if not returning:
        article.published_at = now
    if not article.ever_public(now):
        article.first_published_at = now
    article.status = Article.Status.PUBLISHED
    article.save()
    if as_new:
        message = f"Published as new: moved to {local_time(now)}"
    elif returning:
        message = f"Published again in its place ({local_time(article.published_at)})"
    else:
        message = "Published"
    record([article], by, message)
    return True


@transaction.atomic
def schedule(article, by, at) -> None:
    """Publish the article at `at`, a future time; it goes public by itself then."""
    check_transition(article, "schedule", by, at=at)
    before_change(article)
    if not article.ever_public():
        article.first_published_at = at
    article.status, article.published_at = Article.Status.PUBLISHED, at
    article.save()
    record([article], by, f"Scheduled for {local_time(at)}")


@transaction.atomic
def unpublish(article, by) -> bool:
    """Take the article off every public page, back to draft; it keeps its place.
    False when it was a draft already."""
    check_transition(article, "unpublish", by)
    if article.status == Article.Status.DRAFT:
        return False
    before_change(article)
    if article.is_in_review():
        message = "Taken out of review (back to draft)"
    else:
        message = "Unscheduled (back to draft)" if article.is_scheduled() else "Unpublished"
    if not article.ever_public():
        article.first_published_at = None  # it never went out: no publication to keep
    article.status = Article.Status.DRAFT
    article.save()
    record([article], by, message)
    return True


@transaction.atomic
def save_change(article, by, kind=ChangeKind.MINOR, note: str = "") -> None:
    """Save the article's content; on a live story, as a change of `kind`.

    An update, correction or clarification moves the public modification time
    (`modified_at`); a correction or clarification publishes `note` with it.
    """
    kind = ChangeKind(kind or ChangeKind.MINOR)
    live = article.is_live()
    check_transition(article, "save", by, kind=kind if live else None, note=note)
    before_change(article)
    # A plain change is recorded by the caller's next move, or by the desk once
    # the tags are saved too; an update or a correction below records itself.
    article.saved_unrecorded = True
    if not live:
        article.save()
        return
    now = timezone.now()
    if kind.moves_modified_at:
        article.modified_at = now
    article.save()
    if kind.needs_note:
        Correction.objects.create(
            article=article, kind=kind, note=note.strip(), published_at=now, created_by=by
        )
        record([article], by, f"{kind.value.capitalize()} published: {note.strip()}")
    elif kind == ChangeKind.UPDATE:
        record([article], by, "Published as an update (shown as “Updated”)")
