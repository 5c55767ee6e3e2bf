"""GET /api/v1/articles/: published stories, newest first, in keyset pages, filtered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import schemas
from articles.models import Article, ArticleAuthor, Author
from editorial import publishing, trash

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


@pytest.fixture
def archive(make_article, make_tag, editor):
    """Published stories (four sharing one time), and every kind that must not show:
    a draft, one in review, a scheduled one, a trashed one and an unpublished one."""
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed")
    politics = make_tag("Politics", is_section=True)
    tie = timezone.now() - timedelta(days=2)
    published = []
    for n in range(9):
        at = tie if n < 4 else tie + timedelta(hours=n)
        article = make_article(
            headline=f"Harbour story {n}" if n % 2 else f"Council story {n}",
            published_at=at,
            tags=[politics] if n % 3 == 0 else ["weather"],
        )
        if n % 2 == 0:
            ArticleAuthor.objects.create(article=article, author=ann)
        published.append(article)
    hidden = [
        make_article(headline="Harbour draft", status=Article.Status.DRAFT, tags=[politics]),
        make_article(headline="Harbour review", status=Article.Status.IN_REVIEW),
        make_article(headline="Harbour embargo", published_at=timezone.now() + timedelta(hours=1)),
    ]
    trashed = make_article(headline="Harbour trashed", tags=[politics])
    trash.trash(trashed, editor)
    pulled = make_article(headline="Harbour pulled", tags=["weather"])
    publishing.unpublish(pulled, editor)
    for article in [*hidden, trashed, pulled]:
        ArticleAuthor.objects.create(article=article, author=ann)
    return {"published": published, "hidden": [*hidden, trashed, pulled], "ann": ann}


def public_order(articles):
    return [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]


def test_lists_published_stories_newest_first(api_get, archive):
    body = api_get(LIST, schemas.ArticlePage).json()
    assert [item["id"] for item in body["results"]] == public_order(archive["published"])
    assert body["next"] is None


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 9, 100])
def test_walking_every_page_finds_each_published_story_exactly_once(walk, archive, limit):
    items, pages = walk(f"{LIST}?limit={limit}")
    assert [item["id"] for item in items] == public_order(archive["published"])
    assert pages == max(1, -(-len(archive["published"]) // limit))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("tag=politics", lambda a: any(t.slug == "politics" for t in a.tags.all())),
        ("section=politics", lambda a: any(t.slug == "politics" for t in a.tags.all())),
        ("tag=weather", lambda a: any(t.slug == "weather" for t in a.tags.all())),
        ("author=ann-reed", lambda a: a.authors.filter(slug="ann-reed").exists()),
        ("q=harbour", lambda a: "Harbour" in a.headline),
        ("q=harbour&author=ann-reed&tag=weather", lambda a: False),
        ("q=council&author=ann-reed", lambda a: "Council" in a.headline),
    ],
)
def test_filtered_walk_finds_the_matching_published_stories_once(walk, archive, query, expected):
    items, _ = walk(f"{LIST}?limit=2&{query}")
    wanted = [a for a in archive["published"] if expected(a)]
    assert [item["id"] for item in items] == public_order(wanted)


def test_a_list_item_shows_the_story_card(api_get, make_article, make_tag):
    section = make_tag("Climate", is_section=True, section_order=2)
    first_section = make_tag("Economy", is_section=True, section_order=1)
    article = make_article(
        headline="Floods close the ring road",
        standfirst="Three bridges shut overnight.",
        summary="The council shut three bridges.",
        tags=[section, first_section, "flooding"],
        lead_image_url="https://wire.example/flood.jpg",
        lead_image_alt="Water over the road",
        lead_image_credit="Wire",
    )
    ArticleAuthor.objects.create(
        article=article, author=Author.objects.create(name="Ann", slug="ann")
    )
    ArticleAuthor.objects.create(
        article=article, author=Author.objects.create(name="Ben", slug="ben"), position=1
    )
    [item] = api_get(LIST, schemas.ArticlePage).json()["results"]
    assert item["id"] == article.pk
    assert item["url"] == f"http://127.0.0.1:8000{article.get_absolute_url()}"
    assert item["api_url"] == f"http://127.0.0.1:8000/api/v1/articles/{article.slug}/"
    assert item["headline"] == "Floods close the ring road"
    assert item["standfirst"] == "Three bridges shut overnight."
    assert item["summary"] == "The council shut three bridges."
    assert item["byline"] == "Ann and Ben"
    assert [a["slug"] for a in item["authors"]] == ["ann", "ben"]
    assert [t["name"] for t in item["tags"]] == ["Climate", "Economy", "flooding"]
    assert item["section"]["slug"] == "economy"  # the first in the editors' order
    assert item["section"]["url"] == "http://127.0.0.1:8000/tags/economy/"
    assert item["published_at"] == article.published_at.isoformat().replace("+00:00", "Z")
    assert item["updated_at"] == item["published_at"]
    assert item["lead_image"] == {
        "url": "https://wire.example/flood.jpg",
        "width": None,
        "height": None,
        "alt": "Water over the road",
        "caption": "",
        "credit": "Wire",
    }
    assert "body_html" not in item


def test_updated_at_is_the_last_update_readers_were_told_of(api_get, make_article, editor):
    article = make_article()
    article.body = "<p>New figures from the council.</p>"
    publishing.save_change(article, editor, kind="update")
    [item] = api_get(LIST).json()["results"]
    assert item["updated_at"] > item["published_at"]


def test_limit_defaults_to_20(api_get, make_article):
    for _ in range(21):
        make_article()
    body = api_get(LIST).json()
    assert len(body["results"]) == 20
    assert "limit=" not in body["next"]  # the default is not spelled out
    assert len(api_get(body["next"]).json()["results"]) == 1


def test_next_keeps_the_filters_and_limit(api_get, make_article):
    for _ in range(3):
        make_article(tags=["rail"])
    next_url = api_get(f"{LIST}?tag=rail&limit=2").json()["next"]
    assert "tag=rail" in next_url and "limit=2" in next_url


@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_is_fixed(api_get, make_article, django_assert_num_queries, rows):
    for _ in range(rows):
        article = make_article(tags=["politics", "local"])
        ArticleAuthor.objects.create(
            article=article, author=Author.objects.get_or_create(slug="a", name="A")[0]
        )
    with django_assert_num_queries(1):
        assert api_get(LIST).status_code == 200
    with django_assert_num_queries(2):  # the tag, then the page
        assert api_get(f"{LIST}?tag=politics&limit=5").status_code == 200
    with django_assert_num_queries(2):
        assert api_get(f"{LIST}?author=a&limit=5").status_code == 200


def test_an_empty_page_costs_one_more_query(api_get, make_tag, django_assert_num_queries):
    """No row to carry the archive's last change and next scheduled time: read alone."""
    make_tag("Quiet")
    with django_assert_num_queries(3):
        body = api_get(f"{LIST}?tag=quiet").json()
    assert body == {"results": [], "next": None}


