"""What every API answer carries: validators and 304s, Cache-Control, CORS, surrogate
keys; the OpenAPI schema and docs page; JSON for unknown addresses."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author
from editorial import publishing, trash

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def keys(response) -> list[str]:
    return response["xkey"].split()


def test_etag_answers_304_until_the_story_changes(api_get, make_article, editor):
    article = make_article()
    url = f"/api/v1/articles/{article.slug}/"
    first = api_get(url)
    etag = first["ETag"]
    again = api_get(url, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    for header in ("ETag", "Cache-Control", "xkey", "Access-Control-Allow-Origin"):
        assert again[header] == first[header], header
    article.headline = "A better headline"
    publishing.save_change(article, editor)
    assert api_get(url, **{"If-None-Match": etag}).status_code == 200


def test_last_modified_answers_304_until_the_public_content_changes(
    api_get, make_article, editor, clock
):
    kept, pulled = make_article(), make_article()
    clock.offset += 1
    first = api_get(LIST)
    since = first["Last-Modified"]
    assert api_get(LIST, **{"If-Modified-Since": since}).status_code == 304
    clock.offset += 5
    publishing.unpublish(pulled, editor)  # the newest change left is older: the removal counts
    clock.offset += 1
    response = api_get(LIST, **{"If-Modified-Since": since})
    assert response.status_code == 200
    assert parsedate_to_datetime(response["Last-Modified"]) > parsedate_to_datetime(since)
    assert [item["id"] for item in response.json()["results"]] == [kept.pk]


def test_no_last_modified_while_its_second_may_still_change(api_get, make_article, clock):
    """HTTP dates are whole seconds: a second change within the same second would
    otherwise hide behind the first's Last-Modified."""
    make_article()
    assert "Last-Modified" not in api_get(LIST)
    clock.offset += 1
    assert "Last-Modified" in api_get(LIST)


def test_a_scheduled_story_going_out_moves_last_modified(api_get, make_article, clock):
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=30))
    clock.offset += 1
    since = api_get(LIST)["Last-Modified"]
    clock.offset += 31
    response = api_get(LIST, **{"If-Modified-Since": since})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_caches_keep_answers_as_long_as_pages(api_get, make_article, settings):
    settings.PAGE_CACHE_TIMEOUT, settings.PAGE_CACHE_MAX_AGE = 600, 45
    article = make_article()
    for url in [LIST, f"{LIST}{article.slug}/", "/api/v1/tags/", "/api/v1/sections/"]:
        assert api_get(url)["Cache-Control"] == "public, max-age=45, s-maxage=600", url


def test_no_cached_answer_outlives_the_next_scheduled_story(api_get, make_article, settings):
    settings.PAGE_CACHE_TIMEOUT, settings.PAGE_CACHE_MAX_AGE = 600, 60
    article = make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=20))
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    for url in [LIST, f"{LIST}{article.slug}/", f"/api/v1/changes/?since={since}"]:
        control = api_get(url)["Cache-Control"]
        for directive in ("max-age", "s-maxage"):
            seconds = int(control.split(f" {directive}=")[1].split(",")[0])
            assert 18 <= seconds <= 20, (url, control)


def test_answers_are_the_same_for_everyone(api_get, client, make_article, editor):
    make_article()
    anonymous = api_get(LIST)
    client.force_login(editor)
    staff = client.get(LIST)
    assert staff.content == anonymous.content
    assert not staff.cookies


def test_any_site_may_read_the_api(api_get, make_article, editor):
    article = make_article(slug="first")
    article.slug = "second"
    article.save()
    trashed = make_article()
    trash.trash(trashed, editor)
    for url, status in [
        (LIST, 200),
        (f"{LIST}?limit=0", 400),
        (f"{LIST}nothing/", 404),
        (f"{LIST}{trashed.slug}/", 410),
        (f"{LIST}first/", 301),
        ("/api/v1/openapi.json", 200),
    ]:
        response = api_get(url)
        assert response.status_code == status, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url


