"""Shared by the migrations that run SQL on PostgreSQL alone (the loader skips `_` modules)."""

from pathlib import Path

SEARCH_VECTOR_SQL = Path(__file__).resolve().parent.parent / "search_vector.sql"


def postgresql_only(sql):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def load_search_vector(apps, schema_editor):
    """(Re)create the search vector's functions and trigger from their one definition,
    articles/search_vector.sql (every statement there is CREATE OR REPLACE)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR_SQL.read_text())
