"""Shared by the migrations that run SQL on PostgreSQL alone (the loader skips `_` modules)."""


def postgresql_only(sql):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
