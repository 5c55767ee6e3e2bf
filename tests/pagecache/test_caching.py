"""The embedded page cache: what is stored, what purges it, and that nobody bypasses it."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from pagecache import caching, stamps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.PURGE_RETRY_INTERVAL = 3600  # one look at the outbox per test: counts are exact


def get(client, url, **headers):
    return client.get(url, headers=headers)


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_cached(client, *urls):
    """Fill the cache with each page and prove the next request is served from it."""
    for url in urls:
        assert client.get(url)["X-Page-Cache"] in ("hit", "miss")
        assert client.get(url)["X-Page-Cache"] == "hit", url


def prevnext(client, article):
    """The (previous, next) headlines linked from an article's page."""
    page = html(client, article.get_absolute_url())
    nav = page[page.index('class="prevnext"') :]

    def headline(rel):
        marker = f'rel="{rel}"'
        if marker not in nav:
            return None
        link = nav[nav.index(marker) :]
        return link[link.index("</span>") + len("</span>") : link.index("</a>")].strip()

    return headline("prev"), headline("next")


# What is stored and how it is served ----------------------------------------


def test_anonymous_page_is_served_from_cache_without_queries(
    client, make_article, django_assert_num_queries
):
    make_article(headline="Cached story", tags=["politics"])
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Cached story" in second.content.decode()


@pytest.mark.parametrize("rows", [5, 25])
def test_a_miss_costs_one_query_per_generation(
    client, make_article, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_article(tags=["politics", "local"])
    # The front page's own four, the next scheduled time, the header's sections
    # (until a tag changes: pagecache.sections), and one look at the purge outbox.
    with django_assert_num_queries(7):
        client.get("/")
    # Another page: the tag page's own three and the next scheduled time.
    with django_assert_num_queries(4):
        client.get("/tags/politics/")
    with django_assert_num_queries(0):
        client.get("/tags/politics/")


def cache_control(response) -> dict[str, str]:
    directives = (d.partition("=") for d in response["Cache-Control"].split(", "))
    return {name: value for name, _, value in directives}


def test_cached_page_has_validators_and_cdn_headers(client, make_article, settings):
    settings.PAGE_CACHE_MAX_AGE = 45
    make_article()
    for response in (client.get("/"), client.get("/")):
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]
        directives = cache_control(response)
        assert directives.keys() == {"public", "max-age", "s-maxage"}
        assert directives["max-age"] == "45"
        assert 590 <= int(directives["s-maxage"]) <= 600
        assert "Cookie" not in response.get("Vary", "")  # cookies make no difference


def test_matching_etag_gets_304(client, make_article):
    make_article()
    etag = client.get("/")["ETag"]
    assert get(client, "/", if_none_match=etag).status_code == 304
    assert get(client, "/", if_none_match='"something-else"').status_code == 200


def test_etag_matches_on_a_miss_too(client, make_article):
    """Another app server rendering the same page gives the same validator."""
    make_article()
    etag = client.get("/")["ETag"]
    cache.clear()
    response = get(client, "/", if_none_match=etag)
    assert response.status_code == 304
    assert response["X-Page-Cache"] == "miss"


def test_if_modified_since_gets_304_until_content_changes(client, make_article):
    make_article()
    last_modified = client.get("/")["Last-Modified"]
    assert get(client, "/", if_modified_since=last_modified).status_code == 304
    # Later than our Last-Modified is still fresh; earlier is not.
    later = http_date(datetime.now(UTC).timestamp() + 3600)
    assert get(client, "/", if_modified_since=later).status_code == 304
    earlier = http_date(datetime.now(UTC).timestamp() - 3600)
    assert get(client, "/", if_modified_since=earlier).status_code == 200


def test_head_is_served_from_the_cached_get(client, make_article):
    make_article()
    body = client.get("/").content
    response = client.head("/")
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""
    assert response["Content-Length"] == str(len(body))


def test_not_found_is_not_cached(client, db):
    assert client.get("/no-such-story/").status_code == 404
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    assert "X-Page-Cache" not in response


def test_query_string_is_part_of_the_key(client, make_article):
    for _ in range(21):
        make_article()
    assert_cached(client, "/", "/?page=2")
    assert len(client.get("/").content) != len(client.get("/?page=2").content)


