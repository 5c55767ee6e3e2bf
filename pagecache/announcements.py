"""The page cache listens to what editorial announces of bulk writes."""

from editorial.announcements import bulk_change
from pagecache import keys, purges


def purge(sender, *, content, moved, tags, using, everything=False, authors=(), **kwargs):
    """Purge what a bulk write changed (sent when its transaction commits)."""
    purged = [*map(keys.article, content), *map(keys.tag, tags), *map(keys.author, authors)]
    if everything:
        purged.append(keys.ALL)
    purges.changed([*purged, *purges.moved(moved, using)], using)


def connect() -> None:
    bulk_change.connect(purge, dispatch_uid="pagecache-bulk-change")
