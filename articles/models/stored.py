"""What a model instance last read from or wrote to the database, for its save() to compare."""

from newsroom.routers import primary_reads


class TracksStoredValues:
    """Remembers some fields as read from the database, so save() can tell what
    changed (a slug, a status) without another query."""

    tracked_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._remember_stored()
        return instance

    def _remember_stored(self):
        self._stored = {
            name: self.__dict__[name] for name in self.tracked_fields if name in self.__dict__
        }

    def stored_value(self, name):
        """`name` as last read from or written to the database; None for a new row."""
        if self._state.adding:
            return None
        stored = getattr(self, "_stored", {})
        if name not in stored:
            with primary_reads():  # what a save is about to compare with
                rows = type(self)._base_manager.filter(pk=self.pk).values_list(name, flat=True)
                return rows.first()
        return stored[name]