# Bad input: 400 naming the parameter ------------------------------------------------


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("limit=", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=", "cursor"),
        ("cursor=%00", "cursor"),
        ("tag=no-such-tag", "tag"),
        ("tag=", "tag"),
        ("author=nobody", "author"),
        ("section=weather", "section"),  # a tag, not a section
        ("section=nothing", "section"),
        ("tag=weather&section=politics", "section"),
        ("q=", "q"),
        ("q=---", "q"),
        ("q=" + "x" * 201, "q"),
        ("tags=weather", "tags"),  # a misspelt filter must not answer with everything
        ("page=2", "page"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(api_get, archive, refused, query, parameter):
    refused(api_get(f"{LIST}?{query}"), parameter)


@pytest.mark.parametrize(
    "parts",
    [
        ["tags", "politics"],  # another list's cursor
        ["articles", "2026-01-01T00:00:00+00:00"],
        ["articles", "yesterday", "4"],
        ["articles", "2026-01-01T00:00:00", "4"],  # no offset
        ["articles", "2026-01-01T00:00:00+00:00", "four"],
        ["articles", "2026-01-01T00:00:00+00:00", "-4"],
    ],
)
def test_forged_cursors_are_refused(api_get, archive, refused, parts):
    from api.params import encode_cursor

    refused(api_get(f"{LIST}?cursor={encode_cursor(*parts)}"), "cursor")


def test_a_cursor_from_a_story_taken_down_still_works(api_get, walk, archive, editor):
    """The cursor is a position in the order, not a story: removing it loses nothing."""
    first = api_get(f"{LIST}?limit=3").json()
    last_shown = Article.objects.get(pk=first["results"][-1]["id"])
    publishing.unpublish(last_shown, editor)
    rest, _ = walk(first["next"])
    expected = public_order(archive["published"])[3:]
    assert [item["id"] for item in rest] == expected
