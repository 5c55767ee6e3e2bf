"""Changes to a live story prepared as a pending change, published when ready.

An Editor saves changes to a published article without them going live: they are
kept in a `PendingChange` (one per article) and the live row is not touched, so
readers, the page cache, feeds and search keep the live version (no public
surface reads this table). The Editor previews the pending version at a
staff-only address, then publishes it, saying what kind of change it is
(`editorial.publishing.save_change`'s rules: a correction needs its note), or discards it.

Publishing never overwrites a change made to the live story after the pending
one was started: the pending change remembers the live row's `updated_at` it was
based on, and publishing is refused if the row has moved since.

The moves are functions that take an article, with their checks; every move is
in the article's History. A pending change is desk work in progress and
is not part of an export.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.models import PENDING_FIELDS, Article, PendingChange
from articles.sanitize import clean_html
from editorial import history, moves
from editorial.publishing import (
    ChangeKind,
    before_change,
    check_transition,
    local_time,
    log_entry,
    may_publish,
    record,
)
from editorial.publishing import save_change as save_live_change

NOT_AN_EDITOR_PENDING = "Only editors can prepare, publish or discard changes to a live story."
NOT_LIVE = "Only a published story can have a pending change; save a draft directly."
NO_PENDING = "This story has no pending change."
LIVE_MOVED = (
    "The live story was changed after this pending change was started "
    "({when}): publishing it would undo that change. Discard the pending change "
    "and make it again on the live version."
)


def check_pending(article, name: str, by, *, body=None, kind=None, note="") -> None:
    """Raise if `by` may not make this move: "save_pending", "publish_pending"
    or "discard_pending"; publishing also meets save_change()'s rules."""
    if not may_publish(by):
        raise PermissionDenied(NOT_AN_EDITOR_PENDING)
    if name == "save_pending" and not article.is_live():
        raise ValidationError({"__all__": NOT_LIVE})
    if name == "publish_pending":
        check_transition(article, "save", by, body=body, kind=kind, note=note)
    moves.require(article, name)


def _forget_pending(article):
    article._state.fields_cache.pop("pending_change", None)


@transaction.atomic
def save_pending(article, by, fields: dict, tag_ids=None) -> PendingChange:
    """Keep `fields` (some of PENDING_FIELDS) as this live story's pending change;
    the live row is not written."""
    stored = Article.objects.select_for_update().get(pk=article.pk)
    check_pending(stored, "save_pending", by)
    before_change(stored)
    values = {name: fields[name] for name in PENDING_FIELDS if name in fields}
    if "body" in values:
        values["body"] = clean_html(values["body"] or "")
    tags = list(tag_ids) if tag_ids is not None else list(stored.tags.values_list("pk", flat=True))
    pending, created = PendingChange.objects.update_or_create(
        article=stored,
        defaults={"fields": values, "tag_ids": tags, "updated_by": by},
        create_defaults={
            "fields": values,
            "tag_ids": tags,
            "updated_by": by,
            "created_by": by,
            "based_on": stored.updated_at,
        },
    )
    _forget_pending(article)
    message = "Pending change saved" if created else "Pending change edited"
    user = by if by is not None and by.pk else None
    history.record_pending(stored, values, tags, user=user, comment=message)
    log_entry([stored], user, f"{message} ({history.PENDING_NOT_LIVE})")
    return pending


@transaction.atomic
def publish_pending(article, by, kind=ChangeKind.MINOR, note: str = "", fields=None) -> None:
    """Make the pending change live as a change of `kind` (save_change's rules).

    `fields`, when given, are the pending values as last edited (the form's).
    Refused if the live story moved since the pending change was started.
    """
    if not may_publish(by):
        raise PermissionDenied(NOT_AN_EDITOR_PENDING)
    pending = PendingChange.objects.select_for_update().filter(article=article).first()
    if pending is None:
        raise ValidationError({"__all__": NO_PENDING})
    live = Article.objects.select_for_update().get(pk=article.pk)
    # This instance must be the live row as stored, or its save would undo a change.
    if not (live.updated_at == pending.based_on == article.updated_at):
        raise ValidationError({"__all__": LIVE_MOVED.format(when=local_time(live.updated_at))})
    before_change(live)
    for name, value in {**pending.fields, **(fields or {})}.items():
        if name in PENDING_FIELDS:
            setattr(article, name, value)
    before = getattr(article, "recorded_revision", None)
    save_live_change(article, by, kind=kind, note=note)
    if fields is None:
        article.tags.set(pending.tag_ids)
    pending.delete()
    _forget_pending(article)
    message = f"Pending change published ({ChangeKind(kind or ChangeKind.MINOR).value})"
    told = getattr(article, "recorded_revision", None)
    if told is not None and told is not before:
        # The kind of change was recorded already (an update, a correction and its
        # note): one entry says both.
        history.amend(told, article, f"{message}: {told.comment}")
    else:
        record([article], by, message)


@transaction.atomic
def discard_pending(article, by) -> bool:
    """Drop the pending change; the live story stays as it is. False if none."""
    check_pending(article, "discard_pending", by)
    deleted, _ = PendingChange.objects.filter(article=article).delete()
    _forget_pending(article)
    if deleted:
        record([article], by, "Pending change discarded")
    return bool(deleted)
