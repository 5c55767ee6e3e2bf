"""The front of the paper: sections in the header, the lead and top stories editors
pin until a time they choose, the latest stories, and a block per section."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.models.feature import Feature
from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pictured(make_article):
    """Published articles sharing one uploaded picture (each with its renditions)."""
    first = []

    def make(**overrides):
        if not first:
            article = make_article(
                lead_image=upload(image_bytes("JPEG", size=(800, 533))),
                lead_image_alt="A harbour at dawn",
                **overrides,
            )
            first.append(article)
            return article
        return make_article(
            lead_image=first[0].lead_image.name,
            lead_image_renditions=first[0].lead_image_renditions,
            lead_image_alt="A harbour at dawn",
            **overrides,
        )

    return make


def feature(article, slot=Feature.Slot.LEAD, expires_at=None):
    return Feature.objects.create(article=article, slot=slot, expires_at=expires_at)


def front(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context["front"], response.content.decode()


def section_nav(html):
    nav = re.search(r'<nav class="sections" aria-label="Sections">(.*?)</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)) if nav else []


# Sections ------------------------------------------------------------------------


def test_header_lists_sections_in_the_editors_order(client, make_tag, make_article):
    make_tag("Sport", is_section=True, section_order=2)
    make_tag("Politics", is_section=True, section_order=1)
    make_tag("Weather")  # a tag, not a section
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/search/"]:
        assert section_nav(client.get(url).content.decode()) == [
            ("/tags/politics/", "Politics"),
            ("/tags/sport/", "Sport"),
        ]


def test_a_section_change_shows_in_the_header_at_once(client, make_tag):
    sport = make_tag("Sport", is_section=True)
    assert section_nav(client.get("/").content.decode()) == [("/tags/sport/", "Sport")]
    sport.is_section = False
    sport.save()
    assert section_nav(client.get("/").content.decode()) == []
    make_tag("Arts", is_section=True)
    assert section_nav(client.get("/").content.decode()) == [("/tags/arts/", "Arts")]


def test_section_page_is_its_tag_page_marked_current(client, make_tag, make_article):
    make_tag("Sport", is_section=True)
    make_article(headline="Cup final tonight", tags=["Sport"])
    html = client.get("/tags/sport/").content.decode()
    assert '<a href="/tags/sport/" aria-current="page">Sport</a>' in html
    assert "Cup final tonight" in html


def test_header_needs_no_query_once_cached(client, make_tag, django_assert_num_queries):
    make_tag("Sport", is_section=True)
    client.get("/search/")
    with django_assert_num_queries(0):
        assert "Sport" in client.get("/search/").content.decode()


# The lead and top stories ------------------------------------------------------------


def test_without_features_the_newest_pictured_story_leads(client, make_article, pictured):
    pictured(headline="Pictured but older")
    make_article(headline="Newest, no picture")
    page, html = front(client)
    assert page.lead.headline == "Pictured but older"
    assert page.top == []
    assert [a.headline for a in page.latest] == ["Newest, no picture"]
    lead = html[html.index('<article class="lead-story">') :]
    assert "<picture>" in lead[: lead.index("</article>")]


def test_without_pictures_the_newest_story_leads(client, make_article):
    make_article(headline="Older")
    make_article(headline="Newest")
    page, _ = front(client)
    assert page.lead.headline == "Newest"
    assert [a.headline for a in page.latest] == ["Older"]


def test_editors_pin_a_lead_and_top_stories(client, make_article, pictured):
    old_lead = make_article(headline="Pinned lead from yesterday", standfirst="The dek.")
    top = [make_article(headline=f"Top story {n}") for n in range(5)]
    pictured(headline="Newest pictured")
    feature(old_lead, expires_at=timezone.now() + timedelta(hours=4))
    for article in top:
        feature(article, Feature.Slot.TOP)
    page, html = front(client)
    assert page.lead == old_lead
    # Four at most, most recently pinned first.
    assert [a.headline for a in page.top] == [f"Top story {n}" for n in (4, 3, 2, 1)]
    assert old_lead not in page.latest and top[4] not in page.latest
    assert "Newest pictured" in [a.headline for a in page.latest]
    assert '<p class="standfirst">The dek.</p>' in html
    assert "Top stories" in html


def test_a_pin_leaves_the_lead_when_its_time_passes(client, make_article, pictured, clock):
    pinned = make_article(headline="Pinned lead")
    pictured(headline="Pictured story")
    feature(pinned, expires_at=timezone.now() + timedelta(hours=2))
    assert front(client)[0].lead == pinned
    clock.offset = timedelta(hours=2, seconds=1).total_seconds()
    page, _ = front(client)
    assert page.lead.headline == "Pictured story"
    assert pinned in page.latest


def test_a_pin_never_shows_an_unpublished_story(client, make_article):
    make_article(headline="Public story")
    draft = make_article(headline="Draft lead", status=Article.Status.DRAFT)
    embargoed = make_article(
        headline="Embargoed lead", published_at=timezone.now() + timedelta(hours=1)
    )
    feature(draft)
    feature(embargoed, Feature.Slot.TOP)
    page, html = front(client)
    assert page.lead.headline == "Public story"
    assert page.top == []
    assert "Draft lead" not in html and "Embargoed lead" not in html


def test_unpublishing_a_pinned_lead_removes_it_from_the_cached_front(
    client, make_article, settings
):
    settings.PAGE_CACHE_TIMEOUT = 600
    make_article(headline="Other story")
    lead = make_article(headline="Pinned lead story")
    feature(lead, expires_at=timezone.now() + timedelta(days=1))
    assert "Pinned lead story" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    lead.status = Article.Status.DRAFT
    lead.save()
    assert "Pinned lead story" not in client.get("/").content.decode()


def test_cached_front_never_outlives_a_pin(client, make_article, settings, clock):
    settings.PAGE_CACHE_TIMEOUT = settings.PAGE_CACHE_MAX_AGE = 6 * 3600
    make_article(headline="Other story")
    lead = make_article(
        headline="Pinned lead story", published_at=timezone.now() - timedelta(days=90)
    )
    feature(lead, expires_at=timezone.now() + timedelta(minutes=30))
    first = client.get("/")
    assert int(first["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 30 * 60
    assert client.get("/")["X-Page-Cache"] == "hit"
    clock.offset = timedelta(minutes=30, seconds=1).total_seconds()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert response.context["front"].lead.headline == "Other story"


def test_removing_a_pin_updates_the_cached_front(client, make_article, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    make_article(headline="Newest story")
    lead = make_article(headline="Pinned lead", published_at=timezone.now() - timedelta(days=90))
    pin = feature(lead)
    assert client.get("/").context["front"].lead == lead
    pin.delete()
    assert client.get("/").context["front"].lead.headline == "Newest story"


# Sections on the front ---------------------------------------------------------------


def test_each_section_gets_a_block_of_its_newest_stories_not_shown_above(
    client, make_tag, make_article, settings
):
    make_tag("Sport", is_section=True, section_order=1)
    make_tag("Politics", is_section=True, section_order=2)
    make_tag("Empty section", is_section=True, section_order=3)
    sport = [make_article(headline=f"Sport {n}", tags=["Sport"]) for n in range(6)]
    make_article(headline="Vote counted", tags=["Politics", "Sport"])
    hidden = make_article(headline="Draft", status=Article.Status.DRAFT, tags=["Sport"])
    latest = [make_article(headline=f"Latest {n}") for n in range(20)]
    page, html = front(client)
    assert len(page.latest) == 19  # the newest leads
    blocks = {
        block.section["name"]: [a.headline for a in block.articles] for block in page.sections
    }
    assert blocks == {
        "Sport": ["Vote counted", "Sport 5", "Sport 4", "Sport 3"],
        "Politics": ["Vote counted"],
    }
    assert hidden.headline not in html and sport[0].headline not in html
    assert latest[0].headline in html
    assert 'href="/tags/sport/">Sport</a></h2>' in html


@pytest.mark.parametrize("rows", [5, 25])
def test_front_page_query_count_is_fixed_with_pins_and_sections(
    client, make_tag, make_article, pictured, django_assert_num_queries, rows
):
    for name in ("Sport", "Politics", "Arts"):
        make_tag(name, is_section=True)
    for n in range(rows):
        article = pictured(tags=["Sport", "Politics", "Arts"])
        if n < 3:
            feature(article, Feature.Slot.LEAD if n == 0 else Feature.Slot.TOP)
    client.get("/")  # the header's sections, cached from then on
    # count, page, pins, section blocks (a pinned lead needs no fallback look-up)
    with django_assert_num_queries(4):
        page, _ = front(client)
    assert page.lead and len(page.top) == 2
    assert len(page.sections) == (3 if rows > 20 else 0)  # stories not shown above


def test_later_pages_are_the_plain_list(client, make_article):
    for n in range(25):
        make_article(headline=f"Story {n}")
    response = client.get(reverse("articles:index") + "?page=2")
    assert "front" not in response.context
    assert len(response.context["article_list"]) == 5
