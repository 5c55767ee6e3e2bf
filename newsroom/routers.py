"""Read replicas: readers' requests read from "replica"; everything else uses "default".

Enabled by DATABASE_REPLICA_URL. A replica lags behind the primary, so it serves
only what may be a moment old: the reads of an anonymous GET or HEAD request
(ReplicaReadsMiddleware marks them), outside transactions. Everything else reads
from the primary: staff (who must see what they just saved), every POST,
management commands, shells and workers, and, even inside a reader's request,
any read a write depends on (a slug's uniqueness, the stored row before a save,
an import's look-up of existing records), which runs under `primary_reads()`, and
every read after the request wrote. Migrations run on the primary only; the replica
gets them through replication.

Even a reader's request reads from the replica only while it is current: a page
rendered from a lagging replica just after a publish would be filed by the page
cache under the new content and stay stale. Its first read compares the replica's
replayed WAL position with the primary's (newsroom/replica.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from newsroom import replica

REPLICA = replica.REPLICA

# True while serving a request whose reads may be a moment old.
_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)
# True inside primary_reads(): reads that a write depends on.
_primary_required: ContextVar[bool] = ContextVar("primary_required", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may go to the replica (outside transactions and primary_reads())."""
    token = _replica_allowed.set(True)
    replica.begin()
    try:
        yield
    finally:
        replica.end()
        _replica_allowed.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary: what a write is about to rely on."""
    token = _primary_required.set(True)
    try:
        yield
    finally:
        _primary_required.reset(token)


class ReplicaReadsMiddleware:
    """Readers' requests (anonymous GET/HEAD, decided from the session cookie alone)
    may read from the replica; staff and every write see the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not _replica_allowed.get()
            or _primary_required.get()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return replica.route_for_request()

    def db_for_write(self, model, **hints):
        replica.stay_on_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two connections to it

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
