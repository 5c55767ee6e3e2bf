"""The page cache listens to what editorial announces of bulk writes."""

from articles.shown import ALL, tag
from editorial.announcements import bulk_change
from pagecache import invalidation


def evict(sender, *, content, checked, moved, tags, removed, using, everything=False, **kwargs):
    """Evict the pages a bulk write changed (bumped when its transaction commits)."""
    invalidation.changed(
        articles=content,
        moved=moved,
        topics=[ALL] if everything else map(tag, tags),
        checked=checked,
        removed=removed,
        using=using,
    )


def connect() -> None:
    bulk_change.connect(evict, dispatch_uid="pagecache-bulk-change")
