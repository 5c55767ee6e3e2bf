"""The lead image where machines read it: OpenGraph, Twitter cards, JSON-LD, feeds."""

import json

import feedparser
import pytest
from django.urls import reverse

from tests.image_factory import image_bytes, upload
from tests.reader.test_metadata import head

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
EXTERNAL = "https://old.example.net/wp-content/uploads/2024/05/mill.png"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def illustrated(make_article):
    return make_article(
        headline="Mill fire",
        lead_image=upload(image_bytes("JPEG", size=(1500, 1000))),
        lead_image_alt="Smoke over the old mill",
        lead_image_caption="The mill burned for six hours.",
        lead_image_credit="Jo Lens",
    )


@pytest.fixture
def imported(make_article):
    return make_article(
        headline="Imported mill story",
        lead_image_url=EXTERNAL,
        lead_image_alt="The mill in spring",
    )


def rendition_url(article):
    width, height, name, size = article.lead_image_renditions["fallback"][-1]
    return SITE + article.lead_image.storage.url(name), size


def test_opengraph_and_twitter_card_carry_the_image(client, illustrated):
    meta = head(client, illustrated.get_absolute_url()).meta
    url, _ = rendition_url(illustrated)
    assert url.startswith(SITE + "/media/renditions/") and url.endswith("-1280w.jpg")
    assert meta["og:image"] == url
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1280", "853")
    assert meta["og:image:type"] == "image/jpeg"
    assert meta["og:image:alt"] == "Smoke over the old mill"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == url
    assert meta["twitter:image:alt"] == "Smoke over the old mill"


def test_imported_image_url_is_used_as_is_in_cards(client, imported):
    meta = head(client, imported.get_absolute_url()).meta
    assert meta["og:image"] == EXTERNAL
    assert meta["og:image:type"] == "image/png"
    assert "og:image:width" not in meta
    assert meta["twitter:card"] == "summary_large_image"


def test_no_image_keeps_the_small_card(client, make_article):
    meta = head(client, make_article().get_absolute_url()).meta
    assert "og:image" not in meta
    assert meta["twitter:card"] == "summary"


def test_json_ld_image_object(client, illustrated, imported):
    [data] = head(client, illustrated.get_absolute_url()).json_ld
    url, _ = rendition_url(illustrated)
    assert json.loads(data)["image"] == {
        "@type": "ImageObject",
        "url": url,
        "width": 1280,
        "height": 853,
        "caption": "The mill burned for six hours.",
        "creditText": "Jo Lens",
    }
    [data] = head(client, imported.get_absolute_url()).json_ld
    assert json.loads(data)["image"] == {"@type": "ImageObject", "url": EXTERNAL}


def test_json_ld_has_no_image_without_one(client, make_article):
    [data] = head(client, make_article().get_absolute_url()).json_ld
    assert "image" not in json.loads(data)


def parse(client, name):
    feed = feedparser.parse(client.get(reverse(name)).content)
    assert not feed.bozo, feed.get("bozo_exception")
    return {entry.title: entry for entry in feed.entries}


@pytest.mark.parametrize("name", ["articles:feed", "articles:feed_atom"])
def test_feed_items_enclose_the_image(client, illustrated, imported, make_article, name):
    make_article(headline="No picture")
    entries = parse(client, name)
    url, size = rendition_url(illustrated)
    [enclosure] = entries["Mill fire"].enclosures
    assert (enclosure.href, enclosure.type, int(enclosure.length)) == (url, "image/jpeg", size)
    [enclosure] = entries["Imported mill story"].enclosures
    assert (enclosure.href, enclosure.type) == (EXTERNAL, "image/png")
    assert entries["No picture"].enclosures == []


def test_json_feed_items_have_image(client, illustrated, imported, make_article):
    make_article(headline="No picture")
    items = {
        item["title"]: item
        for item in json.loads(client.get(reverse("articles:feed_json")).content)["items"]
    }
    assert items["Mill fire"]["image"] == rendition_url(illustrated)[0]
    assert items["Imported mill story"]["image"] == EXTERNAL
    assert "image" not in items["No picture"]


def test_feed_query_counts_unchanged_with_images(
    client, illustrated, make_article, django_assert_num_queries
):
    for _ in range(6):
        make_article(
            lead_image=illustrated.lead_image.name,
            lead_image_renditions=illustrated.lead_image_renditions,
            lead_image_alt="Smoke",
        )
    # the articles with their tags: the same as without images
    for name in ["articles:feed", "articles:feed_atom", "articles:feed_json"]:
        with django_assert_num_queries(1):
            assert client.get(reverse(name)).content.count(b"-1280w.jpg") == 7
