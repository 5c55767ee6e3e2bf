"""Overlapping an import's stages, so both cores and the database work at once.

Three things happen at once (ingest/importers/saving.py, save_articles):
- worker processes sanitize the bodies of the batch just read (articles.parallel);
- this thread builds the batch before it, from its cleaned bodies, and reads on;
- a second thread, with its own database connection, writes the batch before that,
  mostly waiting for PostgreSQL.
Order is kept: batches are written one at a time, in file order, each in its own
transaction.

Inside an open transaction (a dry run, a test) everything runs in this thread:
another connection could not see that transaction's writes. So it does on SQLite,
which takes one writer at a time and would gain nothing (and whose shared-cache
test databases refuse a read while another connection writes).
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from django.db import connection


@contextmanager
def batch_writer() -> Iterator[Callable[[Callable[[], None]], None]]:
    """`write(job)` runs `job` (one batch's transaction) after the previous one ends.

    Concurrent with this thread on PostgreSQL when no transaction is open here; a
    job's error is raised on the next `write()` or on leaving the block.
    """
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield lambda job: job()
        return
    pending: Future | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as thread:

        def write(job: Callable[[], None]) -> None:
            nonlocal pending
            if pending:
                pending.result()
            pending = thread.submit(job)

        try:
            yield write
            if pending:
                pending.result()
        finally:
            if pending:
                wait([pending])  # a batch under way commits or rolls back before we go
            # Looked up in the writer thread, `connection` is that thread's own.
            thread.submit(lambda: connection.close()).result()
