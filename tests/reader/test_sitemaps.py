from datetime import datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author
from reader.sitemaps import ArticleSitemap, TagSitemap

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "The Daily Test"


@pytest.fixture
def hidden(make_article):
    return [
        make_article(
            headline="Secret draft plan",
            status=Article.Status.DRAFT,
            published_at=timezone.now() - timedelta(hours=1),
            tags=["secret"],
        ),
        make_article(
            headline="Embargoed budget story",
            published_at=timezone.now() + timedelta(hours=1),
            tags=["secret"],
        ),
    ]


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def entries(root, kind="url"):
    """(loc, lastmod or None) for each <url> or <sitemap> element."""
    return [
        (element.findtext("sm:loc", namespaces=NS), element.findtext("sm:lastmod", namespaces=NS))
        for element in root.findall(f"sm:{kind}", NS)
    ]


def test_index_lists_each_section_and_the_news_sitemap(client, make_article, hidden):
    articles = [make_article(tags=["local"]) for _ in range(3)]
    root = fetch_xml(client, reverse("sitemap"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    index = dict(entries(root, "sitemap"))
    assert list(index) == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-tags.xml",
        f"{SITE}/sitemap-authors.xml",
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-news.xml",
    ]
    newest = max(max(a.updated_at, a.published_at) for a in articles)
    assert datetime.fromisoformat(index[f"{SITE}/sitemap-articles.xml"]) == newest
    assert datetime.fromisoformat(index[f"{SITE}/sitemap-tags.xml"]) == articles[-1].published_at


def test_article_sitemap_lists_published_articles_with_lastmod(client, make_article, hidden):
    articles = [make_article() for _ in range(3)]
    urls = dict(entries(fetch_xml(client, "/sitemap-articles.xml")))
    assert set(urls) == {SITE + a.get_absolute_url() for a in articles}
    for article in articles:
        lastmod = datetime.fromisoformat(urls[SITE + article.get_absolute_url()])
        assert lastmod == article.updated_at


def test_scheduled_article_lastmod_is_when_it_went_public(client, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - timedelta(days=2),
        published_at=timezone.now() - timedelta(days=1),
    )
    article.refresh_from_db()
    [(_, lastmod)] = entries(fetch_xml(client, "/sitemap-articles.xml"))
    assert datetime.fromisoformat(lastmod) == article.published_at


def test_sections_split_into_pages_at_the_limit(client, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(5)]
    index = [loc for loc, _ in entries(fetch_xml(client, reverse("sitemap")), "sitemap")]
    pages = [
        f"{SITE}/sitemap-articles.xml",
        *(f"{SITE}/sitemap-articles.xml?p={n}" for n in (2, 3)),
    ]
    assert index[:3] == pages
    assert index[3] == f"{SITE}/sitemap-tags.xml"
    listed = []
    for page in pages:
        urls = entries(fetch_xml(client, page.removeprefix(SITE)))
        assert 1 <= len(urls) <= 2
        listed += [loc for loc, _ in urls]
    assert sorted(listed) == sorted(SITE + a.get_absolute_url() for a in articles)
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_article_sitemap_pages_are_id_ranges(client, make_article, monkeypatch):
    """A page is a range of ids, so deep pages cost what the first does; a draft
    leaves its range one URL short rather than shifting every later page."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    first = make_article()
    make_article(status=Article.Status.DRAFT)
    third = make_article()
    fourth = make_article()
    pages = [entries(fetch_xml(client, f"/sitemap-articles.xml?p={n}")) for n in (1, 2)]
    assert [[loc for loc, _ in page] for page in pages] == [
        [SITE + first.get_absolute_url()],
        [SITE + third.get_absolute_url(), SITE + fourth.get_absolute_url()],
    ]
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404


def test_default_limit_is_the_protocols_fifty_thousand():
    assert ArticleSitemap.limit == 50_000
    assert TagSitemap.limit == 50_000


def test_tag_sitemap_has_tags_with_published_articles(client, make_article, make_tag, hidden):
    make_tag("Empty")
    old = make_article(tags=["local"], published_at=timezone.now() - timedelta(days=3))
    new = make_article(tags=["local", "sport"], published_at=timezone.now() - timedelta(days=1))
    urls = dict(entries(fetch_xml(client, "/sitemap-tags.xml")))
    assert set(urls) == {f"{SITE}/tags/local/", f"{SITE}/tags/sport/"}
    assert datetime.fromisoformat(urls[f"{SITE}/tags/local/"]) == new.published_at
    assert old.published_at < new.published_at


def test_unknown_section_is_404(client, db):
    assert client.get("/sitemap-nope.xml").status_code == 404


def test_news_sitemap_has_last_48_hours_only(client, make_article, hidden):
    now = timezone.now()
    recent = make_article(headline='Fresh "news" & views', published_at=now - timedelta(hours=47))
    make_article(headline="Too old", published_at=now - timedelta(hours=49))
    root = fetch_xml(client, reverse("sitemap_news"))
    [url] = root.findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == SITE + recent.get_absolute_url()
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Daily Test"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == 'Fresh "news" & views'
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == recent.published_at


@pytest.mark.parametrize("url", ["/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-news.xml"])
def test_sitemaps_never_list_drafts_or_scheduled(client, make_article, hidden, url):
    make_article(tags=["local"], published_at=timezone.now() - timedelta(hours=2))
    response = client.get(url)
    body = response.content.decode()
    assert len(entries(ElementTree.fromstring(response.content))) == 1
    for article in hidden:
        assert article.slug not in body
    assert "/tags/secret/" not in body


def test_robots_txt_names_the_sitemaps(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /search/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines


@pytest.mark.parametrize("rows", [5, 25])
def test_sitemap_query_counts_are_fixed(client, make_article, django_assert_num_queries, rows):
    reporter = Author.objects.create(name="Ann Reed", slug="ann-reed")
    for _ in range(rows):
        article = make_article(tags=["politics", "local", "economy"], published_at=timezone.now())
        article.bylines.create(author=reporter)
    with django_assert_num_queries(4):  # article totals, tag and author dates, newest correction
        client.get(reverse("sitemap"))
    for url in ["/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-authors.xml"]:
        with django_assert_num_queries(2):  # count, page
            client.get(url)
    with django_assert_num_queries(1):
        client.get(reverse("sitemap_news"))
