"""GET /api/v1/articles/<slug>/: one story with the article page's parts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import schemas
from articles.models import Article, ArticleAuthor, Author
from editorial import publishing, trash
from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


def story_url(article_or_slug) -> str:
    slug = getattr(article_or_slug, "slug", article_or_slug)
    return f"/api/v1/articles/{slug}/"


def test_a_story_has_the_article_pages_parts(api_get, make_article, make_tag, editor):
    older = make_article(headline="The older story")
    article = make_article(
        headline="Floods close the ring road",
        standfirst="Three bridges shut overnight.",
        summary="The council shut three bridges.",
        body='<p onclick="steal()">Water <script>alert(1)</script>rose.</p>',
        source_name="Wire",
        source_url="https://wire.example/floods",
        tags=[make_tag("Climate", is_section=True), "flooding"],
    )
    newer = make_article(headline="The newer story")
    ArticleAuthor.objects.create(
        article=article, author=Author.objects.create(name="Ann Reed", slug="ann-reed")
    )
    publishing.save_change(
        article, editor, kind="correction", note="An earlier version named the wrong road."
    )

    response = api_get(story_url(article), schemas.Story)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == article.pk
    assert body["url"] == f"http://127.0.0.1:8000{article.get_absolute_url()}"
    assert body["headline"] == "Floods close the ring road"
    assert body["standfirst"] == "Three bridges shut overnight."
    assert body["summary"] == "The council shut three bridges."
    assert body["body_html"] == "<p>Water rose.</p>"  # sanitized
    assert body["source"] == {"name": "Wire", "url": "https://wire.example/floods"}
    assert body["byline"] == "Ann Reed"
    assert [a["slug"] for a in body["authors"]] == ["ann-reed"]
    assert [t["slug"] for t in body["tags"]] == ["climate", "flooding"]
    assert body["section"]["slug"] == "climate"
    assert body["lead_image"] is None
    assert [(c["kind"], c["note"]) for c in body["corrections"]] == [
        ("correction", "An earlier version named the wrong road.")
    ]
    assert body["updated_at"] > body["published_at"]  # a correction tells readers
    assert body["previous"] == {
        "id": older.pk,
        "headline": "The older story",
        "url": f"http://127.0.0.1:8000{older.get_absolute_url()}",
        "api_url": f"http://127.0.0.1:8000{story_url(older)}",
    }
    assert body["next"]["id"] == newer.pk


def test_previous_and_next_skip_what_is_not_public(api_get, make_article, editor):
    first = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.IN_REVIEW)
    trashed = make_article()
    trash.trash(trashed, editor)
    middle = make_article()
    make_article(published_at=timezone.now() + timedelta(days=1))  # scheduled
    body = api_get(story_url(middle)).json()
    assert body["previous"]["id"] == first.pk
    assert body["next"] is None
    assert api_get(story_url(first)).json()["previous"] is None


def test_neighbours_that_share_a_time_follow_the_id(api_get, make_article):
    moment = timezone.now() - timedelta(hours=1)
    a, b, c = (make_article(published_at=moment) for _ in range(3))
    body = api_get(story_url(b)).json()
    assert (body["previous"]["id"], body["next"]["id"]) == (a.pk, c.pk)


def test_lead_image_with_its_renditions(api_get, make_article):
    article = make_article(
        lead_image=upload(image_bytes("JPEG", size=(1500, 1000))),
        lead_image_alt="Firefighters outside the old mill",
        lead_image_caption="The mill burned for six hours.",
        lead_image_credit="Photo: Jo Lens",
    )
    image = api_get(story_url(article), schemas.Story).json()["lead_image"]
    assert image["alt"] == "Firefighters outside the old mill"
    assert image["caption"] == "The mill burned for six hours."
    assert image["credit"] == "Photo: Jo Lens"
    assert (image["width"], image["height"]) == (1280, 853)
    widths = [(r["type"], r["width"]) for r in image["renditions"]]
    assert widths == [("image/jpeg", w) for w in (1280, 960, 640, 320)] + [
        ("image/webp", w) for w in (1280, 960, 640, 320)
    ]
    storage = article.lead_image.storage
    jpegs = reversed(article.lead_image_renditions["fallback"])
    for rendition, (_, _, name, _) in zip(image["renditions"], jpegs, strict=False):
        # As the storage itself spells the address (api.shapes.media_url skips its urljoin).
        assert rendition["url"] == "http://127.0.0.1:8000" + storage.url(name)
    assert image["url"] == image["renditions"][0]["url"]
    listed = api_get("/api/v1/articles/").json()["results"][0]["lead_image"]
    assert listed == {k: v for k, v in image.items() if k != "renditions"}


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"published_at": timezone.now() + timedelta(minutes=5)},
    ],
    ids=["draft", "in review", "scheduled"],
)
def test_unpublished_stories_are_not_found(api_get, make_article, hidden):
    article = make_article(**hidden)
    response = api_get(story_url(article))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response["Cache-Control"] == "no-store"  # a scheduled story appears on time
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_story_is_not_found(api_get, db):
    response = api_get(story_url("no-such-story"))
    assert response.status_code == 404
    schemas.Error.model_validate(response.json())


def test_staff_sessions_see_no_previews(client, make_article, editor):
    client.force_login(editor)
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(story_url(draft)).status_code == 404


def test_a_trashed_story_is_gone(api_get, make_article, editor):
    article = make_article()
    trash.trash(article, editor)
    response = api_get(story_url(article))
    assert response.status_code == 410
    assert response.json()["error"] == "gone"
    schemas.Error.model_validate(response.json())


def test_an_old_slug_moves_permanently_to_the_new_address(api_get, make_article):
    article = make_article(slug="first-address")
    article.slug = "second-address"
    article.save()
    response = api_get(story_url("first-address"))
    assert response.status_code == 301
    assert response["Location"] == "http://127.0.0.1:8000/api/v1/articles/second-address/"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_old_slug_of_an_unpublished_story_is_not_found(api_get, make_article, editor):
    article = make_article(slug="first-address")
    article.slug = "second-address"
    article.save()
    publishing.unpublish(article, editor)
    assert api_get(story_url("first-address")).status_code == 404


def test_an_old_slug_of_a_trashed_story_is_gone(api_get, make_article, editor):
    article = make_article(slug="first-address")
    article.slug = "second-address"
    article.save()
    trash.trash(article, editor)
    assert api_get(story_url("first-address")).status_code == 410


def test_a_story_reads_no_parameters(api_get, make_article, refused):
    refused(api_get(story_url(make_article()) + "?format=xml"), "format")


@pytest.mark.parametrize("tags", [0, 1, 6])
def test_query_count_is_fixed(api_get, make_article, django_assert_num_queries, tags):
    make_article()
    article = make_article(tags=[f"tag {n}" for n in range(tags)])
    make_article()
    with django_assert_num_queries(1):
        assert api_get(story_url(article)).status_code == 200


def test_not_found_costs_four_queries(api_get, db, django_assert_num_queries):
    """The story, an old slug of a published one, then the trash's slugs and old slugs."""
    with django_assert_num_queries(4):
        assert api_get(story_url("nothing-here")).status_code == 404
