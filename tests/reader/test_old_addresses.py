"""Imported articles' addresses on their old sites answer 301 (reader.redirects)."""

import pytest
from django.utils import timezone

from articles.addresses import address_key, old_address_of
from articles.models import Article, OldAddress
from editorial import trash

pytestmark = pytest.mark.django_db


def test_address_keys_ignore_the_trailing_slash_and_percent_encoding():
    assert address_key("/2007/04/11/post-name/") == "/2007/04/11/post-name"
    assert address_key("2007/04/11/post-name") == "/2007/04/11/post-name"
    assert address_key("/caf%C3%A9/") == address_key("/café") == "/café"
    assert address_key("/", "123") == "/?p=123"


def test_only_addresses_on_the_old_sites_own_host_are_kept():
    host = "blog.example.com"
    assert old_address_of("https://blog.example.com/2007/04/x/", host) == "/2007/04/x"
    assert old_address_of("http://BLOG.example.com/?p=12", host) == "/?p=12"
    assert old_address_of("https://elsewhere.example/2007/04/x/", host) is None
    # Another query string would make different pages one address.
    assert old_address_of("https://blog.example.com/news.php?id=3", host) is None
    assert old_address_of("https://blog.example.com/?p=abc", host) is None
    assert old_address_of("javascript:alert(1)", host) is None


def old(address, article):
    return OldAddress.objects.create(address=address_key(address), article=article)


def test_an_old_path_answers_301_to_the_article(client, make_article):
    article = make_article(slug="harbour-festival")
    old("/2007/04/11/harbour-festival/", article)
    response = client.get("/2007/04/11/harbour-festival/")
    assert response.status_code == 301
    assert response["Location"] == "/harbour-festival/"


def test_an_old_path_without_its_slash_gets_there_too(client, make_article):
    article = make_article(slug="harbour-festival")
    old("/archives/12", article)
    response = client.get("/archives/12", follow=True)
    assert response.redirect_chain == [("/archives/12/", 301), ("/harbour-festival/", 301)]
    assert response.status_code == 200


def test_an_unknown_path_is_still_404(client, db):
    assert client.get("/2007/04/11/nothing-here/").status_code == 404
    # Django adds the slash first (APPEND_SLASH), as for any address of ours.
    assert client.get("/2007/04/11/nothing-here", follow=True).status_code == 404


def test_an_old_address_of_one_part_answers_through_the_article_fallback(client, make_article):
    article = make_article(slug="harbour-festival")
    old("/harbour.festival.html", article)
    response = client.get("/harbour.festival.html/")
    assert (response.status_code, response["Location"]) == (301, "/harbour-festival/")


def test_a_live_page_is_never_shadowed(client, make_article):
    live = make_article(slug="budget", headline="The live budget story")
    imported = make_article(slug="budget-2")
    old("/budget/", imported)
    response = client.get("/budget/")
    assert response.status_code == 200
    assert response.context["article"] == live


def test_an_old_address_never_leads_to_an_unpublished_article(client, make_article, editor):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timezone.timedelta(days=1))
    trashed = make_article()
    trash.trash(trashed, editor)
    for n, article in enumerate([draft, scheduled, trashed]):
        old(f"/2020/01/0{n}/story/", article)
        assert client.get(f"/2020/01/0{n}/story/").status_code == 404


def test_wordpress_query_address_on_the_front_page(client, make_article):
    article = make_article(slug="harbour-festival")
    OldAddress.objects.create(address=address_key("/", "123"), article=article)
    response = client.get("/?p=123")
    assert (response.status_code, response["Location"]) == (301, "/harbour-festival/")


@pytest.mark.parametrize("query", ["p=999", "p=abc", "p="])
def test_front_page_with_any_other_p_is_the_front_page(client, make_article, query):
    make_article(headline="Harbour festival returns")
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert "Harbour festival returns" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 25])
def test_front_page_with_an_unknown_p_costs_one_look_up_more(
    client, make_article, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_article(tags=["politics", "local", "economy"])
    client.get("/")  # the header's sections, cached from then on
    # the front page's four (tests/test_views.py), then the old address looked up
    with django_assert_num_queries(5):
        assert client.get("/?p=999").status_code == 200


def test_wordpress_query_address_through_the_page_cache(client, settings, make_article):
    """The page cache keeps `p` for the front page, so the redirect is reached, and a
    front page already cached does not hide it."""
    settings.PAGE_CACHE_TIMEOUT = 600
    article = make_article(slug="harbour-festival")
    OldAddress.objects.create(address=address_key("/", "123"), article=article)
    assert client.get("/").status_code == 200
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    assert client.get("/?p=123").status_code == 301
    assert client.get("/?p=123").status_code == 301  # a redirect is never stored


def test_canonical_link_points_at_the_original_when_the_story_names_one(
    client, settings, make_article
):
    article = make_article(canonical_url="https://original.example/the-story/")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://original.example/the-story/">' in html
    # What readers share stays this page.
    here = settings.SITE_URL + article.get_absolute_url()
    assert f'<meta property="og:url" content="{here}">' in html
