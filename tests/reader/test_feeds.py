import json

import feedparser
import pytest
from django.urls import reverse

from reader.feeds import FEED_LENGTH

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
XML_FEEDS = ["articles:feed", "articles:feed_atom"]
TAG_XML_FEEDS = ["articles:tag_feed", "articles:tag_feed_atom"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "The Daily Test"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("name", XML_FEEDS)
def test_site_feed_has_every_field(client, make_article, hidden, name):
    article = make_article(
        headline="Harbour wall rebuilt",
        summary="The wall is finished.",
        body="<p>Masons worked <em>all winter</em>.</p>",
        byline="Ada Reporter",
        tags=["local", "transport"],
    )
    feed = parse(client, reverse(name))
    assert feed.feed.title == "The Daily Test"
    [entry] = feed.entries
    assert entry.title == "Harbour wall rebuilt"
    assert entry.link == SITE + article.get_absolute_url()
    assert entry.id == SITE + article.get_absolute_url()
    assert entry.author == "Ada Reporter"
    assert sorted(tag.term for tag in entry.tags) == ["local", "transport"]
    assert entry.summary == "The wall is finished."
    assert entry.content[0].value == "<p>Masons worked <em>all winter</em>.</p>"
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]


def test_atom_entry_has_updated_date(client, make_article):
    article = make_article()
    [entry] = parse(client, reverse("articles:feed_atom")).entries
    # Never updated or corrected: its publication time (a technical save moves nothing).
    assert entry.updated_parsed[:6] == article.published_at.utctimetuple()[:6]


@pytest.mark.parametrize("name", XML_FEEDS)
def test_feed_lists_latest_fifty_published_newest_first(client, make_article, hidden, name):
    articles = [make_article() for _ in range(FEED_LENGTH + 2)]
    entries = parse(client, reverse(name)).entries
    expected = [SITE + a.get_absolute_url() for a in reversed(articles)][:FEED_LENGTH]
    assert [entry.link for entry in entries] == expected


@pytest.mark.parametrize("name", TAG_XML_FEEDS)
def test_tag_feed_has_only_that_tags_published_articles(client, make_article, hidden, name):
    tagged = make_article(tags=["politics", "local"])
    make_article(tags=["sport"])
    feed = parse(client, reverse(name, kwargs={"slug": "politics"}))
    assert feed.feed.title == "politics · The Daily Test"
    assert [entry.link for entry in feed.entries] == [SITE + tagged.get_absolute_url()]


@pytest.mark.parametrize("name", XML_FEEDS + TAG_XML_FEEDS)
def test_feeds_never_show_drafts_or_scheduled(client, hidden, name):
    kwargs = {"slug": "politics"} if name.startswith("articles:tag") else {}
    response = client.get(reverse(name, kwargs=kwargs))
    assert feedparser.parse(response.content).entries == []
    for article in hidden:
        assert article.headline not in response.content.decode()


def test_unknown_tag_feed_is_404(client, db):
    for name in TAG_XML_FEEDS + ["articles:tag_feed_json"]:
        assert client.get(reverse(name, kwargs={"slug": "nope"})).status_code == 404


def test_summary_is_escaped_as_text_in_feeds(client, make_article):
    make_article(summary="Fish & chips <script>alert(1)</script> for all.")
    [entry] = parse(client, reverse("articles:feed")).entries
    assert "<script>" not in entry.summary
    assert "Fish &amp; chips &lt;script&gt;" in entry.summary


def test_feed_links_use_site_url_not_request_host(client, make_article):
    make_article()
    feed = parse(client, reverse("articles:feed"))
    assert feed.feed.link == SITE + "/"
    assert all(entry.link.startswith(SITE + "/") for entry in feed.entries)
    self_link = [link for link in feed.feed.links if link.rel == "self"][0]
    assert self_link.href == SITE + "/feed/"


def test_json_feed_follows_version_1_1(client, make_article, hidden):
    article = make_article(
        headline="Library reopens",
        summary="Doors open at nine.",
        body="<p>Books again.</p>",
        byline="Ben Writer",
        source_url="https://wire.example.com/library",
        tags=["culture"],
    )
    response = client.get(reverse("articles:feed_json"))
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "The Daily Test"
    assert feed["home_page_url"] == SITE + "/"
    assert feed["feed_url"] == SITE + "/feed.json"
    [item] = feed["items"]
    assert item == {
        "id": SITE + article.get_absolute_url(),
        "url": SITE + article.get_absolute_url(),
        "title": "Library reopens",
        "summary": "Doors open at nine.",
        "content_html": "<p>Books again.</p>",
        "date_published": article.published_at.isoformat(),
        "date_modified": article.published_at.isoformat(),
        "tags": ["culture"],
        "authors": [{"name": "Ben Writer"}],
        "external_url": "https://wire.example.com/library",
    }


def test_tag_json_feed_filters_by_tag(client, make_article, hidden):
    tagged = make_article(tags=["politics"])
    make_article(tags=["sport"])
    feed = json.loads(
        client.get(reverse("articles:tag_feed_json", kwargs={"slug": "politics"})).content
    )
    assert feed["feed_url"] == SITE + "/tags/politics/feed.json"
    assert [item["url"] for item in feed["items"]] == [SITE + tagged.get_absolute_url()]


def test_pages_advertise_their_feeds(client, make_article, make_tag):
    make_tag("Politics")
    front = client.get("/").content.decode()
    for name in XML_FEEDS + ["articles:feed_json"]:
        assert '<link rel="alternate"' in front
        assert f'href="{reverse(name)}"' in front
    assert "/tags/politics/feed/" not in front
    tag_page = client.get("/tags/politics/").content.decode()
    for name in TAG_XML_FEEDS + ["articles:tag_feed_json"]:
        assert f'href="{reverse(name, kwargs={"slug": "politics"})}"' in tag_page
    assert 'type="application/rss+xml"' in tag_page
    assert 'type="application/atom+xml"' in tag_page
    assert 'type="application/feed+json"' in tag_page


@pytest.mark.parametrize("rows", [5, 25])
def test_feed_query_counts_are_fixed(client, make_article, django_assert_num_queries, rows):
    for _ in range(rows):
        make_article(tags=["politics", "local", "economy"])
    # articles with their tags
    for name in XML_FEEDS + ["articles:feed_json"]:
        with django_assert_num_queries(1):
            assert client.get(reverse(name)).status_code == 200
    # tag, articles with their tags
    for name in TAG_XML_FEEDS + ["articles:tag_feed_json"]:
        with django_assert_num_queries(2):
            assert client.get(reverse(name, kwargs={"slug": "politics"})).status_code == 200