def test_responses_that_set_cookies_are_not_stored(client, rf, make_article):
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("tracking", "1")
        return response

    middleware = caching.PageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(rf.get("/cookie-page/"))
        assert response.cookies
        assert "X-Page-Cache" not in response


def test_never_cache_responses_are_not_stored(rf, db):
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers

    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("fresh every time")
        add_never_cache_headers(response)
        return response

    middleware = caching.PageCacheMiddleware(view)
    middleware(rf.get("/health/"))
    middleware(rf.get("/health/"))
    assert len(calls) == 2


def test_unreachable_cache_serves_pages_uncached(client, make_article, settings):
    make_article(headline="Still readable")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/")
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()


# One public page for everyone ---------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def test_staff_see_the_page_readers_see(editor_client, make_article):
    from django.test import Client

    make_article(headline="Public story")
    reader = Client()
    assert_cached(reader, "/")
    response = editor_client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert response.content == reader.get("/").content
    assert "public" in response["Cache-Control"]


def test_no_cookie_makes_a_public_page_skip_the_cache(
    client, make_article, django_assert_num_queries
):
    make_article(headline="Public story")
    assert_cached(client, "/")
    client.cookies["sessionid"] = "junk"
    client.cookies["csrftoken"] = "junk"
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert not response.cookies


def test_staff_preview_lives_at_a_never_cached_address(editor_client, make_article):
    from django.test import Client

    draft = make_article(headline="Embargoed", status=Article.Status.DRAFT)
    for _ in range(2):
        response = editor_client.get(draft.get_preview_url())
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert response["Cache-Control"] == "private, no-store"
    assert editor_client.get(draft.get_absolute_url()).status_code == 404
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert Client().get(draft.get_preview_url()).status_code == 404


# Invalidation: every change kind, including the neighbours' links -----------------


@pytest.fixture
def three(make_article):
    """Three consecutive published articles tagged politics, and their pages cached."""
    return [make_article(headline=f"Story {name}", tags=["politics"]) for name in "ABC"]


def warm(client, articles, *urls):
    urls = ["/", "/tags/politics/", *urls]
    assert_cached(client, *urls, *(a.get_absolute_url() for a in articles))


def test_publishing_invalidates_front_tag_and_neighbours(client, three, make_article):
    a, b, c = three
    draft = make_article(
        headline="Story New",
        status=Article.Status.DRAFT,
        published_at=b.published_at + timedelta(seconds=30),
        tags=["politics"],
    )
    warm(client, three)
    assert "Story New" not in html(client, "/")

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert "Story New" in html(client, "/")
    assert "Story New" in html(client, "/tags/politics/")
    assert prevnext(client, b) == ("Story A", "Story New")
    assert prevnext(client, c) == ("Story New", None)
    assert prevnext(client, draft) == ("Story B", "Story C")


def test_unpublishing_invalidates_its_page_and_neighbours(client, three):
    a, b, c = three
    warm(client, three)
    b.status = Article.Status.DRAFT
    b.save()
    assert client.get(b.get_absolute_url()).status_code == 404
    assert "Story B" not in html(client, "/")
    assert "Story B" not in html(client, "/tags/politics/")
    assert prevnext(client, a) == (None, "Story C")
    assert prevnext(client, c) == ("Story A", None)


def test_editing_a_headline_updates_every_page_showing_it(client, three):
    a, b, c = three
    warm(client, three)
    b.headline = "Story B, corrected"
    b.save()
    assert "Story B, corrected" in html(client, b.get_absolute_url())
    assert "Story B, corrected" in html(client, "/")
    assert "Story B, corrected" in html(client, "/tags/politics/")
    assert prevnext(client, a) == (None, "Story B, corrected")
    assert prevnext(client, c) == ("Story B, corrected", None)


def test_redating_moves_old_and_new_neighbours(client, three):
    a, b, c = three
    warm(client, three)
    c.published_at = a.published_at - timedelta(minutes=5)  # now the oldest
    c.save()
    assert prevnext(client, c) == (None, "Story A")
    assert prevnext(client, a) == ("Story C", "Story B")
    assert prevnext(client, b) == ("Story A", None)
    front = html(client, "/")
    assert front.index("Story B") < front.index("Story A") < front.index("Story C")


