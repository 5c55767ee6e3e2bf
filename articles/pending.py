"""Changes to a live story prepared as a pending change, published when ready.

An Editor saves changes to a published article without them going live: they are
kept in a `PendingChange` (one per article) and the live row is not touched, so
readers, the page cache, feeds and search keep the live version (no public
surface reads this table). The Editor previews the pending version at a
staff-only address, then publishes it, saying what kind of change it is
(`Article.save_change`'s rules: a correction needs its note), or discards it.

Publishing never overwrites a change made to the live story after the pending
one was started: the pending change remembers the live row's `updated_at` it was
based on, and publishing is refused if the row has moved since.

The moves are Article methods, mixed in from `Pending`, with their checks; every
move is in the article's History. A pending change is desk work in progress and
is not part of an export.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from articles.publishing import ChangeKind, local_time, may_publish, record

# What a pending change may change: the story's words and credits. The slug (its
# address) and the lead image file are changed on the live story directly.
PENDING_FIELDS = (
    "headline",
    "standfirst",
    "body",
    "summary",
    "byline",
    "source_name",
    "source_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
)

NOT_AN_EDITOR_PENDING = "Only editors can prepare, publish or discard changes to a live story."
NOT_LIVE = "Only a published story can have a pending change; save a draft directly."
NO_PENDING = "This story has no pending change."
LIVE_MOVED = (
    "The live story was changed after this pending change was started "
    "({when}): publishing it would undo that change. Discard the pending change "
    "and make it again on the live version."
)


class PendingChange(models.Model):
    """The edited fields of a live article, waiting to be published."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="pending_change"
    )
    fields = models.JSONField(help_text="The edited values of PENDING_FIELDS, by name.")
    tag_ids = models.JSONField(default=list, help_text="The edited tags, by id.")
    based_on = models.DateTimeField(help_text="The live row's updated_at when this was started.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Pending change to “{self.article}”"

    def applied_to(self, article):
        """A copy of `article` showing this change, for the preview; never saved."""
        from articles.content import process
        from articles.models import Tag

        copy = type(article).objects.with_corrections().get(pk=article.pk)
        for name, value in self.fields.items():
            setattr(copy, name, value)
        process(copy)  # sanitized and summarized as a save would
        copy.tag_list = list(Tag.objects.filter(pk__in=self.tag_ids))
        return copy


class Pending:
    """The pending-change moves, mixed into Article; see the module docstring."""

    def pending(self):
        """The article's pending change, or None (remembered by the instance)."""
        if not self.pk:
            return None
        try:
            return self.pending_change
        except PendingChange.DoesNotExist:
            return None

    def check_pending(self, name: str, by, *, body=None, kind=None, note="") -> None:
        """Raise if `by` may not make this move: "save_pending", "publish_pending"
        or "discard_pending"; publishing also meets save_change()'s rules."""
        if not may_publish(by):
            raise PermissionDenied(NOT_AN_EDITOR_PENDING)
        if name == "save_pending" and not self.is_live():
            raise ValidationError({"__all__": NOT_LIVE})
        if name == "publish_pending":
            self.check_transition("save", by, body=body, kind=kind, note=note)

    def _forget_pending(self):
        self._state.fields_cache.pop("pending_change", None)

    @transaction.atomic
    def save_pending(self, by, fields: dict, tag_ids=None) -> PendingChange:
        """Keep `fields` (some of PENDING_FIELDS) as this live story's pending change;
        the live row is not written."""
        from articles.sanitize import clean_html

        stored = type(self).objects.select_for_update().get(pk=self.pk)
        stored.check_pending("save_pending", by)
        values = {name: fields[name] for name in PENDING_FIELDS if name in fields}
        if "body" in values:
            values["body"] = clean_html(values["body"] or "")
        tags = (
            list(tag_ids) if tag_ids is not None else list(stored.tags.values_list("pk", flat=True))
        )
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
        self._forget_pending()
        record(
            [self], by, "Pending change saved (not live)" if created else "Pending change edited"
        )
        return pending

    @transaction.atomic
    def publish_pending(self, by, kind=ChangeKind.MINOR, note: str = "", fields=None) -> None:
        """Make the pending change live as a change of `kind` (save_change's rules).

        `fields`, when given, are the pending values as last edited (the form's).
        Refused if the live story moved since the pending change was started.
        """
        if not may_publish(by):
            raise PermissionDenied(NOT_AN_EDITOR_PENDING)
        pending = PendingChange.objects.select_for_update().filter(article=self).first()
        if pending is None:
            raise ValidationError({"__all__": NO_PENDING})
        live = type(self).objects.select_for_update().get(pk=self.pk)
        # This instance must be the live row as stored, or its save would undo a change.
        if not (live.updated_at == pending.based_on == self.updated_at):
            raise ValidationError({"__all__": LIVE_MOVED.format(when=local_time(live.updated_at))})
        for name, value in {**pending.fields, **(fields or {})}.items():
            if name in PENDING_FIELDS:
                setattr(self, name, value)
        self.save_change(by, kind=kind, note=note)
        if fields is None:
            self.tags.set(pending.tag_ids)
        pending.delete()
        self._forget_pending()
        record(
            [self], by, f"Pending change published ({ChangeKind(kind or ChangeKind.MINOR).value})"
        )

    @transaction.atomic
    def discard_pending(self, by) -> bool:
        """Drop the pending change; the live story stays as it is. False if none."""
        self.check_pending("discard_pending", by)
        deleted, _ = PendingChange.objects.filter(article=self).delete()
        self._forget_pending()
        if deleted:
            record([self], by, "Pending change discarded")
        return bool(deleted)
