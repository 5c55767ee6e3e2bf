"""Lead images on reader pages: markup, lazy loading, query budget and page weight."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_illustrated(make_article):
    """A published article with an uploaded 1500×1000 lead image."""

    def make(**overrides):
        fields = {
            "lead_image": upload(image_bytes("JPEG", size=(1500, 1000))),
            "lead_image_alt": "Firefighters outside the old mill",
            "lead_image_caption": "The mill burned for six hours.",
            "lead_image_credit": "Photo: Jo Lens",
            **overrides,
        }
        return make_article(**fields)

    return make


def test_article_page_has_a_responsive_figure(client, make_illustrated):
    article = make_illustrated()
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="lead-image">') : html.index("</figure>")]
    source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', figure)
    assert source, figure
    assert [entry.rsplit(" ", 1)[1] for entry in source.group(1).split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1280w",
    ]
    assert "/media/renditions/lead-images/" in source.group(1)
    img = re.search(r"<img [^>]+>", figure).group(0)
    assert 'width="1280" height="853"' in img
    assert 'alt="Firefighters outside the old mill"' in img
    assert re.search(r'srcset="[^"]+-320w\.jpg 320w, ', img)
    assert 'sizes="(max-width: 42rem) 100vw, 40rem"' in img
    # Above the fold: fetched eagerly and early.
    assert 'loading="lazy"' not in img
    assert 'fetchpriority="high"' in img
    assert "<figcaption>The mill burned for six hours." in figure
    assert '<span class="credit">Photo: Jo Lens</span>' in figure


def test_figure_sits_between_header_and_summary(client, make_illustrated):
    html = client.get(make_illustrated(summary="Short.").get_absolute_url()).content.decode()
    assert html.index("</header>") < html.index("<figure") < html.index("Get a summary")


def test_article_without_image_has_no_figure(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert "<figure" not in html
    assert "<picture" not in html


def test_imported_image_url_is_shown_as_is(client, make_article):
    article = make_article(
        lead_image_url="https://old.example/uploads/bridge.jpg",
        lead_image_alt="The bridge at dawn",
        lead_image_caption="Before the repairs",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<img src="https://old.example/uploads/bridge.jpg" alt="The bridge at dawn"' in html
    assert "<figcaption>Before the repairs</figcaption>" in html


def test_cards_show_a_small_rendition_lazy_below_the_first_three(client, make_illustrated):
    for _ in range(5):
        make_illustrated(tags=["fire"])
    html = client.get("/tags/fire/").content.decode()
    cards = re.findall(r'<div class="card-image">(.*?)</div>', html, flags=re.S)
    assert len(cards) == 5
    for card in cards:
        assert 'sizes="8rem"' in card
        assert re.search(r'<img src="[^"]+-320w\.jpg"', card)
        assert 'width="320" height="213"' in card
    assert ['loading="lazy"' in card for card in cards] == [False, False, False, True, True]


def test_tag_page_cards_show_images(client, make_illustrated):
    make_illustrated(tags=["fire"])
    html = client.get("/tags/fire/").content.decode()
    assert '<div class="card-image"><picture>' in html


@pytest.mark.parametrize("rows", [5, 25])
def test_query_counts_unchanged_with_images(
    client, make_illustrated, django_assert_num_queries, rows
):
    # One uploaded image shared by every row keeps the test fast; each row still
    # carries its own rendition description.
    first = make_illustrated(tags=["politics", "local"])
    articles = [first] + [
        make_illustrated(
            lead_image=first.lead_image.name,
            lead_image_renditions=first.lead_image_renditions,
            tags=["politics", "local"],
        )
        for _ in range(rows - 1)
    ]
    client.get("/")  # the header's sections, cached from then on
    with django_assert_num_queries(4):
        assert client.get("/").content.decode().count("<picture>") == min(rows, 20)
    with django_assert_num_queries(3):
        assert client.get("/tags/politics/").status_code == 200
    with django_assert_num_queries(2):
        assert "<picture>" in client.get(articles[rows // 2].get_absolute_url()).content.decode()


def test_article_page_html_and_css_stay_under_30_kb(client, make_illustrated):
    article = make_illustrated(
        body="".join(f"<p>Paragraph {n} of a long report on the fire.</p>" for n in range(60)),
        summary="A short summary.",
        tags=["fire", "local"],
    )
    html = client.get(article.get_absolute_url()).content
    with open(finders.find("css/site.css"), "rb") as css:
        total = len(html) + len(css.read())
    assert total < 30 * 1024, total
