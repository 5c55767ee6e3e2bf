"""Reads of the shared Redis cache kept in this process, fresh without a round trip.

The page cache reads the same few keys all day: the pages, and the topics that say
whether a page is still fresh (pagecache.invalidation). Each read from Redis is a
network round trip, which costs more than the rest of a hit. Redis *tracks* the
keys a connection with `CLIENT TRACKING ON` has read, and pushes an invalidation
message to it as soon as one of them is changed, deleted, expired or evicted (or
everything, when the server can no longer track). So this process keeps what it read
over that connection, and before answering from its copies it reads whatever
invalidations have arrived on the socket: a non-blocking check, not a round trip.

Freshness: Redis writes the invalidation to this connection while it executes the
write, before it answers the writer, in the same pass of its event loop; a change
whose writer has been told it is done is dropped here by the next read. Keys read
as missing are kept (as missing) and tracked the same way. If the connection breaks,
every copy is forgotten before anything is read again.

Needs RESP3 (Redis 6 or later), which carries the invalidations on the connection
itself. One lock per process: gunicorn's sync workers never wait on it.
"""

import logging
import os
import threading
from collections import OrderedDict

import redis

logger = logging.getLogger(__name__)

MISSING = object()


class TrackedReads:
    def __init__(self, connect, loads, max_bytes: int = 64 * 1024 * 1024):
        self.connect = connect  # a new redis.Redis: RESP3, one connection of its own
        self.loads = loads
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.client: redis.Redis | None = None
        self.pid = 0
        self.copies: OrderedDict[bytes, tuple[object, int]] = OrderedDict()
        self.size = 0

    # The connection ----------------------------------------------------------

    def _connection(self):
        if self.client is None or self.pid != os.getpid():
            self.forget_all()
            self.client = self.connect()
            self.client.execute_command("CLIENT", "TRACKING", "ON")
            self.client.connection._parser.set_invalidation_push_handler(self._invalidated)
            self.pid = os.getpid()
        return self.client.connection

    def _invalidated(self, message) -> None:
        keys = message[1] if len(message) > 1 else None
        if keys is None:  # the server dropped its tracking table: trust nothing
            self.forget_all()
            return
        for key in keys:
            if (found := self.copies.pop(key, None)) is not None:
                self.size -= found[1]

    def _drain(self, connection) -> None:
        """Apply the invalidations already on the socket, without waiting for more."""
        while connection.can_read(timeout=0):
            connection.read_response(push_request=True, disconnect_on_error=True)

    def forget_all(self) -> None:
        self.copies.clear()
        self.size = 0

    def _broken(self) -> None:
        self.forget_all()
        if self.client is not None:
            try:
                self.client.close()
            except redis.RedisError:
                pass
        self.client = None

    # Reads -------------------------------------------------------------------

    def values(self, keys: list[bytes], drain: bool = True) -> list:
        """The values of `keys` in order, MISSING for those that do not exist. Without
        `drain`, the invalidations already applied by a read just before stand."""
        with self.lock:
            try:
                connection = self._connection()
                if drain:
                    self._drain(connection)
                copies = self.copies
                if all(key in copies for key in keys):
                    return [copies[key][0] for key in keys]
                wanted = [key for key in keys if key not in copies]
                for key, raw in zip(wanted, self.client.mget(wanted), strict=True):
                    self._keep(key, MISSING if raw is None else self.loads(raw), raw)
                self._drain(connection)  # invalidations that came with the answer
                if all(key in copies for key in keys):
                    return [copies[key][0] for key in keys]
                raw = self.client.mget(keys)  # invalidated just now: read it
                return [MISSING if v is None else self.loads(v) for v in raw]
            except (redis.RedisError, OSError):
                self._broken()
                raise

    def get_many(self, names: list[str]) -> dict[str, object]:
        """The values of the keys named that exist, from this process when it can."""
        keys = [name.encode() for name in names]
        with self.lock:
            try:
                connection = self._connection()
                self._drain(connection)
                wanted = [key for key in keys if key not in self.copies]
                if wanted:
                    for key, raw in zip(wanted, self.client.mget(wanted), strict=True):
                        self._keep(key, MISSING if raw is None else self.loads(raw), raw)
                    # Invalidations that arrived with the answer apply to it too.
                    self._drain(connection)
                found = {}
                for name, key in zip(names, keys, strict=True):
                    if key not in self.copies:
                        return self._fallback(names)  # invalidated just now: read it
                    if (value := self.copies[key][0]) is not MISSING:
                        found[name] = value
                return found
            except (redis.RedisError, OSError):
                self._broken()
                raise

    def _fallback(self, names):
        """One plain read, after an invalidation raced the tracked one."""
        values = self.client.mget(names)
        return {k: self.loads(v) for k, v in zip(names, values, strict=True) if v is not None}

    def _keep(self, key: bytes, value, raw) -> None:
        size = len(key) + (len(raw) if raw else 0) + 64
        self.copies[key] = (value, size)
        self.size += size
        while self.size > self.max_bytes and self.copies:
            _, (_, dropped) = self.copies.popitem(last=False)
            self.size -= dropped
