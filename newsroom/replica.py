"""Which database a reader's request reads from: decided once, at its first read.

The replica is used only when it has replayed the primary's WAL up to where the
primary stood at that moment. The first read of a request comes after the page
cache read the content generation, and a publish bumps the generation only after its
commit; so a request that saw the new generation renders from a replica that holds
the new content, or from the primary. Nothing is ever filed under a generation it
predates. It costs two small queries per request that reaches the database (a cache
hit runs none): the primary's position, and the replica's comparison with it.

A replica that does not answer is skipped for a second (per process), and a request
whose replica fails mid-way is served again from the primary, so stopping the replica
costs readers nothing. When the primary does not answer, the request fails with the
database-unavailable page: the replica alone cannot tell whether it is current.
"""

import logging
import time

from asgiref.local import Local
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from newsroom.middleware import DATABASE_ERRORS, database_unavailable_response

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Long enough that a stopped replica costs one refused connection a second per
# process, short enough that reads move back soon after it returns.
SKIP_REPLICA_SECONDS = 1.0

# The route of the current reader's request (newsroom.routers.replica_reads()):
# None while undecided; unset outside one.
_request = Local()
_skip_replica_until = 0.0


def begin() -> None:
    _request.route = None


def end() -> None:
    if hasattr(_request, "route"):
        del _request.route


def route_for_request() -> str:
    """The alias this reader's request reads from, decided at its first read."""
    route = getattr(_request, "route", DEFAULT_DB_ALIAS)
    if route is None:
        route = _request.route = REPLICA if replica_is_current() else DEFAULT_DB_ALIAS
    return route


def stay_on_primary() -> None:
    """After a write, the rest of the request reads from the primary: it sees its write."""
    if hasattr(_request, "route"):
        _request.route = DEFAULT_DB_ALIAS


def skip_replica() -> None:
    global _skip_replica_until
    _skip_replica_until = time.monotonic() + SKIP_REPLICA_SECONDS


def replica_is_current() -> bool:
    """Has the replica replayed everything the primary had written by now?

    An error from the primary propagates (readers get the 503 page); an error from
    the replica means "no". A promoted replica replays nothing (NULL): also "no".
    """
    if time.monotonic() < _skip_replica_until:
        return False
    primary_position = _one_value(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text", [])
    try:
        return bool(
            _one_value(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [primary_position])
        )
    except DATABASE_ERRORS as error:
        logger.warning("Replica unavailable, reading from the primary: %s", error)
        skip_replica()
        return False


def _one_value(alias: str, sql: str, params: list):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


class ReplicaFallbackMiddleware:
    """A reader's request whose replica fails mid-way is served again from the primary.

    Last in MIDDLEWARE, so its process_exception runs before
    DatabaseUnavailableMiddleware's turns the error into the 503 page. Only GET and
    HEAD are run again: they write nothing, so running them twice is safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not (
            isinstance(exception, DATABASE_ERRORS)
            and request.method in ("GET", "HEAD")
            and getattr(_request, "route", None) == REPLICA
        ):
            return None
        logger.warning("Replica failed mid-request, reading from the primary: %s", exception)
        skip_replica()
        _request.route = DEFAULT_DB_ALIAS
        match = request.resolver_match
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        except DATABASE_ERRORS as error:
            logger.error("Database unavailable: %s", error, exc_info=error)
            return database_unavailable_response()
        return response
