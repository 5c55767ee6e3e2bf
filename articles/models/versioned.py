"""No silent overwrite: every write to an article says which version it read.

An article carries a `version` counter. `save()` of a stored article writes
`UPDATE … WHERE id = %s AND version = <the version this instance holds>` and moves
the counter on by one; when no row matches, someone else saved in between and
`EditConflict` is raised instead of overwriting their change. The instance's
`version` is therefore "the version the writer read": an instance loaded from the
database holds the stored one, and the admin sets it to the version its form was
opened on (see desk/conflict.py).

Bulk writers do the same with queryset updates filtered on the version they read:

    Article.objects.filter(pk=pk, version=seen).update(..., version=F("version") + 1)

and act on the row count (ingest/importers/saving.py, editorial/backfill.py).
"""

from django.db import models


class EditConflict(Exception):
    """The article changed since the writer read it (or left the database)."""

    def __init__(self, article, read_version: int):
        self.article = article
        self.read_version = read_version
        super().__init__(
            f"Article {article.pk} changed since version {read_version} was read; not saved."
        )


class VersionedModel(models.Model):
    """A model whose saves are conditional on the version the instance read."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on by one with every save; a write names the version it read.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        read = self.version
        self._version_read, self._conflicted = read, False
        self.version = read + 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = read
            raise
        finally:
            del self._version_read
        if self._conflicted:
            self.version = read
            raise EditConflict(self, read)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *rest):
        read = getattr(self, "_version_read", None)
        if read is None:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *rest
            )
        updated = super()._do_update(
            base_qs.filter(version=read), using, pk_val, values, update_fields, True, *rest
        )
        if not updated:
            # Raised by save() once Django's save is over: raised in here, it would
            # break the caller's transaction, and an empty result would make Django
            # INSERT the row again.
            self._conflicted = True
            return [()]
        return updated
