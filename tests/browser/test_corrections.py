"""A correction to a live story, in a real browser, with the page cache on: an
Editor's minor fix moves nothing readers see; a correction prepared as a pending
change stays off the site (readers keep the live text) until it is published,
then shows at once under the story, in its JSON-LD, at /corrections/ and in its
feed; a minor pending change published moves none of them."""

import json

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article

from .pages import axe_violations
from .test_desk import log_in_by_cookie, staff

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "An earlier version said the bridge opened in 1923. It opened in 1932."


def json_ld(page) -> dict:
    return json.loads(page.locator('script[type="application/ld+json"]').text_content())


def reader_sees(reader, article) -> dict:
    """What a reader gets of the story: its corrections box, "Updated" and JSON-LD."""
    response = reader.goto(article.get_absolute_url())
    assert response.headers["x-page-cache"] in ("hit", "miss")
    return {
        "box": reader.locator("aside.corrections").all_inner_texts(),
        "updated": reader.locator(".meta .updated").count(),
        "json_ld": json_ld(reader),
    }


def corrections_feed(reader) -> list:
    response = reader.request.get(reverse("articles:corrections_feed"))
    return feedparser.parse(response.body()).entries


def test_a_correction_reaches_readers_and_a_minor_fix_does_not(
    new_page,
    live_server,
    roles,
    make_article,
    settings,
    axe_script,  # noqa: F811
):
    settings.PAGE_CACHE_TIMEOUT = 600  # readers are served from the site's page cache,
    settings.PAGE_CACHE_MAX_AGE = 0  # which the browser asks each time rather than its own
    story = make_article(
        headline="Old bridge reopens",
        standfirst="The crossing built in 1923 is open again.",
        body="<p>The bridge, built in 1923, carries traffic again.</p>",
    )
    reader = new_page()
    before = reader_sees(reader, story)
    assert reader.goto(story.get_absolute_url()).headers["x-page-cache"] == "hit"
    assert before["box"] == [] and before["updated"] == 0
    assert "correction" not in before["json_ld"]
    assert before["json_ld"]["dateModified"] == story.published_at.isoformat()

    desk = new_page(bypass_csp=True)  # for axe, injected below
    log_in_by_cookie(desk, staff("eve", "Editors"), live_server)
    change = reverse("admin:articles_article_change", args=[story.pk])

    # A minor fix: a typo in the standfirst. Nothing readers see moves.
    desk.goto(change)
    desk.fill("#id_standfirst", "The crossing built in 1923 is open again to traffic.")
    assert desk.get_by_label("Minor fix", exact=False).is_checked()  # the default
    desk.get_by_role("button", name="Save changes").click()
    assert "was changed successfully" in desk.locator(".messagelist").inner_text()
    after_minor = reader_sees(reader, story)
    assert after_minor["box"] == [] and after_minor["updated"] == 0
    assert after_minor["json_ld"]["dateModified"] == before["json_ld"]["dateModified"]
    assert "correction" not in after_minor["json_ld"]
    reader.goto(reverse("articles:corrections"))
    assert reader.locator(".correction-list").count() == 0
    assert corrections_feed(reader) == []

    # A correction, prepared as a pending change: readers keep the live text.
    desk.goto(change)
    desk.fill("#id_standfirst", "The crossing built in 1932 is open again to traffic.")
    desk.get_by_role("button", name="Save as pending change").click()
    assert "readers still see the live story" in desk.locator(".messagelist").inner_text()
    assert reader_sees(reader, story) == after_minor
    assert "1923" in reader.locator(".standfirst").inner_text()
    desk.goto(change)
    desk.get_by_role("link", name="Preview the pending change").click()
    assert "1932" in desk.locator(".standfirst").inner_text()
    assert "Pending change" in desk.locator(".preview-banner").inner_text()
    desk.go_back()

    # Published with its note. The form asks the kind of change, accessibly.
    assert axe_violations(desk, axe_script) == []
    assert "1932" in desk.input_value("#id_standfirst")  # the form edits the pending one
    desk.get_by_label("Correction:", exact=False).check()
    desk.get_by_role("button", name="Publish pending change").click()
    assert "A correction needs a note for readers." in desk.locator(".errorlist").inner_text()
    desk.get_by_label("Correction:", exact=False).check()
    desk.fill("#id_change_note", NOTE)
    desk.get_by_role("button", name="Publish pending change").click()
    assert "the pending change is live" in desk.locator(".messagelist").inner_text()

    story = Article.objects.get(pk=story.pk)
    correction = story.corrections.get()
    seen = reader_sees(reader, story)  # at once, though the page was cached
    assert len(seen["box"]) == 1 and NOTE in seen["box"][0] and "Correction" in seen["box"][0]
    assert seen["updated"] == 1
    data = seen["json_ld"]
    assert data["correction"]["@type"] == "CorrectionComment"
    assert data["correction"]["text"] == NOTE
    assert data["correction"]["datePublished"] == correction.published_at.isoformat()
    assert (
        data["dateModified"] == story.modified_at.isoformat() != before["json_ld"]["dateModified"]
    )

    # /corrections/ lists it and links the story's note; so does its feed.
    reader.goto(reverse("articles:corrections"))
    assert NOTE in reader.locator(".correction-list").inner_text()
    reader.get_by_role("link", name="Old bridge reopens").click()
    reader.wait_for_url(f"**{story.get_absolute_url()}#correction-{correction.pk}")
    assert reader.locator(f"#correction-{correction.pk}").is_visible()
    [entry] = corrections_feed(reader)
    assert entry.title == "Correction: Old bridge reopens"
    assert NOTE in entry.summary

    # A later minor fix, as a pending change published, moves none of it again.
    desk.goto(change)
    desk.fill("#id_standfirst", "The crossing, built in 1932, is open again to traffic.")
    desk.get_by_role("button", name="Save as pending change").click()
    assert reader_sees(reader, story)["box"] == seen["box"]
    assert "1932, is" not in reader.locator(".standfirst").inner_text()
    desk.goto(change)
    desk.get_by_role("button", name="Publish pending change").click()  # minor: the default
    assert "the pending change is live" in desk.locator(".messagelist").inner_text()
    again = reader_sees(reader, story)
    assert "1932, is" in reader.locator(".standfirst").inner_text()
    assert again["json_ld"]["dateModified"] == data["dateModified"]
    assert again["box"] == seen["box"]
    assert len(corrections_feed(reader)) == 1
