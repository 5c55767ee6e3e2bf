"""Sitemaps: an index of article and tag sitemaps, a Google News sitemap, robots.txt.

django.contrib.sites is not installed, so the sitemap framework would take the
host from each request; these sitemaps take the public origin from
settings.SITE_URL instead, like the feeds and canonical links.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Min, OuterRef, Subquery
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.models import Article, Author, Correction, Tag
from reader.feeds import absolute
from reader.pagination import IdRangePaginator

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most this many URLs per news sitemap


@dataclass
class IndexEntry:
    """One <sitemap> of the index, as the sitemap_index.xml template reads it."""

    location: str
    last_mod: object = None


def noindex(view):
    """A sitemap is for crawlers to read, not a page to list: the header Django's
    own sitemap views send."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
        return response

    return wrapper


class SiteUrlSitemap(Sitemap):
    """A sitemap whose locations start with settings.SITE_URL."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def summary(self) -> tuple[int, object]:
        """(number of pages, latest lastmod) in one query, for the index."""
        raise NotImplementedError


class ArticleSitemap(SiteUrlSitemap):
    """Published articles in pages of id ranges (IdRangePaginator): at a million
    articles no page counts or skips the archive."""

    limit = 50_000  # the protocol's maximum per sitemap

    @property
    def paginator(self):
        # Sitemap.paginator is not a documented hook: tests/newsroom/test_django_private_hooks.py
        # fails on a Django release whose sitemaps may no longer read it.
        return IdRangePaginator(self.items(), self.limit)

    def items(self):
        # A stable order, so pages do not overlap while articles are published.
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("pk")

    def lastmod(self, article):
        # A scheduled article was last saved before it went public.
        return max(article.updated_at, article.published_at)

    def summary(self):
        # Extremes, each read from the end of an index, not a scan of the archive;
        # the pages are IdRangePaginator's.
        totals = Article.objects.published().aggregate(
            low=Min("pk"), top=Max("pk"), updated=Max("updated_at"), published=Max("published_at")
        )
        dates = [d for d in (totals["updated"], totals["published"]) if d is not None]
        if totals["low"] is None:
            return 0, None
        return math.ceil((totals["top"] - totals["low"] + 1) / self.limit), max(dates)


class TagSitemap(SiteUrlSitemap):
    """Tag pages with at least one published article; lastmod is its newest article."""

    limit = 50_000

    def items(self):
        newest = Article.objects.published_with_tag(OuterRef("pk")).values("published_at")[:1]
        return (
            Tag.objects.annotate(newest=Subquery(newest))
            .filter(newest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.newest

    def summary(self):
        # Tags are few (hundreds, not millions): fetching their dates is cheap.
        dates = list(self.items().values_list("newest", flat=True))
        return math.ceil(len(dates) / self.limit), max(dates, default=None)


class PageSitemap(SiteUrlSitemap):
    """The site's own pages besides articles and tags: the corrections page, whose
    lastmod is its newest note."""

    def items(self):
        return ["articles:corrections"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.newest_correction()

    def newest_correction(self):
        return Correction.objects.public().values_list("published_at", flat=True).first()

    def summary(self):
        return 1, self.newest_correction()


class AuthorSitemap(SiteUrlSitemap):
    """Author pages with at least one published story; lastmod is their newest story."""

    limit = 50_000

    def items(self):
        newest = (
            Article.objects.published()
            .filter(bylines__author=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            Author.objects.annotate(newest=Subquery(newest))
            .filter(newest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, author):
        return author.newest

    def summary(self):
        # Authors are a newsroom's staff, not millions: fetching their dates is cheap.
        dates = list(self.items().values_list("newest", flat=True))
        return math.ceil(len(dates) / self.limit), max(dates, default=None)


SITEMAPS = {
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


@noindex
@require_GET
def sitemap_index(request):
    """/sitemap.xml: every page of every section, then the news sitemap."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        pages, lastmod = sitemap.summary()
        location = absolute(reverse("sitemap_section", kwargs={"section": section}))
        for page in range(1, max(1, pages) + 1):
            url = location if page == 1 else f"{location}?p={page}"
            entries.append(IndexEntry(url, lastmod))
    entries.append(IndexEntry(absolute(reverse("sitemap_news"))))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@noindex
@require_GET
def news_sitemap(request):
    """/sitemap-news.xml: articles published in the last 48 hours (Google News)."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "headline", "published_at")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    context = {
        "articles": articles,
        "publication_name": settings.SITE_NAME,
        # Google News wants an ISO 639 code: "en", not "en-gb".
        "language": settings.LANGUAGE_CODE.split("-")[0],
    }
    return TemplateResponse(request, "sitemaps/news.xml", context, content_type="application/xml")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Result pages are endless and thin; the articles they list are in the sitemap.
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {absolute(reverse('sitemap'))}",
        f"Sitemap: {absolute(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
