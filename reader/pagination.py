"""Pagination with a bounded depth, so list pages cost the same at any archive size.

Counting every published article (or every article in a tag) for "Page N of M" grows
with the archive, and OFFSET grows with the page number. Front and tag pages
therefore go back at most MAX_PAGES pages (articles.models: search and the page
cache count on the same depth). Readers rarely page that far; older
stories stay reachable through every article's Previous link, tag pages, search and
the sitemaps, which walk the whole archive. Keyset ("older than this story") links
would also keep depth cheap, but would drop stable page numbers that people and the
canonical URLs already use.
"""

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils.functional import cached_property

from articles.models import MAX_PAGES


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at `max_pages` pages' worth of rows."""

    max_pages = MAX_PAGES

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery of ids: reads at most the rows it may show,
        # and none of what a page computes for each row (its tags' and authors' JSON).
        ids = self.object_list.values("pk").order_by()  # any order counts the same
        return ids[: self.per_page * self.max_pages].count()


class IdsFirstPaginator(BoundedPaginator):
    """A BoundedPaginator whose page picks its rows by id, then loads only those.

    OFFSET still computes everything the query selects for the rows it skips: on
    page 50 of the front page, the tags of 980 articles nobody sees. The slice runs
    on ids alone, as a subquery, and the full query loads just those rows, in the
    same order, in the same one statement. Not for querysets whose raw SQL names the
    table itself (search's vector), which the subquery's own table alias would
    confuse.
    """

    def page(self, number):
        page = super().page(number)
        page.object_list = self.object_list.filter(pk__in=page.object_list.values("pk"))
        return page


class IdRangePaginator(Paginator):
    """Pages of `per_page` consecutive ids, for the article sitemap.

    Page N is one range of the primary key, counted from the lowest id, so it
    costs what page 1 does (OFFSET reads every row before the page), and the
    number of pages comes from the lowest and highest ids (two index look-ups)
    rather than a count of the whole archive. A page lists the range's rows that
    `object_list` keeps, so it may hold fewer than `per_page`, even none.
    """

    @cached_property
    def bounds(self) -> tuple[int, int]:
        ids = self.object_list.aggregate(low=Min("pk"), top=Max("pk"))
        return (ids["low"], ids["top"]) if ids["low"] is not None else (1, 0)

    @cached_property
    def count(self) -> int:
        """How many ids the pages cover."""
        low, top = self.bounds
        return top - low + 1

    def page(self, number):
        number = self.validate_number(number)
        start = self.bounds[0] + (number - 1) * self.per_page
        rows = self.object_list.filter(pk__gte=start, pk__lt=start + self.per_page)
        return self._get_page(rows, number, self)
