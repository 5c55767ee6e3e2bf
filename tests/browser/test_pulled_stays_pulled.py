"""Pulled stays pulled, in a real browser: a story an Editor took off the site or
put in the trash stays off it when an operator re-imports an older export, and
restoring it from the trash gives a draft. And a pending change to a live story's
headline and slug goes live whole, with History showing each entry's own text."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article

from .test_desk import log_in_by_cookie, messages, staff

pytestmark = pytest.mark.django_db(transaction=True)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def reimport_older_export(tmp_path, article):
    """An operator re-runs an export made while the story was live."""
    record = {
        "import_ref": article.import_ref,
        "headline": article.headline,
        "body": "<p>The text as it was exported.</p>",
        "status": "published",
        "published_at": article.published_at.isoformat(),
    }
    path = tmp_path / "older-export.jsonl"
    path.write_text(json.dumps(record) + "\n")
    out = StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_unpublished_and_trashed_stories_stay_off_the_site_through_a_reimport(
    new_page, live_server, roles, make_article, tmp_path
):
    unpublished = make_article(headline="Mayor named in inquiry", import_ref="wire:1")
    trashed = make_article(headline="Harbour deal signed", import_ref="wire:2")
    page = new_page()
    log_in_by_cookie(page, staff("eve", "Editors"), live_server)
    reader = new_page().request  # requests, not page loads: a 404 is no console error

    # The Editor unpublishes one story and trashes the other.
    page.goto(change_url(unpublished))
    page.get_by_role("button", name="Unpublish").click()
    assert "Unpublished" in messages(page)
    page.goto(change_url(trashed))
    page.locator("a.deletelink").click()
    page.get_by_role("button", name="Yes, move it to the trash").click()
    assert "is in the trash" in messages(page)

    # An operator re-imports an export from when both were live.
    assert "0 in the trash" not in reimport_older_export(tmp_path, unpublished)
    assert "1 in the trash: skipped" in reimport_older_export(tmp_path, trashed)
    assert reader.get(live_server.url + unpublished.get_absolute_url()).status == 404
    assert reader.get(live_server.url + trashed.get_absolute_url()).status == 410

    # Restored from the trash, the story is a draft: still off the site.
    page.goto(reverse("admin:articles_article_changelist") + "?trash=1")
    page.locator(f"input[name=_selected_action][value='{trashed.pk}']").check()
    page.select_option("select[name=action]", "restore_from_trash")
    page.get_by_role("button", name="Run").click()
    assert "Restored 1 article(s)" in messages(page)
    page.goto(change_url(trashed))
    # A draft once public: the desk calls it "Unpublished".
    assert "Unpublished — not public" in page.get_by_test_id("article-state").inner_text()
    assert reader.get(live_server.url + trashed.get_absolute_url()).status == 404
    assert Article.objects.get(pk=trashed.pk).status == Article.Status.DRAFT


def test_a_pending_change_to_headline_and_slug_goes_live_whole(
    new_page, live_server, roles, make_article
):
    story = make_article(headline="Bridge closes", slug="bridge-closes")
    page = new_page()
    log_in_by_cookie(page, staff("eve", "Editors"), live_server)
    reader = new_page().request

    page.goto(change_url(story))
    page.fill("#id_headline", "Bridge closes for good")
    page.fill("#id_slug", "bridge-closes-for-good")
    page.get_by_role("button", name="Save as pending change").click()
    assert "changes saved as pending" in messages(page)
    live = reader.get(live_server.url + "/bridge-closes/")
    assert live.status == 200 and "Bridge closes for good" not in live.text()

    page.goto(change_url(story))
    assert page.input_value("#id_slug") == "bridge-closes-for-good"  # kept with the rest
    page.get_by_role("button", name="Publish pending change").click()
    assert "the pending change is live" in messages(page)
    live = reader.get(live_server.url + "/bridge-closes-for-good/")
    assert live.status == 200 and "Bridge closes for good" in live.text()

    page.goto(reverse("admin:articles_article_history", args=[story.pk]))
    rows = [
        row.locator("td").all_inner_texts() for row in page.locator("[data-testid=revision]").all()
    ]
    entries = [(cells[4], cells[5]) for cells in rows]  # (headline, what), newest first
    applied = entries.index(("Bridge closes for good", "Pending change published (minor)"))
    pending = entries.index(("Bridge closes for good", "Pending change saved (pending, not live)"))
    assert applied < pending  # the pending entry came first
    # Before it, only the live text: the pending headline was never recorded as live.
    assert {headline for headline, _ in entries[pending + 1 :]} == {"Bridge closes"}