def test_surrogate_keys_name_what_each_answer_shows(api_get, make_article, make_tag):
    section = make_tag("Politics", is_section=True)
    author = Author.objects.create(name="Ann", slug="ann")
    older = make_article(tags=["weather"])
    article = make_article(tags=[section])
    ArticleAuthor.objects.create(article=article, author=author)
    newer = make_article()
    weather = older.tags.get()

    story = keys(api_get(f"{LIST}{article.slug}/"))
    assert set(story) == {
        f"article:{article.pk}", f"tag:{section.pk}", f"author:{author.pk}",
        f"neighbours:{article.pk}", f"article:{older.pk}", f"article:{newer.pk}", "all",
    }  # fmt: skip
    listed = keys(api_get(LIST))
    assert listed[0] == "list:newest"
    assert {f"article:{a.pk}" for a in (older, article, newer)} <= set(listed)
    assert {f"tag:{section.pk}", f"tag:{weather.pk}", f"author:{author.pk}"} <= set(listed)
    assert f"tag:{section.pk}" in keys(api_get(f"{LIST}?tag=politics"))[:2]
    assert {"sections", f"tag:{section.pk}"} <= set(keys(api_get(f"{LIST}?section=politics")))
    assert f"author:{author.pk}" in keys(api_get(f"{LIST}?author=ann"))[:2]
    assert keys(api_get("/api/v1/tags/")) == [f"tag:{section.pk}", f"tag:{weather.pk}", "all"]
    assert keys(api_get("/api/v1/authors/")) == [f"author:{author.pk}", "all"]
    assert keys(api_get("/api/v1/sections/")) == ["sections", f"tag:{section.pk}", "all"]
    assert keys(api_get("/api/v1/changes/?since=2026-01-01T00:00:00Z")) == ["list:newest", "all"]


def test_errors_are_never_stored(api_get, db):
    for url in [f"{LIST}nothing/", f"{LIST}?limit=0", "/api/v1/nothing/"]:
        assert api_get(url)["Cache-Control"] == "no-store", url
        assert "xkey" not in api_get(url), url


def test_unknown_addresses_answer_json(api_get, db):
    response = api_get("/api/v1/stories/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert api_get("/api/v2/articles/").status_code == 404


def test_a_missing_slash_is_added(client, db):
    response = client.get("/api/v1/articles")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/articles/"


def test_the_page_cache_leaves_the_api_alone(api_get, walk, make_article, settings):
    """The page cache keeps only the parameters pages read; the API's cursors and
    filters must reach it, and its answers are for the HTTP cache in front."""
    settings.PAGE_CACHE_TIMEOUT = 600
    for _ in range(5):
        make_article()
    items, pages = walk(f"{LIST}?limit=2")
    assert len(items) == 5 and pages == 3
    assert "X-Page-Cache" not in api_get(LIST)


def test_openapi_schema_lists_every_endpoint(api_get, db):
    response = api_get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["ETag"]
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/tags/",
        "/api/v1/authors/",
        "/api/v1/sections/",
        "/api/v1/changes/",
    }
    listed = schema["paths"]["/api/v1/articles/"]["get"]
    assert {p["name"] for p in listed["parameters"]} == {
        "limit", "cursor", "tag", "author", "section", "q",
    }  # fmt: skip
    story = schema["paths"]["/api/v1/articles/{slug}/"]["get"]["responses"]
    assert {"200", "301", "404", "410"} <= set(story)
    assert api_get("/api/v1/openapi.json", **{"If-None-Match": response["ETag"]}).status_code == 304


def test_docs_page_runs_only_our_own_scripts(api_get, db):
    response = api_get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_head_requests_get_the_headers(client, make_article):
    make_article()
    response = client.head(LIST)
    assert response.status_code == 200
    assert response["ETag"] == client.get(LIST)["ETag"]
    assert response["xkey"]
    assert response.content == b""


def test_every_published_story_has_its_api_address(api_get, make_article):
    articles = [make_article() for _ in range(3)]
    for item in api_get(LIST).json()["results"]:
        assert api_get(item["api_url"]).json()["id"] == item["id"]
    assert {a.pk for a in articles} == set(Article.objects.values_list("pk", flat=True))


def test_the_root_says_where_everything_is(api_get, db):
    response = api_get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "articles": "http://127.0.0.1:8000/api/v1/articles/",
        "tags": "http://127.0.0.1:8000/api/v1/tags/",
        "authors": "http://127.0.0.1:8000/api/v1/authors/",
        "sections": "http://127.0.0.1:8000/api/v1/sections/",
        "changes": "http://127.0.0.1:8000/api/v1/changes/",
        "openapi": "http://127.0.0.1:8000/api/v1/openapi.json",
        "docs": "http://127.0.0.1:8000/api/v1/docs/",
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    assert keys(response) == ["all"]  # it shows no content
