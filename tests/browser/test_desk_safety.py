"""Nothing an editor writes is lost, in a real browser: a stale save is refused with
a diff, History compares and restores, the trash takes an article off the site and
gives it back."""

import pytest
from django.urls import reverse

from articles.models import Article
from editorial import history
from editorial.roles import setup_roles

from .test_desk import log_in_by_cookie, messages, staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roles(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    setup_roles()


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def replace_body(page, text):
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_stale_save_is_refused_with_the_diff(new_page, live_server, roles, make_article):
    article = make_article(
        headline="Harbour wall repaired",
        body="<p>The wall was mended over the winter.</p>",
    )
    alice = staff("alice", "Editors")
    alice.first_name = "Alice"
    alice.save()
    bob = staff("bob", "Editors")
    first, second = new_page(), new_page()
    log_in_by_cookie(first, alice, live_server)
    log_in_by_cookie(second, bob, live_server)
    first.goto(change_url(article))
    second.goto(change_url(article))  # Bob opens the form before Alice saves
    assert (
        "Alice has been editing this article since"
        in second.locator("[data-testid=presence]").inner_text()
    )

    first.fill("#id_standfirst", "Boats are back in the inner basin.")
    replace_body(first, "Alice's report: the wall is mended and boats are back.")
    first.get_by_role("button", name="Save changes").click()
    assert "was changed successfully" in messages(first)

    replace_body(second, "Bob's report: nothing happened.")
    second.get_by_role("button", name="Save changes").click()
    conflict = second.locator("[data-testid=edit-conflict]")
    # Both changed the body: only that is refused; Alice's standfirst is merged in.
    assert "Not saved: you and Alice both changed" in conflict.inner_text()
    assert second.input_value("#id_standfirst") == "Boats are back in the inner basin."
    added = " ".join(conflict.locator("ins").all_inner_texts())
    removed = " ".join(conflict.locator("del").all_inner_texts())
    assert "Bob's" in added and "nothing happened." in added
    assert "Alice's" in removed and "the wall is mended" in removed
    # Bob's text is still in his form, and what readers see is Alice's.
    assert "Bob's report" in second.locator(".ProseMirror[contenteditable=true]").inner_text()
    reader = new_page()
    reader.goto(article.get_absolute_url())
    assert "Alice's report" in reader.locator(".body").inner_text()
    assert "Bob's report" not in reader.content()

    # His unsaved text is guarded: leaving the page asks first.
    with second.expect_event("dialog") as asked:
        second.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.accept()


def test_compare_two_revisions_and_restore_the_older(new_page, live_server, roles, make_article):
    editor = staff("eve", "Editors")
    article = make_article(headline="Tram line opens", body="<p>The first draft of the story.</p>")
    history.record(article, user=editor, comment="Created")
    article.refresh_from_db()
    article.body = "<p>A rewritten second version.</p>"
    article.save()
    history.record(article, user=editor, comment="Changed Body")

    page = new_page()
    log_in_by_cookie(page, editor, live_server)
    page.goto(reverse("admin:articles_article_history", args=[article.pk]))
    assert page.locator("[data-testid=revision]").count() == 2
    page.get_by_role("button", name="Compare the selected revisions").click()
    body_diff = page.locator("[data-testid=field-diff]", has_text="Body")
    body_diff.locator("del").first.wait_for()  # the comparison page has loaded
    assert "The first draft of the story." in body_diff.locator("del").all_inner_texts()
    assert "A rewritten second version." in body_diff.locator("ins").all_inner_texts()

    page.get_by_role("button", name="Restore the older revision").click()
    page.get_by_label("Minor fix", exact=False).check()  # a live story: what kind of change
    page.get_by_role("button", name="Restore", exact=True).click()
    assert "Restored the revision of" in messages(page)
    reader = new_page()
    reader.goto(article.get_absolute_url())
    assert reader.locator(".body").inner_text().strip() == "The first draft of the story."


def test_trash_then_restore_then_publish_again(new_page, live_server, roles, make_article):
    editor = staff("eve", "Editors")
    article = make_article(headline="Bridge closes for repairs", byline="City desk")
    make_article(headline="Ferry timetable changes")
    page = new_page()
    log_in_by_cookie(page, editor, live_server)

    page.goto(change_url(article))
    page.locator("a.deletelink").click()
    page.get_by_role("button", name="Yes, move it to the trash").click()
    assert "is in the trash" in messages(page)
    # A reader's request (not a page load: the console would log the 4xx as an error).
    reader = new_page().request
    address = live_server.url + article.get_absolute_url()
    assert reader.get(address).status == 410
    listed = page.locator("#result_list").inner_text()
    assert "Ferry timetable changes" in listed and "Bridge closes for repairs" not in listed

    page.get_by_role("link", name="In the trash").click()
    page.locator(f"input[name=_selected_action][value='{article.pk}']").check()
    page.select_option("select[name=action]", "restore_from_trash")
    page.get_by_role("button", name="Run").click()
    assert "Restored 1 article(s)" in messages(page)
    assert reader.get(address).status == 404  # a draft now

    page.goto(change_url(article))
    page.locator("input[name=_publish_now]").click()  # "Publish again": it was public before
    assert "Published" in messages(page)
    assert reader.get(address).status == 200
    assert Article.objects.get(pk=article.pk).is_published()
