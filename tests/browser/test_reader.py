"""A reader in a real browser: front page, article, summary, previous/next, tags."""

import pytest

from .pages import (
    SUMMARY_CONTROL,
    assert_focus_visible,
    card_headlines,
    make_stories,
    tab_to,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stories(make_article):
    return make_stories(make_article)


def test_front_page_lists_published_stories_and_opens_one(page, stories):
    oldest, middle, newest = stories
    page.goto("/")
    # Nothing pinned and no pictures: the newest leads.
    assert page.locator(".lead-headline").inner_text() == newest.headline
    assert card_headlines(page) == [middle.headline, oldest.headline]
    page.get_by_role("link", name=middle.headline).click()
    page.wait_for_url(f"**{middle.get_absolute_url()}")
    assert page.locator("h1").inner_text() == middle.headline
    assert page.locator(".standfirst").inner_text() == middle.standfirst


def test_summary_opens_with_the_mouse(page, stories):
    middle = stories[1]
    page.goto(middle.get_absolute_url())
    summary = page.locator(".summary-text")
    assert not summary.is_visible()
    page.get_by_text("No time to read? Get a summary").click()
    assert summary.is_visible()
    assert summary.inner_text().strip() == middle.summary


def test_summary_opens_and_closes_with_the_keyboard(page, stories):
    middle = stories[1]
    page.goto(middle.get_absolute_url())
    summary = page.locator(".summary-text")
    tab_to(page, SUMMARY_CONTROL)
    assert_focus_visible(page)
    assert not summary.is_visible()
    page.keyboard.press("Enter")
    assert summary.is_visible()
    assert summary.inner_text().strip() == middle.summary
    page.keyboard.press("Space")
    assert not summary.is_visible()
    page.keyboard.press("Space")
    assert summary.is_visible()


def test_next_and_previous_lead_to_the_neighbouring_published_stories(page, stories):
    oldest, middle, newest = stories
    page.goto(middle.get_absolute_url())
    # The draft written between middle and newest is skipped.
    page.get_by_role("link", name=f"Next Article {newest.headline}").click()
    assert page.locator("h1").inner_text() == newest.headline
    # The scheduled story is newer still, but not public: no Next link.
    assert page.locator("a[rel=next]").count() == 0
    page.get_by_role("link", name=f"Previous Article {middle.headline}").click()
    assert page.locator("h1").inner_text() == middle.headline
    page.get_by_role("link", name=f"Previous Article {oldest.headline}").click()
    assert page.locator("h1").inner_text() == oldest.headline
    assert page.locator("a[rel=prev]").count() == 0


def test_previous_and_next_work_by_keyboard_with_a_visible_focus(page, stories):
    oldest, middle, newest = stories
    page.goto(middle.get_absolute_url())
    tab_to(page, "a[rel=next]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{newest.get_absolute_url()}")
    assert page.locator("h1").inner_text() == newest.headline
    tab_to(page, "a[rel=prev]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{middle.get_absolute_url()}")
    assert page.locator("h1").inner_text() == middle.headline


def test_skip_link_is_the_first_stop_and_visible_when_focused(page, stories):
    page.goto(stories[1].get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert_focus_visible(page)
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen, not parked off it


def test_tag_link_leads_to_the_tag_page(page, stories):
    oldest, middle, newest = stories
    page.goto(newest.get_absolute_url())
    page.locator(".story .tags").get_by_role("link", name="Transport").click()
    page.wait_for_url("**/tags/transport/")
    assert page.locator("h1").text_content() == "Transport"
    # The scheduled Transport story stays hidden; the Culture one is not listed.
    assert card_headlines(page) == [newest.headline, oldest.headline]


def test_search_from_the_header_finds_the_story(page, stories):
    oldest, middle, newest = stories
    page.goto(newest.get_absolute_url())
    page.get_by_role("searchbox", name="Search").fill("library")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=library")
    assert card_headlines(page) == [middle.headline]
    page.get_by_role("link", name=middle.headline).click()
    assert page.locator("h1").inner_text() == middle.headline
