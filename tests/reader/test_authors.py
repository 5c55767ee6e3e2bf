"""Authors: profiles with their own pages and feeds, bylines read from them in order."""

import json

import pytest
from django.contrib.auth.models import User
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article
from articles.models.author import Author, byline_text

pytestmark = pytest.mark.django_db

SITE = "https://newsroom.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def ann():
    return Author.objects.create(
        name="Ann Reed", slug="ann-reed", role="Transport correspondent", bio="Ann covers trains."
    )


@pytest.fixture
def ben():
    return Author.objects.create(name="Ben Cole", slug="ben-cole")


def by(article, *authors):
    for position, author in enumerate(authors):
        article.bylines.create(author=author, position=position)
    return article


def test_byline_text_joins_names_as_a_sentence():
    assert byline_text([]) == ""
    assert byline_text(["Ann"]) == "Ann"
    assert byline_text(["Ann", "Ben"]) == "Ann and Ben"
    assert byline_text(["Ann", "Ben", "Cal"]) == "Ann, Ben and Cal"


def test_article_byline_reads_from_its_authors_in_order(client, make_article, ann, ben):
    article = by(make_article(byline="Ignored wire text"), ben, ann)
    Article.objects.filter(pk=article.pk).update()  # nothing cached on the instance
    assert Article.objects.get(pk=article.pk).byline_text == "Ben Cole and Ann Reed"
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'By <span class="byline"><a href="/authors/ben-cole/" rel="author">Ben Cole</a> and '
        '<a href="/authors/ann-reed/" rel="author">Ann Reed</a></span>'
    ) in html
    assert "Ignored wire text" not in html


def test_free_text_byline_stays_for_wire_copy(client, make_article):
    article = make_article(byline="Newsroom Wire")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'By <span class="byline">Newsroom Wire</span>' in html


def test_cards_show_bylines_without_a_query_each(
    client, make_article, ann, ben, django_assert_num_queries
):
    for _ in range(5):
        by(make_article(tags=["politics"]), ann, ben)
    client.get("/tags/politics/")
    with django_assert_num_queries(3):
        html = client.get("/tags/politics/").content.decode()
    assert html.count('rel="author">Ben Cole</a>') == 5


def test_author_page_lists_published_stories_with_profile(client, make_article, ann, hidden):
    mine = by(make_article(headline="Trains run late"), ann)
    make_article(headline="Someone else's story")
    for article in hidden:
        by(article, ann)
    response = client.get(reverse("articles:author", kwargs={"slug": "ann-reed"}))
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [mine]
    html = response.content.decode()
    assert '<h1 class="profile-name">Ann Reed</h1>' in html
    assert "Transport correspondent" in html and "Ann covers trains." in html
    assert 'href="/authors/ann-reed/feed/"' in html
    assert "Secret draft plan" not in html and "Embargoed budget story" not in html


def test_unknown_author_is_404(client):
    assert client.get("/authors/nobody/").status_code == 404


@pytest.mark.parametrize("rows", [5, 25])
def test_author_page_query_count_is_fixed(
    client, make_article, ann, django_assert_num_queries, rows
):
    for _ in range(rows):
        by(make_article(tags=["politics", "local"]), ann)
    client.get("/authors/ann-reed/")
    # author, count, page of articles with their tags and authors
    with django_assert_num_queries(3):
        assert client.get("/authors/ann-reed/").status_code == 200


def test_author_feeds_list_their_published_stories(client, make_article, ann, hidden):
    by(make_article(headline="Trains run late"), ann)
    make_article(headline="Not hers")
    for article in hidden:
        by(article, ann)
    rss = client.get("/authors/ann-reed/feed/").content.decode()
    assert "Trains run late" in rss and "Not hers" not in rss and "Secret draft" not in rss
    assert "Ann Reed" in rss
    atom = client.get("/authors/ann-reed/feed/atom/").content.decode()
    assert "Trains run late" in atom and f"{SITE}/authors/ann-reed/" in atom
    data = json.loads(client.get("/authors/ann-reed/feed.json").content)
    assert [item["title"] for item in data["items"]] == ["Trains run late"]
    assert data["items"][0]["authors"] == [{"name": "Ann Reed", "url": f"{SITE}/authors/ann-reed/"}]
    assert client.get("/authors/nobody/feed/").status_code == 404


def test_json_ld_gives_each_author_as_a_person_with_url(client, make_article, ann, ben):
    article = by(make_article(), ann, ben)
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Reed", "url": f"{SITE}/authors/ann-reed/"},
        {"@type": "Person", "name": "Ben Cole", "url": f"{SITE}/authors/ben-cole/"},
    ]


def test_author_sitemap_lists_authors_with_published_stories(client, make_article, ann, ben):
    by(make_article(), ann)
    by(make_article(status=Article.Status.DRAFT), ben)
    xml = client.get("/sitemap-authors.xml").content.decode()
    assert f"{SITE}/authors/ann-reed/" in xml
    assert "ben-cole" not in xml


def test_an_author_with_stories_cannot_be_deleted(make_article, ann):
    by(make_article(), ann)
    with pytest.raises(ProtectedError):
        ann.delete()


def test_a_staff_author_is_named_on_their_new_article(client, make_user, ann):
    user = make_user("ann", "Authors")
    ann.user = user
    ann.save()
    client.force_login(user)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Station to reopen",
            "slug": "station-to-reopen",
            "body": "<p>The station reopens.</p>",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "_save_draft": "Save draft",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="station-to-reopen")
    assert [a.name for a in article.author_list] == ["Ann Reed"]


def test_editors_set_authors_in_order_on_the_article_form(
    client, make_user, make_article, ann, ben
):
    editor = make_user("eve", "Editors")
    client.force_login(editor)
    article = make_article(headline="Two reporters")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    assert "Authors (the byline, in order of position)" in page
    assert "Front page: lead or top story" in page
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "body": article.body,
        "status": "published",
        "published_at_0": article.published_at.strftime("%Y-%m-%d"),
        "published_at_1": article.published_at.strftime("%H:%M:%S"),
        "version": article.version,
        "bylines-TOTAL_FORMS": "2",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": str(ben.pk),
        "bylines-0-position": "1",
        "bylines-1-author": str(ann.pk),
        "bylines-1-position": "0",
        "feature-TOTAL_FORMS": "0",
        "feature-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Article.objects.get(pk=article.pk).byline_text == "Ann Reed and Ben Cole"


def test_authors_cannot_feature_stories(client, make_user, make_article):
    client.force_login(make_user("ann", "Authors"))
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Front page: lead or top story" not in page
    assert client.get(reverse("admin:articles_feature_changelist")).status_code == 403


def test_profile_photo_loses_its_metadata(tmp_path):
    from PIL import Image

    from tests.image_factory import gps_exif, image_bytes, upload

    photo = upload(image_bytes("JPEG", size=(200, 200), exif=gps_exif()))
    author = Author.objects.create(name="Cal", slug="cal", photo=photo)
    with author.photo.open("rb") as fp:
        assert not Image.open(fp).getexif()
    assert User.objects.count() == 0
