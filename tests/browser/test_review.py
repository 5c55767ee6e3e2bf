"""Review in a real browser: an Author writes and submits a draft; an Editor sends
it back with a note; the Author reads the note, fixes and resubmits; the Editor
schedules it, and it goes live by itself in its place, the page cache included.
The clock is moved by the test, never waited for."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .pages import front_headlines
from .test_desk import log_in_by_cookie, staff

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "Who says the wall is safe? Name the engineer."


def state(page) -> str:
    return page.get_by_test_id("article-state").inner_text()


def test_an_article_goes_through_review_and_live_on_time(
    new_page, live_server, roles, make_article, settings, clock
):
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.PAGE_CACHE_MAX_AGE = 0
    older = make_article(headline="Harbour closes for repairs")
    later = make_article(
        headline="Harbour reopens to ferries",
        published_at=timezone.now() + timedelta(days=3),
    )
    ann, eve = staff("ann", "Authors"), staff("eve", "Editors")
    author, editor, reader = new_page(), new_page(), new_page()
    log_in_by_cookie(author, ann, live_server)
    log_in_by_cookie(editor, eve, live_server)

    # The Author writes and submits.
    author.goto(reverse("admin:articles_article_add"))
    author.locator("#id_headline").press_sequentially("Harbour wall is safe, council says")
    author.locator(".ProseMirror[contenteditable=true]").click()
    author.keyboard.type("The council says the wall will hold.")
    author.fill("#id_byline", "Ann, city desk")  # signed: it will go public
    assert author.get_by_role("button", name="Publish now").count() == 0
    author.get_by_role("button", name="Submit for review").click()
    assert "In review" in author.locator(".messagelist").inner_text()
    story = Article.objects.get(slug="harbour-wall-is-safe-council-says")
    assert story.status == Article.Status.IN_REVIEW
    assert reader.request.get(story.get_absolute_url()).status == 404

    # The Editor finds it awaiting review and sends it back; the note is required.
    editor.goto(reverse("admin:index"))
    editor.get_by_test_id("awaiting-review").click()
    editor.wait_for_url("**?state=in_review")
    editor.locator("#result_list").get_by_role("link", name=story.headline).click()
    assert "In review" in state(editor)
    editor.get_by_role("button", name="Send back").click()
    assert "the note is required" in editor.locator(".errorlist").inner_text()
    editor.fill("#id_review_note", NOTE)
    editor.get_by_role("button", name="Send back").click()
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT

    # The Author sees the note on their desk and on the article, fixes and resubmits.
    author.goto(reverse("admin:index"))
    assert NOTE in author.get_by_test_id("sent-back").inner_text()
    author.get_by_test_id("sent-back").get_by_role("link", name=story.headline).click()
    assert NOTE in author.get_by_test_id("review-note").inner_text()
    author.locator(".ProseMirror[contenteditable=true]").click()
    author.keyboard.press("End")
    author.keyboard.type(" The engineer, Mo Reed, checked it.")
    author.get_by_role("button", name="Submit for review").click()
    assert "In review" in author.locator(".messagelist").inner_text()
    author.goto(reverse("admin:index"))
    assert author.get_by_test_id("sent-back").count() == 0

    # The Editor schedules it for tomorrow morning, before the later story.
    editor.goto(reverse("admin:articles_article_change", args=[story.pk]))
    assert "Mo Reed" in editor.locator(".ProseMirror[contenteditable=true]").inner_text()
    tomorrow = timezone.localtime() + timedelta(days=1)
    editor.fill("#id_schedule_for_0", tomorrow.strftime("%d/%m/%Y"))
    editor.fill("#id_schedule_for_1", "09:00:00")
    editor.get_by_role("button", name="Schedule").click()
    assert "Scheduled for" in editor.locator(".messagelist").inner_text()
    story = Article.objects.get(pk=story.pk)
    assert story.is_scheduled()

    reader.goto("/")
    assert front_headlines(reader) == [older.headline]

    # The time passes (no save, no signal): it is live by itself, in its place.
    clock.offset = (story.published_at - timezone.now()).total_seconds() + 60
    reader.goto("/")
    assert front_headlines(reader) == [story.headline, older.headline]
    clock.offset = (later.published_at - timezone.now()).total_seconds() + clock.offset + 60
    reader.goto("/")
    assert front_headlines(reader) == [later.headline, story.headline, older.headline]
    reader.goto(story.get_absolute_url())
    assert reader.locator("h1").inner_text() == story.headline
    editor.goto(reverse("admin:articles_article_history", args=[story.pk]))
    entries = editor.locator("#change-history tbody").inner_text()
    for move in ("Submitted for review", "Sent back to the author", "Scheduled for"):
        assert move in entries
