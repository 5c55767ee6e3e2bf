"""Bulk writes on PostgreSQL: COPY in the binary format.

Imports, `seed_demo` and an import's revisions write thousands of rows per
transaction. COPY in the binary format sends each value as PostgreSQL stores it:
nothing is formatted as text in Python to be parsed again by the server.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models


@contextmanager
def copy_in(cursor, table: str, columns: list[tuple[str, models.Field]]) -> Iterator:
    """A COPY into `table`'s columns, each named with the model field whose type it
    has; write rows with `copy.write_row(values)`. PostgreSQL only."""
    quote = connection.ops.quote_name
    listed = ", ".join(quote(column) for column, _ in columns)
    with cursor.copy(f"COPY {quote(table)} ({listed}) FROM STDIN (FORMAT BINARY)") as copy:
        # Type names as Django declares them ("varchar(300)" is a varchar to COPY).
        copy.set_types([field.db_type(connection).split("(")[0] for _, field in columns])
        yield copy
