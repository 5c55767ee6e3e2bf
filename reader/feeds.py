"""Syndication: RSS 2.0, Atom 1.0 and JSON Feed 1.1, for the site and for each tag.

Every feed lists the latest published articles (`Article.objects.published()`),
with the summary as the description and the full sanitized body as the content.
Links are absolute, built from settings.SITE_URL rather than the request's host,
so a feed fetched through a proxy or an internal name still points at the site.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.views.decorators.http import require_GET

from articles.models import Article, Author, Tag
from pagecache import keys

FEED_LENGTH = 50
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def absolute(path: str) -> str:
    """The public URL of a site path (SITE_URL is an origin without a trailing slash)."""
    return f"{settings.SITE_URL}{path}"


def feed_articles(subject: Tag | Author | None = None):
    """The latest published articles, optionally of one tag or author, their tags
    and authors riding along."""
    if subject is None:
        articles = Article.objects.published()
    elif isinstance(subject, Author):
        articles = Article.objects.published().filter(bylines__author=subject)
    else:
        articles = Article.objects.published_with_tag(subject)
    return articles.with_tag_links().with_author_links()[:FEED_LENGTH]


def feed_keys(subject: Tag | Author | None, articles) -> list[str]:
    """A feed's surrogate keys: the listing it is (the public order, a tag's or an
    author's) and the stories it shows."""
    if subject is None:
        listing = []
    elif isinstance(subject, Author):
        listing = [keys.author(subject.pk)]
    else:
        listing = [keys.tag(subject.pk)]
    return [keys.NEWEST, *listing, *keys.shown(articles)]


class ContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full body in <content:encoded>, as feed readers expect."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(Atom1Feed):
    """Atom 1.0 with the full body as <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The whole site's latest published articles, as RSS 2.0."""

    feed_type = ContentRssFeed
    route = "articles:feed"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return keys.declare(response, request.feed_keys)

    def get_object(self, request, *args, **kwargs):
        return None

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Each item's stories rode along in item_extra_kwargs: declared by __call__.
        shown = [item["shown"] for item in feed.items]
        request.feed_keys = feed_keys(obj, shown)
        return feed

    def items(self, obj):
        return feed_articles(obj)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}" if obj else settings.SITE_NAME

    def description(self, obj):
        if obj is None:
            return f"The latest news from {settings.SITE_NAME}."
        if isinstance(obj, Author):
            return obj.bio or f"Stories by {obj.name} from {settings.SITE_NAME}."
        return obj.description or f"News about {obj.name} from {settings.SITE_NAME}."

    subtitle = description  # Atom's name for it

    def link(self, obj):
        return absolute(obj.get_absolute_url() if obj else reverse("articles:index"))

    def feed_url(self, obj):
        kwargs = {"slug": obj.slug} if obj else {}
        return absolute(reverse(self.route, kwargs=kwargs))

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # The description is HTML; the summary is plain text.
        return escape(item.summary)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Moved by updates and corrections only: a typo fix is no news to a feed reader.
        return item.public_modified_at()

    def item_author_name(self, item):
        return item.byline_text or None

    def item_author_link(self, item):
        # One link per feed item: the first author's page.
        authors = item.author_list
        return absolute(authors[0].get_absolute_url()) if authors else None

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]

    def item_enclosures(self, item):
        # RSS <enclosure> and Atom <link rel="enclosure">; length 0 when unknown (external).
        image = item.social_image
        if image is None:
            return []
        return [Enclosure(image.url, str(image.size), image.mime_type)]

    def item_extra_kwargs(self, item):
        return {"content": item.body, "shown": item}  # the body is sanitized when saved


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ContentAtomFeed
    route = "articles:feed_atom"


class SubjectFeed(LatestArticlesFeed):
    """The latest published articles of one tag or author (`model`, by slug), as RSS 2.0."""

    model = Tag

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)


class TagFeed(SubjectFeed):
    route = "articles:tag_feed"


class TagAtomFeed(TagFeed):
    feed_type = ContentAtomFeed
    route = "articles:tag_feed_atom"


class AuthorFeed(SubjectFeed):
    model = Author
    route = "articles:author_feed"


class AuthorAtomFeed(AuthorFeed):
    feed_type = ContentAtomFeed
    route = "articles:author_feed_atom"


@require_GET
def author_json_feed(request, slug):
    return json_feed_response(request, get_object_or_404(Author, slug=slug))


@require_GET
def json_feed(request, slug=None):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the site or of one tag."""
    tag = get_object_or_404(Tag, slug=slug) if slug is not None else None
    return json_feed_response(request, tag)


def json_feed_response(request, tag: Tag | Author | None) -> JsonResponse:
    feed = LatestArticlesFeed()
    articles = list(feed_articles(tag))
    data = {
        "version": JSON_FEED_VERSION,
        "title": feed.title(tag),
        "description": feed.description(tag),
        "home_page_url": feed.link(tag),
        "feed_url": absolute(request.path),
        "language": settings.LANGUAGE_CODE,
        "items": [json_feed_item(article) for article in articles],
    }
    response = JsonResponse(data, content_type="application/feed+json; charset=utf-8")
    return keys.declare(response, feed_keys(tag, articles))


def json_feed_item(article: Article) -> dict:
    url = absolute(article.get_absolute_url())
    item = {
        "id": url,
        "url": url,
        "title": article.headline,
        "summary": article.summary,
        "content_html": article.body,
        "date_published": article.published_at.isoformat(),
        "date_modified": article.public_modified_at().isoformat(),
        "tags": [tag.name for tag in article.tag_list],
    }
    if authors := article.author_list:
        item["authors"] = [
            {"name": author.name, "url": absolute(author.get_absolute_url())} for author in authors
        ]
    elif article.byline:
        item["authors"] = [{"name": article.byline}]
    if article.source_url:
        item["external_url"] = article.source_url
    if image := article.social_image:
        item["image"] = image.url
    return item