def test_deleting_invalidates_its_page_and_neighbours(client, three):
    a, b, c = three
    warm(client, three)
    url = b.get_absolute_url()
    b.delete()
    assert client.get(url).status_code == 404
    assert "Story B" not in html(client, "/")
    assert prevnext(client, a) == (None, "Story C")
    assert prevnext(client, c) == ("Story A", None)


def test_tag_changes_invalidate_tag_pages_and_the_article(client, three, make_tag):
    a, b, c = three
    sport = make_tag("Sport")
    warm(client, three, "/tags/sport/")
    b.tags.add(sport)
    assert "Story B" in html(client, "/tags/sport/")
    assert 'href="/tags/sport/"' in html(client, b.get_absolute_url())
    b.tags.remove(b.tags.get(slug="politics"))
    assert "Story B" not in html(client, "/tags/politics/")


def test_renaming_a_tag_invalidates_pages_naming_it(client, three):
    warm(client, three)
    tag = three[0].tags.get()
    tag.name = "Government"
    tag.save()
    assert "Government" in html(client, "/")
    assert "Government" in html(client, three[0].get_absolute_url())


def test_feeds_and_sitemaps_are_cached_and_invalidated(client, three, make_article):
    urls = ["/feed/", "/feed/atom/", "/feed.json", "/tags/politics/feed/", "/sitemap-articles.xml"]
    assert_cached(client, *urls)
    make_article(headline="Fresh from the desk", tags=["politics"])
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "Fresh from the desk" in response.content.decode() or "fresh-from-the-desk" in (
            response.content.decode()
        ), url


def test_seed_demo_bulk_inserts_invalidate(client, db):
    assert_cached(client, "/")
    call_command("seed_demo", "--count", "5", stdout=StringIO())
    assert "No articles have been published yet" not in html(client, "/")


def test_imports_invalidate(client, make_article, tmp_path):
    make_article(headline="Before the import")
    assert_cached(client, "/")
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"import_ref": "wire:1", "headline": "Imported wire story", "body": "<p>Text.</p>",'
        ' "status": "published", "published_at": "2020-01-01T00:00:00+00:00"}\n'
    )
    call_command("import_articles", str(source), "--format", "jsonl", stdout=StringIO())
    assert "Imported wire story" in html(client, "/")


def test_purges_wait_for_the_commit(client, make_article):
    """Readers read the clock before the rows, so one purge at commit is enough; a
    rolled-back write (a dry run) changes nothing."""
    from django.db import transaction

    article = make_article(headline="Before")
    url = article.get_absolute_url()
    assert_cached(client, url)
    before = stamps.clock()
    with transaction.atomic():
        article.headline = "During"
        article.save()
        article.tags.add(make_tag_now("Sport"))  # many changes in one transaction: one purge
        assert stamps.clock() == before
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert stamps.clock() == before + 1
    assert "During" in html(client, url)
    with transaction.atomic():
        article.headline = "Rolled back"
        article.save()
        transaction.set_rollback(True)
    assert stamps.clock() == before + 1
    assert client.get(url)["X-Page-Cache"] == "hit"


def make_tag_now(name):
    from articles.models import Tag

    return Tag.objects.create(name=name, slug=name.lower())


def test_lost_clock_never_reuses_an_old_number(client, make_article):
    make_article(headline="First version")
    assert_cached(client, "/")
    old = stamps.clock()
    cache.delete(stamps.CLOCK_KEY)  # evicted
    assert stamps.clock() > old


# Scheduled articles go live on time ----------------------------------------------


def max_age(response) -> int:
    """The longest any cache (browser or shared) may keep the response."""
    directives = cache_control(response)
    return max(int(directives["max-age"]), int(directives["s-maxage"]))


