"""The editors' desk in a real browser: Editors write, tag, preview, schedule and
publish; Authors cannot publish; the article form passes axe."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.publishing import NOT_AN_EDITOR
from tests.signing_in import StaffClient, authenticator, pass_second_step

from .pages import axe_violations, card_headlines

pytestmark = pytest.mark.django_db(transaction=True)

ADD_URL = reverse("admin:articles_article_add")
PASSWORD = "a desk password for tests"


def staff(username, role):
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in_by_cookie(page, user, live_server):
    """A session made on the server side, second factor passed: for tests that are not
    about logging in."""
    client = StaffClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def write_article(page, headline, heading, plain, bold):
    """Type a headline and a body with a heading and bold text, using the toolbar."""
    page.goto(ADD_URL)
    page.locator("#id_headline").press_sequentially(headline)
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.locator(".prose-menubar__selected").click()  # the block-type menu
    page.locator(".prose-menubar__option[data-name=heading2]").click()
    page.keyboard.type(heading)
    page.keyboard.press("Enter")
    page.keyboard.type(plain)
    page.get_by_role("button", name="bold", exact=True).click()
    page.keyboard.type(bold)
    page.get_by_role("button", name="bold", exact=True).click()
    page.keyboard.type(".")
    return editor


def messages(page):
    return page.locator(".messagelist").inner_text()


def test_editor_writes_tags_previews_schedules_and_publishes(
    new_page, live_server, roles, make_tag
):
    make_tag("Transport")
    app = authenticator(staff("eve", "Editors"))
    page = new_page()

    # Log in through the form, then the second step.
    page.goto(reverse("admin:index"))
    page.fill("#id_username", "eve")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_step(page, app)
    assert page.get_by_role("heading", name="The desk").is_visible()

    # Write, with formatting from the toolbar.
    editor = write_article(
        page, "Tram line reaches the harbour", "Route and stops", "The line opens ", "on Monday"
    )
    assert page.input_value("#id_slug") == "tram-line-reaches-the-harbour"
    page.fill("#id_byline", "Eve Adams")  # no author profile: a free-text byline
    assert editor.inner_html() == (
        "<h2>Route and stops</h2><p>The line opens <strong>on Monday</strong>.</p>"
    )

    # An existing tag through autocomplete, a new one through the add-another popup.
    page.locator(".field-tags .select2-selection").click()
    page.keyboard.type("Trans")
    page.get_by_role("option", name="Transport").click()
    with page.expect_popup() as popup_info:
        page.locator("#add_id_tags").click()
    popup = popup_info.value
    popup.locator("#id_name").press_sequentially("Harbour works")
    assert popup.input_value("#id_slug") == "harbour-works"
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()
    assert page.locator("#id_tags option:checked").all_inner_texts() == [
        "Transport",
        "Harbour works",
    ]

    page.get_by_role("button", name="Save draft").click()
    assert "Draft — not public" in messages(page)
    draft = Article.objects.get(slug="tram-line-reaches-the-harbour")
    assert draft.status == Article.Status.DRAFT
    assert draft.body == "<h2>Route and stops</h2><p>The line opens <strong>on Monday</strong>.</p>"
    assert sorted(draft.tags.values_list("name", flat=True)) == ["Harbour works", "Transport"]

    # Preview: the editor sees the draft as readers will.
    page.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    page.get_by_role("link", name="Preview").click()
    page.wait_for_url(f"**{draft.get_preview_url()}")
    assert page.locator("h1").inner_text() == "Tram line reaches the harbour"
    assert page.locator(".body h2").inner_text() == "Route and stops"
    assert page.locator(".body strong").inner_text() == "on Monday"

    # Schedule it for tomorrow morning.
    page.go_back()
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.fill("#id_schedule_for_0", tomorrow.strftime("%d/%m/%Y"))
    page.fill("#id_schedule_for_1", "09:00:00")
    page.get_by_role("button", name="Schedule").click()
    assert "Scheduled for" in messages(page)
    assert Article.objects.get(pk=draft.pk).is_scheduled()

    # Publish another at once.
    write_article(page, "Ferry timetable changes", "New times", "Boats leave ", "every hour")
    page.fill("#id_byline", "Eve Adams")
    page.get_by_role("button", name="Publish now").click()
    assert "Published" in messages(page)

    # A reader sees the published one, and not the scheduled one.
    reader = new_page()
    reader.goto("/")
    assert reader.locator(".lead-headline").all_inner_texts() == ["Ferry timetable changes"]
    assert card_headlines(reader) == []
    reader.get_by_role("link", name="Ferry timetable changes").click()
    assert reader.locator(".body strong").inner_text() == "every hour"
    assert Client().get(draft.get_absolute_url()).status_code == 404


def force_fields(page, fields):
    """Add hidden inputs to the article form, as a hand-crafted request would."""
    page.evaluate(
        """fields => {
            const form = document.querySelector("#article_form");
            for (const [name, value] of fields) {
                form.append(Object.assign(document.createElement("input"),
                                          {type: "hidden", name, value}));
            }
        }""",
        fields,
    )


def test_author_cannot_publish(new_page, live_server, roles):
    author = staff("al", "Authors")
    page = new_page()
    log_in_by_cookie(page, author, live_server)
    write_article(page, "Council budget leaks", "The numbers", "Spending rises ", "by a tenth")

    # No publishing controls, and no status or date to set.
    for control in ["Publish now", "Schedule"]:
        assert page.get_by_role("button", name=control).count() == 0
    assert page.locator("#id_status, #id_published_at_0, #id_schedule_for_0").count() == 0

    # Pressing a publishing button that is not there is refused...
    force_fields(page, [["status", "published"], ["_publish_now", "1"]])
    page.get_by_role("button", name="Save draft", exact=True).click()
    refusal = page.locator(".errorlist.nonfield")
    assert refusal.inner_text() == NOT_AN_EDITOR
    assert not Article.objects.exists()

    # ...and a posted status is ignored: the article is saved as a draft.
    force_fields(page, [["status", "published"]])
    page.get_by_role("button", name="Save draft", exact=True).click()
    assert "was added successfully" in messages(page)
    article = Article.objects.get()
    assert (article.headline, article.status) == ("Council budget leaks", Article.Status.DRAFT)
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_article_form_has_no_axe_violations(new_page, live_server, roles, axe_script, scheme):
    """The whole form, including the controls Django and its packages render unnamed,
    which desk/static/js/desk.js and the form name."""
    page = new_page(color_scheme=scheme, bypass_csp=True)
    log_in_by_cookie(page, staff("eve", "Editors"), live_server)
    page.goto(ADD_URL)
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    assert axe_violations(page, axe_script) == []
