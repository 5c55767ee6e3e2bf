"""Pagination with a bounded depth, so list pages cost the same at any archive size.

Counting every published article (or every article in a tag) for "Page N of M"
grows with the archive: at a million rows it is the slowest thing on the page, and
OFFSET grows with the page number. Front and tag pages therefore go back at most
MAX_PAGES pages. Readers rarely page that far; older stories stay reachable through
every article's Previous link, tag pages, search and the sitemaps, which walk the
whole archive. Keyset ("older than this story") links would also keep depth cheap,
but would drop stable page numbers that people and the canonical URLs already use.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 50


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at `max_pages` pages' worth of rows."""

    max_pages = MAX_PAGES

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery: reads at most the rows it may show.
        return self.object_list[: self.per_page * self.max_pages].count()