def test_scheduled_article_appears_on_time(client, make_article, clock, settings):
    settings.PAGE_CACHE_MAX_AGE = settings.PAGE_CACHE_TIMEOUT = 6 * 3600
    make_article(headline="Already out", tags=["politics"])
    goes_live = timezone.now() + timedelta(hours=2)
    make_article(headline="Embargoed story", published_at=goes_live, tags=["politics"])
    assert_cached(client, "/", "/tags/politics/")

    clock.offset = timedelta(hours=1, minutes=59).total_seconds()
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "Embargoed story" not in response.content.decode()
    # Browsers and HTTP caches may not keep it past the embargo either.
    assert max_age(response) <= 60

    clock.offset = timedelta(hours=2, seconds=1).total_seconds()  # no save, no signal
    assert "Embargoed story" in html(client, "/")
    assert "Embargoed story" in html(client, "/tags/politics/")


def test_entries_are_capped_at_the_next_scheduled_time(client, make_article, monkeypatch):
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=90))
    make_article(published_at=timezone.now() + timedelta(hours=3))
    timeouts = []
    real_set = cache.set

    def recording_set(key, value, timeout=None, **kwargs):
        timeouts.append((key, timeout))
        return real_set(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    response = client.get("/")
    page_timeouts = [t for key, t in timeouts if key.startswith("page-cache:p:")]
    assert page_timeouts and all(t <= 90 for t in page_timeouts)
    assert max_age(response) <= 90


def test_republish_via_update_appears_when_its_time_comes(client, make_article, clock):
    """`.update()` sends no signal; the scheduled-time cap still brings the article in."""
    make_article(headline="Older news")
    later = make_article(headline="Moved story", published_at=timezone.now() + timedelta(hours=1))
    assert_cached(client, "/")
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() + timedelta(minutes=10))
    clock.offset = timedelta(minutes=61).total_seconds()
    assert "Moved story" in html(client, "/")


# Findings of issue 17 ---------------------------------------------------------------


def test_parameters_a_view_ignores_neither_fill_nor_bypass_the_cache(client, make_article):
    make_article(headline="Tracked story")
    assert_cached(client, "/")
    for n in range(30):
        response = client.get(f"/?utm_source=mail&utm_x={n}&fbclid={n}")
        assert response["X-Page-Cache"] == "hit"
    # The front page reads only `page`; a `q` there is just as ignored.
    assert client.get("/?q=anything")["X-Page-Cache"] == "hit"
    page_keys = [k for k in cache._cache if "page-cache:p:" in k]
    assert len(page_keys) == 1


def test_ignored_parameters_never_reach_a_stored_page(client, make_article):
    """Pagination links keep the query string: a page rendered for `?evil=1` must
    not be stored with it and served to everyone."""
    for _ in range(21):
        make_article()
    first = client.get("/?page=2&evil=1")
    assert first["X-Page-Cache"] == "miss"
    assert "evil" not in first.content.decode()
    assert client.get("/?page=2")["X-Page-Cache"] == "hit"


def test_search_keys_on_its_query(client, make_article):
    make_article(headline="Harbour news")
    make_article(headline="Council news")
    assert "Harbour news" in html(client, "/search/?q=harbour&utm=1")
    assert "Council news" in html(client, "/search/?q=council")
    assert client.get("/search/?q=harbour")["X-Page-Cache"] == "hit"


def test_forged_host_is_a_400_without_an_error_log(client, make_article, caplog):
    make_article()
    with caplog.at_level("DEBUG"):
        response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    logged = [r for r in caplog.records if r.name != "django.security.DisallowedHost"]
    assert [r for r in logged if r.levelno >= 40] == []
    # Django's own security logger goes nowhere a page of tracebacks would pile up.
    import logging

    security = logging.getLogger("django.security.DisallowedHost")
    assert not security.propagate
    assert all(isinstance(h, logging.NullHandler) for h in security.handlers)


def test_import_dry_run_keeps_the_page_cache(client, make_article, tmp_path):
    make_article(headline="Before the dry run")
    assert_cached(client, "/")
    before = stamps.clock()
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"import_ref": "wire:1", "headline": "Not really", "body": "<p>Text.</p>",'
        ' "status": "published"}\n'
    )
    call_command("import_articles", str(source), "--dry-run", stdout=StringIO())
    assert stamps.clock() == before
    assert client.get("/")["X-Page-Cache"] == "hit"
