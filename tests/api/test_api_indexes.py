"""GET /api/v1/tags/, /api/v1/authors/, /api/v1/sections/."""

import pytest

from api import schemas
from articles.models import Author
from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_tags_by_slug(api_get, make_tag):
    make_tag("Weather", description="Rain and shine.")
    make_tag("Politics", is_section=True)
    body = api_get("/api/v1/tags/", schemas.TagPage).json()
    assert body["next"] is None
    assert body["results"] == [
        {
            "id": body["results"][0]["id"],
            "name": "Politics",
            "slug": "politics",
            "url": "http://127.0.0.1:8000/tags/politics/",
            "description": "",
            "is_section": True,
        },
        {
            "id": body["results"][1]["id"],
            "name": "Weather",
            "slug": "weather",
            "url": "http://127.0.0.1:8000/tags/weather/",
            "description": "Rain and shine.",
            "is_section": False,
        },
    ]


def test_every_tag_once_across_pages(walk, make_tag):
    for n in range(7):
        make_tag(f"Topic {n}")
    items, pages = walk("/api/v1/tags/?limit=3", schemas.TagPage)
    assert [t["slug"] for t in items] == [f"topic-{n}" for n in range(7)]
    assert pages == 3


def test_authors_by_slug(api_get, walk, settings):
    Author.objects.create(name="Ben Cole", slug="ben-cole", role="Reporter", bio="Ben writes.")
    Author.objects.create(
        name="Ann Reed", slug="ann-reed", photo=upload(image_bytes("JPEG", size=(400, 400)))
    )
    items, _ = walk("/api/v1/authors/?limit=1", schemas.AuthorPage)
    assert [a["slug"] for a in items] == ["ann-reed", "ben-cole"]
    ann, ben = items
    assert ann["photo"].startswith("http://127.0.0.1:8000/media/authors/")
    assert ben == {
        "id": ben["id"],
        "name": "Ben Cole",
        "slug": "ben-cole",
        "url": "http://127.0.0.1:8000/authors/ben-cole/",
        "role": "Reporter",
        "bio": "Ben writes.",
        "photo": None,
    }


def test_sections_in_the_editors_order(api_get, make_tag):
    make_tag("Sport", is_section=True, section_order=2)
    make_tag("News", is_section=True, section_order=1)
    make_tag("Weather")
    body = api_get("/api/v1/sections/", schemas.Sections).json()
    assert [s["slug"] for s in body["results"]] == ["news", "sport"]


@pytest.mark.parametrize("url", ["/api/v1/tags/", "/api/v1/authors/", "/api/v1/sections/"])
def test_one_query_whatever_the_count(api_get, make_tag, django_assert_num_queries, url):
    for n in range(30):
        make_tag(f"Topic {n}", is_section=n % 2 == 0)
        Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}")
    with django_assert_num_queries(1):
        assert api_get(url).status_code == 200


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/tags/?limit=0", "limit"),
        ("/api/v1/tags/?limit=1001", "limit"),
        ("/api/v1/tags/?cursor=xyz", "cursor"),
        ("/api/v1/tags/?sort=name", "sort"),
        ("/api/v1/authors/?limit=many", "limit"),
        ("/api/v1/authors/?cursor=dGFncx9wb2xpdGljcw", "cursor"),  # a tags cursor
        ("/api/v1/sections/?limit=5", "limit"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(api_get, refused, db, url, parameter):
    refused(api_get(url), parameter)
