"""The purge outbox: what a change purges is written in the change's own transaction,
sent right after it commits, and kept until the cache confirms.

A `Purge` row commits with the change or not at all. After the commit the same
process sends it (stamps in Django's cache, then the purge backend: pagecache.backends)
and deletes it once both confirmed. If the process dies in between, or the cache is
unreachable, the row stays, and whoever comes next sends it: `manage.py send_purges`
(once, or `--loop` as a worker) and any app server, on a request, at most once every
PURGE_RETRY_INTERVAL seconds. While any purge is older than PURGE_BACKLOG_AFTER
seconds, responses are cached for PURGE_BACKLOG_TIMEOUT seconds at most
(pagecache.caching): a cache that cannot be purged only keeps pages briefly.
Sending twice is harmless: a purge only ever makes a cache fetch again.
"""

import logging
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from pagecache import backends, stamps
from pagecache.keys import SECTIONS
from pagecache.models import Purge

logger = logging.getLogger(__name__)

BATCH = 500  # rows sent together: one purge of their keys' union


class Sender:
    """The rows one transaction wrote, sent once it commits, and once more
    PURGE_REPEAT_AFTER seconds later: a page rendered from the rows before the commit
    may reach an HTTP cache just after the first purge (the embedded cache needs no
    repeat: its clock already tells such a page apart)."""

    def __init__(self, using: str):
        self.using = using
        self.ids: list[int] = []

    def __call__(self) -> None:
        rows = Purge.objects.using(self.using).filter(pk__in=self.ids)
        repeat = settings.PURGE_REPEAT_AFTER if settings.PAGE_CACHE_BACKEND != "django" else 0
        if send(rows, using=self.using, keep=repeat > 0) and repeat > 0:
            # Kept until then: if this process dies first, the retries send it again.
            threading.Timer(repeat, self.repeat, args=[rows]).start()

    def repeat(self, rows) -> None:
        try:
            send(rows, using=self.using)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections[self.using].close()  # the timer thread's own connection

    sends_purges = True  # tests/conftest.py runs it where a real commit would


def write(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a purge of `keys` in the current transaction; sent when it commits
    (at once outside a transaction, where the change is already committed)."""
    keys = sorted(set(keys))
    connection = transaction.get_connection(using)
    # Blocks Django's TestCase opens never commit; like Django's own `durable` check,
    # they count as autocommit, so tests see what a committed change does.
    committed = all(block._from_testcase for block in connection.atomic_blocks)
    if settings.PAGE_CACHE_TIMEOUT <= 0:
        # No page is cached; the header's sections still are (pagecache.sections).
        if SECTIONS in keys:
            purge_sections = partial(stamps.purge, [SECTIONS])
            purge_sections.sends_purges = True
            purge_sections() if committed else transaction.on_commit(purge_sections, using=using)
        return
    row = Purge.objects.using(using).create(keys=" ".join(keys))
    if committed:
        sender = Sender(using)
        sender.ids.append(row.pk)
        sender()
        return
    for _, func, _ in connection.run_on_commit:
        if isinstance(func, Sender):
            func.ids.append(row.pk)
            return
    sender = Sender(using)
    sender.ids.append(row.pk)
    transaction.on_commit(sender, using=using, robust=True)


def send(rows, using: str = DEFAULT_DB_ALIAS, keep: bool = False) -> int:
    """Send these rows' purges, deleting each batch the cache confirmed (unless `keep`:
    Sender repeats them); the number of rows confirmed. A failure is logged and leaves
    the rows for the next attempt."""
    confirmed = 0
    while pending := list(rows.order_by("pk").values_list("pk", "keys")[:BATCH]):
        ids = [pk for pk, _ in pending]
        keys = sorted({key for _, text in pending for key in text.split()})
        sent = Purge.objects.using(using).filter(pk__in=ids)
        try:
            stamps.purge(keys)
            backends.purge(keys)
        except Exception:
            # Never fails the change (it is committed); the rows stay for a retry.
            logger.warning("Purge of %d keys not confirmed; kept for a retry", len(keys),
                           exc_info=True)  # fmt: skip
            sent.update(attempts=F("attempts") + 1)
            return confirmed
        confirmed += len(ids)
        if keep:
            return confirmed  # one batch now; the repeat sends (and deletes) them all
        sent.delete()
    return confirmed


def overdue(using: str = DEFAULT_DB_ALIAS):
    """Purges that their own transaction's sender should have confirmed by now."""
    since = timezone.now() - timedelta(seconds=settings.PURGE_BACKLOG_AFTER)
    return Purge.objects.using(using).filter(created_at__lte=since)


def send_overdue(using: str = DEFAULT_DB_ALIAS) -> int:
    return send(overdue(using), using=using)


class Backlog:
    """Whether purges are overdue, read at most once a PURGE_RETRY_INTERVAL per
    process; an app server that finds some sends them (the next request's retry)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at: float | None = None
        self.overdue = False

    def check(self) -> bool:
        now = time.monotonic()
        if self.checked_at is not None and now - self.checked_at < settings.PURGE_RETRY_INTERVAL:
            return self.overdue
        if not self.lock.acquire(blocking=False):
            return self.overdue  # another thread is at it
        try:
            self.checked_at = now
            try:
                # Usually none: one query. Else send them, and see what is left.
                self.overdue = overdue().exists()
                if self.overdue:
                    send_overdue()
                    self.overdue = overdue().exists()
            except DatabaseError:
                logger.warning("Purge outbox unreadable", exc_info=True)
                self.overdue = True
            return self.overdue
        finally:
            self.lock.release()


backlog = Backlog()
