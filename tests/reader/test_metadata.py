import json
import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "The Daily Test"


class HeadParser(HTMLParser):
    """Collects the <head>'s meta tags, links and JSON-LD script bodies."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, [], [], ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "script"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def canonical(parsed):
    return [link["href"] for link in parsed.links if link.get("rel") == "canonical"]


def test_article_page_metadata(client, make_article):
    article = make_article(
        headline="Bridge reopens",
        standfirst="Commuters get their route back.",
        summary="The bridge is open.",
    )
    parsed = head(client, article.get_absolute_url())
    url = SITE + article.get_absolute_url()
    assert parsed.title == "Bridge reopens · The Daily Test"
    assert canonical(parsed) == [url]
    assert parsed.meta["description"] == "Commuters get their route back."
    assert parsed.meta["og:title"] == "Bridge reopens"
    assert parsed.meta["og:description"] == "Commuters get their route back."
    assert parsed.meta["og:type"] == "article"
    assert parsed.meta["og:url"] == url
    assert parsed.meta["og:site_name"] == "The Daily Test"
    assert parsed.meta["twitter:card"] == "summary"
    assert parsed.meta["twitter:title"] == "Bridge reopens"
    assert parsed.meta["twitter:description"] == "Commuters get their route back."


def test_description_falls_back_to_summary(client, make_article):
    article = make_article(standfirst="", summary="Only a summary here.")
    assert head(client, article.get_absolute_url()).meta["description"] == "Only a summary here."


def test_front_and_tag_pages_have_website_metadata(client, make_article, make_tag):
    make_tag("Local", description="Our towns.")
    front = head(client, "/")
    assert front.meta["og:type"] == "website"
    assert front.meta["og:title"] == "The Daily Test"
    assert front.meta["description"] == "The latest news from The Daily Test."
    assert canonical(front) == [SITE + "/"]
    tag = head(client, "/tags/local/")
    assert tag.meta["description"] == "Our towns."
    assert tag.meta["og:title"] == "Local"
    assert canonical(tag) == [SITE + "/tags/local/"]
    make_tag("Plain")
    assert (
        head(client, "/tags/plain/").meta["description"] == "News about Plain from The Daily Test."
    )


def test_paginated_lists_keep_the_page_in_the_canonical_url(client, make_article):
    for _ in range(21):
        make_article(tags=["local"])
    assert canonical(head(client, "/?page=2")) == [SITE + "/?page=2"]
    assert canonical(head(client, "/?page=1")) == [SITE + "/"]
    assert canonical(head(client, "/tags/local/?page=2")) == [SITE + "/tags/local/?page=2"]


def test_canonical_ignores_other_query_parameters(client, db):
    assert canonical(head(client, "/?utm_source=mail")) == [SITE + "/"]


def test_news_article_json_ld(client, make_article):
    article = make_article(
        headline="Council votes",
        standfirst="A narrow result.",
        byline="Ada Reporter",
        source_url="https://wire.example.com/story",
        tags=["politics", "local"],
    )
    [script] = head(client, article.get_absolute_url()).json_ld
    data = json.loads(script)
    url = SITE + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Council votes"
    assert data["description"] == "A narrow result."
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.published_at.isoformat()  # never updated
    assert data["author"] == [{"@type": "Person", "name": "Ada Reporter"}]
    assert data["publisher"] == {"@type": "Organization", "name": "The Daily Test", "url": SITE}
    assert sorted(data["keywords"]) == ["local", "politics"]
    assert data["isBasedOn"] == "https://wire.example.com/story"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}


def test_json_ld_without_byline_or_source(client, make_article):
    article = make_article(byline="", source_url="")
    data = json.loads(head(client, article.get_absolute_url()).json_ld[0])
    assert data["author"] == data["publisher"]
    assert "isBasedOn" not in data


def test_hostile_headline_cannot_break_out_of_json_ld(client, make_article):
    headline = "He said \"no\" & 'yes' </script><script>alert(1)</script><!-- \\ end"
    article = make_article(headline=headline, standfirst="</SCRIPT>")
    html = client.get(article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["headline"] == headline
    assert data["description"] == "</SCRIPT>"
    assert "<script>alert(1)" not in html


def test_json_ld_only_on_articles(client, make_article):
    make_article(tags=["local"])
    assert head(client, "/").json_ld == []
    assert head(client, "/tags/local/").json_ld == []
