"""No silent overwrite: every write to an article says which version it read.

An article carries a `version` counter. `save()` of a stored article first claims
the row with a plain conditional update,

    UPDATE … SET version = version + 1 WHERE id = %s AND version = <the version read>

and writes the article only when that claimed one row; when it claimed none,
someone else saved in between and `EditConflict` is raised before anything is
written or any signal (pre_save, post_save) is sent. The claim and the write share
one transaction, so the claim's row lock keeps every other writer out until the
write commits. The instance's `version` is therefore "the version the writer
read": an instance loaded from the database holds the stored one, and the desk
sets it to the version its form was opened on (editorial.versions.as_read).

Bulk writers do the same with queryset updates filtered on the version they read
(editorial.versions.claim), and act on the row count.
"""

from django.db import models, transaction
from django.db.models import F


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
        read = self.version
        using = kwargs.get("using") or self._state.db or "default"
        with transaction.atomic(using=using):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=read)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self, read)
            self.version = read + 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = read
                raise
