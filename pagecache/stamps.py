"""Surrogate keys in Django's cache: when each was last purged, against one clock.

The embedded page cache (pagecache.caching) and the header's sections
(pagecache.sections) keep entries in Django's cache the way an HTTP cache keeps
responses: filed under surrogate keys (pagecache.keys). Purging a key here stamps it
with the *clock*; an entry stores the clock it read before reading its rows, and is
fresh while every one of its keys carries a stamp no later than that. The clock is
read before the rows and a change's keys are stamped after its transaction commits
(pagecache.outbox), so an entry made from rows older than a change always carries a
clock older than the change's stamp.

A key with no stamp reads as *purged*, never as unchanged: an entry stamps its
missing keys (set-if-absent) when it is stored, so a cache that evicts keys under
memory pressure (`allkeys-lru`) or loses them in a restart costs a miss, never a
stale page. On Redis, stamping is one script per purge and one per stored entry.
"""

import threading
import time
from collections.abc import Iterable
from itertools import batched

from django.conf import settings
from django.core.cache import cache

CLOCK_KEY = "page-cache:clock"
STAMP_PREFIX = "page-cache:k:"
# A stamp outlives the longest an entry may be kept, plus a slow render.
STAMP_MARGIN = 300


def start_value() -> int:
    """Where a new (or lost) clock starts: the wall clock in microseconds, above every
    value an earlier clock reached one purge at a time, and exact in a Lua number."""
    return time.time_ns() // 1000


def lifetime() -> int:
    return settings.PAGE_CACHE_TIMEOUT + STAMP_MARGIN


def clock() -> int:
    """The current clock, read before an entry's rows."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, start_value(), timeout=None)
        value = cache.get(CLOCK_KEY, start_value())
    return value


def names(keys: Iterable[str]) -> list[str]:
    return [STAMP_PREFIX + key for key in keys]


def is_fresh(read_at: int, keys: Iterable[str]) -> bool:
    """Whether none of `keys` was purged (or lost) since an entry read the clock at `read_at`."""
    wanted = names(keys)
    found = cache.get_many(wanted)
    return len(found) == len(wanted) and all(value <= read_at for value in found.values())


def _redis():
    """The Redis client behind Django's cache, or None for another backend."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


PURGE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local now = redis.call('INCR', KEYS[1])
local stamp = string.format('%d', now)
for i = 2, #KEYS do redis.call('SET', KEYS[i], stamp, 'EX', ARGV[1]) end
return now
"""
REMEMBER_SCRIPT = """
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2], 'NX', 'EX', ARGV[1]) end
return 1
"""
_lock = threading.Lock()


def purge(keys: Iterable[str]) -> None:
    """Move the clock on and stamp `keys` with it, at once (a slower purge never
    lowers a stamp)."""
    stamped = names(sorted(set(keys)))
    if not stamped:
        return
    if (redis := _redis()) is not None:
        made = [cache.make_and_validate_key(key) for key in [CLOCK_KEY, *stamped]]
        for chunk in batched(made[1:], 5000, strict=False):
            redis.eval(PURGE_SCRIPT, len(chunk) + 1, made[0], *chunk, lifetime(), start_value())
        return
    with _lock:  # one process's cache (tests, development)
        try:
            now = cache.incr(CLOCK_KEY)
        except ValueError:
            cache.add(CLOCK_KEY, start_value(), timeout=None)
            now = cache.incr(CLOCK_KEY)
        cache.set_many(dict.fromkeys(stamped, now), timeout=lifetime())


def remember(keys: Iterable[str], read_at: int) -> None:
    """Stamp the keys an entry is filed under that have no stamp, with the clock the
    entry read: a key purged meanwhile keeps its later stamp (set-if-absent)."""
    stamped = names(sorted(set(keys)))
    if (redis := _redis()) is not None:
        made = [cache.make_and_validate_key(key) for key in stamped]
        redis.eval(REMEMBER_SCRIPT, len(made), *made, lifetime(), read_at)
        return
    for key in stamped:
        cache.add(key, read_at, timeout=lifetime())
