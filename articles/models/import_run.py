"""One run of an import: which file, who ran it, when, and what it did.

An import keeps no per-article copy in History (that would write every body
twice): it records this run, and each article it writes points at it
(`Article.import_run`). The first later change to such an article records the
stored state first, "as imported from FILE by import run N" (editorial.history).
"""

from django.db import models


class ImportRun(models.Model):
    source = models.CharField(max_length=500, help_text="The command and its file.")
    operator = models.CharField(
        max_length=150, blank=True, help_text="Who ran it: the system account of the shell."
    )
    update_status = models.BooleanField(
        default=False,
        help_text="Run with --update-status: records set existing articles' states.",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    in_trash = models.PositiveIntegerField(
        default=0, help_text="Records whose article is in the trash: skipped."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Import run {self.pk}: {self.source}"
