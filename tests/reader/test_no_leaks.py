"""No leaks: a walk over every public surface never reaches or names a hidden article.

Hidden are a draft, a scheduled article and one that was published (its page seen,
so cached) and then unpublished. They share tags and dates with public articles,
so they would appear in lists, tag pages, feeds, sitemaps, search and neighbour
links if any surface bypassed `Article.objects.published()`. The walk starts at
the front page, robots.txt and the sitemap, follows every same-site link in
HTML, XML and JSON, and searches for the hidden articles' own words.
"""

import re
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
SKIP_PREFIXES = ("/static/", "/media/", "/admin/")
URL_IN_TEXT = re.compile(r"""(?:https?://[^\s"'<>]+|(?<=["'>])/[^\s"'<>]*)""")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.urls.append(value)
            elif name == "content" and value and value.startswith(("http", "/")):
                self.urls.append(value)  # og:url and friends; other content is text


def same_site_paths(base, content_type, text):
    """Every same-site address a response names, as a path with its query."""
    candidates = URL_IN_TEXT.findall(text)
    if "html" in content_type:
        parser = Links()
        parser.feed(text)
        candidates += parser.urls
    origins = {"http://testserver", "https://testserver", settings.SITE_URL}
    paths = set()
    for url in candidates:
        url = url.replace("&amp;", "&").rstrip(".,;)")
        absolute = urljoin(f"http://testserver{base}", url)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" not in origins:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP_PREFIXES):
            paths.add(path)
    return paths


@pytest.fixture
def newsroom(make_article):
    now = timezone.now()
    public = [
        make_article(
            headline=f"Public story {n}",
            tags=["politics", "harbour"],
            published_at=now - timedelta(days=3, minutes=n * 10),
        )
        for n in range(25)  # more than a page, so pagination is walked too
    ]
    middle = public[12].published_at
    hidden = [
        make_article(
            headline="Quixotic draft zebra",
            slug="quixotic-draft-zebra",
            status=Article.Status.DRAFT,
            published_at=middle + timedelta(minutes=1),
            standfirst="Draftonly standfirst",
            tags=["politics", "harbour"],
        ),
        make_article(
            headline="Embargoed xylophone budget",
            slug="embargoed-xylophone-budget",
            published_at=now + timedelta(days=1),
            tags=["politics"],
        ),
        make_article(
            headline="Withdrawn walrus report",
            slug="withdrawn-walrus-report",
            published_at=middle + timedelta(minutes=2),
            tags=["harbour"],
        ),
    ]
    return public, hidden


def walk(client, start):
    seen, queue, responses = set(start), deque(start), {}
    while queue and len(responses) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302, 307, 308):
            target = urlsplit(response["Location"])
            location = target.path + (f"?{target.query}" if target.query else "")
            if location not in seen:
                seen.add(location)
                queue.append(location)
            continue
        if response.status_code != 200 or response.streaming:
            responses[path] = (response.status_code, "")
            continue
        text = response.content.decode("utf-8", errors="replace")
        responses[path] = (200, text)
        for link in same_site_paths(path, response.get("Content-Type", ""), text):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return responses


def test_no_public_surface_reaches_or_names_a_hidden_article(client, newsroom):
    public, hidden = newsroom
    withdrawn = hidden[2]
    # Seen while published (so pages may be cached), then taken back to draft.
    assert client.get(withdrawn.get_absolute_url()).status_code == 200
    assert "Withdrawn walrus report" in client.get("/").content.decode()
    withdrawn.status = Article.Status.DRAFT
    withdrawn.save()

    words = ["Quixotic", "xylophone", "walrus", "zebra", "Draftonly"]
    start = ["/", "/robots.txt", "/sitemap.xml", "/feed/", "/search/?q=story"]
    start += [f"/search/?q={word}" for word in words]
    start += [article.get_absolute_url() for article in hidden]
    responses = walk(client, start)

    # The walk really covered the site: every public article, tags, feeds, sitemaps.
    walked = set(responses)
    assert {article.get_absolute_url() for article in public} <= walked
    assert {"/tags/politics/", "/tags/harbour/", "/sitemap.xml"} <= walked
    assert any(path.startswith("/?page=2") for path in walked)
    assert any("feed" in path for path in walked)

    needles = [word.lower() for word in words]
    needles += [article.slug for article in hidden]
    for path, (_status, text) in responses.items():
        lowered = text.lower()
        if query := parse_qs(urlsplit(path).query).get("q"):
            lowered = lowered.replace(query[0].lower(), "")  # search shows what was asked
        named = [needle for needle in needles if needle in lowered]
        assert not named, f"{path} names hidden article(s): {named}"
    for article in hidden:
        assert responses[article.get_absolute_url()][0] == 404
