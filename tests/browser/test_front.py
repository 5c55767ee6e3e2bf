"""The front of the paper in a real browser: a reader travels from the header's
sections to an author and a related story; an editor pins a lead until a time and
it leaves when the time passes; unpublishing a pinned story clears it from the
cached front at once. Screenshots of the four kinds of page at two widths."""

from datetime import UTC, datetime, timedelta
from urllib.request import urlopen

import pytest
from django.utils import timezone

from articles.models import Article
from articles.models.feature import Feature
from editorial.roles import setup_roles

from .pages import DESKTOP, PHONE, SCREENSHOTS, make_newspaper
from .test_desk import log_in_by_cookie, staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(db):
    setup_roles()
    return staff("eve", "Editors")


@pytest.fixture
def paper(make_article, make_tag):
    return make_newspaper(make_article, make_tag)


class Clock:
    """Django's clock plus an offset the test moves; the live server shares it."""

    def __init__(self):
        self.offset = timedelta()

    def now(self):
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


def lead_headline(page) -> str:
    return page.locator(".lead-headline").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reader_goes_from_a_section_to_an_author_to_a_related_story(new_page, paper, viewport):
    page = new_page(viewport=viewport)
    page.goto("/")
    assert lead_headline(page) == paper["rail"].headline
    # The sections are plain links in the header, on a phone too.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Transport").click()
    page.wait_for_url("**/tags/transport/")
    assert page.locator("h1").text_content() == "Transport"
    page.get_by_role("link", name=paper["ferry"].headline).click()
    page.wait_for_url(f"**{paper['ferry'].get_absolute_url()}")
    assert "By Ann Reed and Ben Cole" in page.locator(".story .meta").inner_text()
    page.locator(".story .meta").get_by_role("link", name="Ann Reed").click()
    page.wait_for_url("**/authors/ann-reed/")
    assert page.locator("h1").inner_text() == "Ann Reed"
    assert "Transport correspondent" in page.locator(".profile").inner_text()
    page.get_by_role("link", name=paper["tram"].headline).click()
    page.wait_for_url(f"**{paper['tram'].get_absolute_url()}")
    related = page.get_by_role("region", name="More to read")
    related.get_by_role("link", name=paper["bridge"].headline).click()
    page.wait_for_url(f"**{paper['bridge'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == paper["bridge"].headline


def test_editor_features_a_lead_until_a_time_and_it_leaves_then(
    new_page, paper, editor, live_server, clock
):
    story = paper["festival"]
    desk = new_page()
    log_in_by_cookie(desk, editor, live_server)
    desk.goto(f"/admin/articles/article/{story.pk}/change/")
    desk.locator("#feature-group .add-row a").click()
    desk.locator("#id_feature-0-slot").select_option("lead")
    until = timezone.localtime(timezone.now() + timedelta(hours=1))
    desk.locator("#id_feature-0-expires_at_0").fill(until.strftime("%Y-%m-%d"))
    desk.locator("#id_feature-0-expires_at_1").fill(until.strftime("%H:%M:%S"))
    desk.get_by_role("button", name="Save changes", exact=True).click()
    desk.wait_for_url("**/admin/articles/article/")
    assert Feature.objects.get(article=story).slot == Feature.Slot.LEAD

    reader = new_page()
    reader.goto("/")
    assert lead_headline(reader) == story.headline
    clock.offset = timedelta(minutes=59)
    reader.reload()
    assert lead_headline(reader) == story.headline
    clock.offset = timedelta(hours=1, minutes=1)
    reader.reload()
    assert lead_headline(reader) == paper["rail"].headline  # the earlier pin, which has no end
    assert story.headline in reader.locator(".latest").inner_text()


def test_unpublishing_a_pinned_story_clears_it_from_the_cached_front(
    new_page, paper, editor, live_server, settings
):
    settings.PAGE_CACHE_TIMEOUT = 600
    lead = paper["rail"]
    reader = new_page()
    reader.goto("/")
    assert lead_headline(reader) == lead.headline
    # The page cache holds the front now (the browser's own cache would answer a
    # second goto() without asking the server, so ask it directly).
    with urlopen(live_server.url + "/") as response:
        assert response.headers["X-Page-Cache"] == "hit"

    desk = new_page()
    log_in_by_cookie(desk, editor, live_server)
    desk.goto(f"/admin/articles/article/{lead.pk}/change/")
    desk.get_by_role("button", name="Unpublish").click()
    desk.wait_for_url("**/admin/articles/article/**")
    assert Article.objects.get(pk=lead.pk).status == Article.Status.DRAFT

    reader.reload()  # revalidates with the server, as a reader's refresh does
    assert lead.headline not in reader.content()
    assert lead_headline(reader) != lead.headline


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_front_section_author_and_article_pages(new_page, paper, viewport):
    """Written on every run for people to look at; CI keeps the folder."""
    page = new_page(viewport=viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = "desktop" if viewport is DESKTOP else "phone"
    for name, url in [
        ("front", "/"),
        ("section", "/tags/transport/"),
        ("author", "/authors/ann-reed/"),
        ("article", paper["ferry"].get_absolute_url()),
    ]:
        page.goto(url)
        # Nothing may force sideways scrolling, on a phone above all.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} page scrolls sideways by {overflow}px at {width} width"
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 1000
