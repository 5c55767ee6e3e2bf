from django.db import models
from django.utils import timezone


class Purge(models.Model):
    """A purge waiting for the cache's confirmation (pagecache.outbox): written in the
    transaction of the change it purges for, deleted once the cache confirms it."""

    keys = models.TextField(help_text="Surrogate keys, space-separated.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Purge of {self.keys[:60]}"
