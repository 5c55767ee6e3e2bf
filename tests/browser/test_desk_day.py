"""The desk a newsroom lives in all day, in a real browser: a stale save merges and
refuses only a real conflict; pending changes are findable; bylines are right by
default; every desk page fits a phone and a laptop with the sidebar open; read-only
views read like the story; the change list finds stories by byline; the rough edges
are gone."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from articles.models.author import Author
from editorial import history, pending, publishing, trash
from editorial.bylines import NEEDS_BYLINE

from .pages import DESKTOP, PHONE, make_newspaper
from .test_desk import log_in_by_cookie, messages, staff, write_article

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = ".ProseMirror[contenteditable=true]"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def named(username, role, first, last):
    user = staff(username, role)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def overflow(page) -> dict:
    """How far the page is wider than the screen, and the buttons and links a user
    cannot reach (outside the page horizontally, or hidden under another element)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const unreachable = [];
            for (const el of document.querySelectorAll(
                    '#content input[type=submit], #content button, #content a.button,'
                    + ' #content .historylink, #content .viewsitelink')) {
                const box = el.getBoundingClientRect();
                if (!box.width || getComputedStyle(el).visibility === 'hidden') continue;
                if (box.left < 0 || box.right > width + 1)
                    unreachable.push((el.value || el.textContent).trim());
            }
            return {excess: document.documentElement.scrollWidth - width, unreachable};
        }"""
    )


def sidebar_open(page):
    """The admin's navigation sidebar, opened as an editor would leave it."""
    toggle = page.locator("#toggle-nav-sidebar")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


@pytest.fixture
def newsroom(make_article, roles):
    eve = named("eve", "Editors", "Eve", "Stone")
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed", role="Transport correspondent")
    story = make_article(
        headline="Night trains return to the coast line after twenty years of closures and delays",
        standfirst="The operator restores the sleeper service in May.",
        body="<p>" + "The sleeper leaves at ten and arrives at dawn. " * 30 + "</p>",
        tags=["Transport", "Coast", "Railways"],
    )
    story.bylines.create(author=ann)
    for n in range(3):
        story.standfirst = f"The operator restores the sleeper service, take {n}."
        publishing.save_change(story, by=eve)
        history.record(story, user=eve, comment=f"Changed Standfirst (take {n})")
    return {"eve": eve, "ann": ann, "story": story}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_desk_page_fits_the_screen(new_page, live_server, newsroom, viewport):
    story = newsroom["story"]
    page = new_page(viewport=viewport)
    log_in_by_cookie(page, newsroom["eve"], live_server)
    versions = list(history.revisions_of(story))
    compare = reverse("admin:articles_article_compare", args=[story.pk])
    urls = [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[story.pk]),
        reverse("admin:articles_article_history", args=[story.pk]),
        f"{compare}?from={versions[-1].pk}&to={versions[0].pk}",
    ]
    for url in urls:
        page.goto(url)
        if viewport is DESKTOP:
            sidebar_open(page)
        assert overflow(page) == {"excess": 0, "unreachable": []}, url


# 1. Save after a conflict no longer undoes a colleague's work.
def test_a_stale_save_merges_and_refuses_only_a_real_conflict(new_page, live_server, newsroom):
    story = newsroom["story"]
    bob = named("bob", "Editors", "Bob", "Hale")
    eve_page, bob_page = new_page(), new_page()
    log_in_by_cookie(eve_page, newsroom["eve"], live_server)
    log_in_by_cookie(bob_page, bob, live_server)
    save = {"name": "Save changes", "exact": True}

    # Both open the story; Eve changes the standfirst, Bob (on a stale form) the body.
    eve_page.goto(change_url(story))
    bob_page.goto(change_url(story))
    eve_page.fill("#id_standfirst", "Eve's new standfirst.")
    eve_page.get_by_role("button", **save).click()
    assert "was changed successfully" in messages(eve_page)
    bob_page.locator(EDITOR).click()
    bob_page.keyboard.press("Control+End")
    bob_page.keyboard.type(" Bob adds a line.")
    bob_page.get_by_role("button", **save).click()
    assert "Saved, merged with Eve Stone’s change of " in messages(bob_page)
    stored = Article.objects.get(pk=story.pk)
    assert stored.standfirst == "Eve's new standfirst."
    assert "Bob adds a line." in stored.body

    # Both change the standfirst: only that is refused, side by side, with a choice.
    eve_page.goto(change_url(story))
    bob_page.goto(change_url(story))
    eve_page.fill("#id_standfirst", "Eve's second thoughts.")
    eve_page.get_by_role("button", **save).click()
    bob_page.fill("#id_standfirst", "Bob's version.")
    bob_page.get_by_role("button", **save).click()
    conflict = bob_page.get_by_test_id("conflict-standfirst")
    assert conflict.get_by_test_id("theirs").inner_text() == "Eve's second thoughts."
    assert conflict.get_by_test_id("mine").inner_text() == "Bob's version."
    assert conflict.locator("del").first.inner_text().startswith("Eve")
    assert conflict.locator("ins").first.inner_text().startswith("Bob")
    assert bob_page.get_by_test_id("conflict-body").count() == 0
    assert Article.objects.get(pk=story.pk).standfirst == "Eve's second thoughts."

    bob_page.get_by_role("button", **save).click()  # no choice made: asked again
    refusal = bob_page.locator(".errorlist.nonfield").inner_text()
    assert "choose whose text to keep for Standfirst" in refusal
    bob_page.get_by_test_id("conflict-standfirst").get_by_label("Keep yours").check()
    bob_page.get_by_role("button", **save).click()
    assert "was changed successfully" in messages(bob_page)
    stored = Article.objects.get(pk=story.pk)
    assert stored.standfirst == "Bob's version."
    assert "Bob adds a line." in stored.body


# 2. Pending changes can be found.
def test_a_pending_change_is_found_from_the_desk_and_the_change_list(
    page, live_server, newsroom, make_article
):
    story = newsroom["story"]
    make_article(headline="A story with nothing pending")
    pending.save_pending(story, by=newsroom["eve"], fields={"standfirst": "Prepared."})
    log_in_by_cookie(page, newsroom["eve"], live_server)

    page.goto(reverse("admin:index"))
    page.get_by_test_id("list-pending").get_by_role("link", name=story.headline).click()
    assert "Eve Stone" in page.get_by_test_id("pending-change").inner_text()

    page.goto(reverse("admin:articles_article_changelist"))
    page.get_by_role("link", name="Carries a pending change").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert page.locator("#result_list .field-pending_flag img").get_attribute("alt") == "True"


# 3. Stories do not go out without a byline.
def test_bylines_are_right_by_default(new_page, live_server, newsroom):
    ann = newsroom["ann"]
    ann.user = newsroom["eve"]
    ann.save()
    page = new_page()
    log_in_by_cookie(page, newsroom["eve"], live_server)
    write_article(page, "Tram line reaches the harbour", "Route", "The line opens ", "Monday")
    assert page.locator("#id_bylines-0-author option:checked").inner_text() == "Ann Reed"
    page.get_by_role("button", name="Publish now").click()
    assert "Published" in messages(page)
    assert Article.objects.get(slug="tram-line-reaches-the-harbour").byline_text == "Ann Reed"

    # A desk editor with no profile is asked for a byline rather than publishing unsigned.
    other = new_page()
    log_in_by_cookie(other, named("cal", "Editors", "Cal", "Moss"), live_server)
    write_article(other, "Ferry timetable changes", "Times", "Boats leave ", "hourly")
    assert other.locator("#id_bylines-0-author").count() == 0
    other.get_by_role("button", name="Publish now").click()
    expect(other.get_by_text(NEEDS_BYLINE)).to_be_visible()
    assert not Article.objects.filter(slug="ferry-timetable-changes").exists()
    other.fill("#id_byline", "Coast Wire")
    other.get_by_role("button", name="Publish now").click()
    assert "Published" in messages(other)
    assert Article.objects.get(slug="ferry-timetable-changes").byline_text == "Coast Wire"


# 5. An Author's read-only view reads like the story.
def test_a_read_only_view_shows_the_body_as_readers_read_it(page, live_server, make_article, roles):
    author = named("al", "Authors", "Al", "Dunn")
    story = make_article(
        author=author, body="<p>The <strong>wall</strong> holds, the council says.</p>"
    )
    log_in_by_cookie(page, author, live_server)
    page.goto(change_url(story))
    body = page.locator(".field-body_as_read .readonly")
    assert body.locator("strong").inner_text() == "wall"
    assert "<p>" not in body.inner_text()
    assert page.locator("#article_form .help").count() == 0


# 6. The change list finds stories by byline and section, and reads at 1280 px.
def test_the_change_list_finds_stories_the_way_editors_name_them(
    page, live_server, make_article, make_tag, roles
):
    stories = make_newspaper(make_article, make_tag)
    log_in_by_cookie(page, named("eve", "Editors", "Eve", "Stone"), live_server)
    page.goto(reverse("admin:articles_article_changelist"))
    sidebar_open(page)
    layout = page.evaluate(
        """() => {
            const cell = [...document.querySelectorAll('#result_list .field-headline')]
                .sort((a, b) => b.textContent.length - a.textContent.length)[0];
            const lines = cell.querySelector('a').getClientRects().length;
            const last = document.querySelector('#result_list thead th:last-child');
            return {lines, lastRight: last.getBoundingClientRect().right,
                    width: document.documentElement.clientWidth};
        }"""
    )
    assert layout["lines"] <= 2, layout
    assert layout["lastRight"] <= layout["width"], layout

    ann_stories = {stories[key].headline for key in ("rail", "ferry", "bridge", "tram")}
    page.fill("#searchbar", "Ann Reed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert set(page.locator("#result_list .field-headline").all_inner_texts()) == ann_stories
    page.goto(reverse("admin:articles_article_changelist"))
    with page.expect_navigation():
        page.locator("#changelist-filter").get_by_role("link", name="Ann Reed").click()
    assert set(page.locator("#result_list .field-headline").all_inner_texts()) == ann_stories
    with page.expect_navigation():
        page.locator('#changelist-filter a[href*="section=sport"]').click()
    assert page.locator("#result_list").count() == 0  # Ann writes no sport
    page.goto(reverse("admin:articles_article_changelist"))
    with page.expect_navigation():
        page.locator('#changelist-filter a[href*="section=sport"]').click()
    titles = page.locator("#result_list .field-headline").all_inner_texts()
    assert stories["cup"].headline in titles
    assert stories["rail"].headline not in titles


def drawable(page, selector) -> list[str]:
    """The characters CSS puts before or after `selector`'s elements that no font on
    this machine draws: each is drawn on a canvas and compared with a character no
    font has (a missing-glyph box)."""
    return page.evaluate(
        """selector => {
            const draw = (text, font) => {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = 40;
                const ctx = canvas.getContext('2d');
                ctx.font = font;
                ctx.fillText(text, 5, 30);
                return canvas.toDataURL();
            };
            const missing = [];
            for (const el of document.querySelectorAll(selector)) {
                for (const pseudo of ['::before', '::after']) {
                    const style = getComputedStyle(el, pseudo);
                    const text = style.content.replace(/^"|"$/g, '');
                    if (['', 'none', 'normal'].includes(text)) continue;
                    const font = `${style.fontSize} ${style.fontFamily}`;
                    const box = draw(String.fromCodePoint(0x10FFFD), font);
                    for (const char of text) if (draw(char, font) === box) missing.push(char);
                }
            }
            return missing;
        }""",
        selector,
    )


# 7. The rough edges.
def test_the_rough_edges_are_gone(new_page, live_server, newsroom, make_article):
    story, eve = newsroom["story"], newsroom["eve"]
    page = new_page()
    log_in_by_cookie(page, eve, live_server)

    # The publication's name, not Django's.
    page.goto(reverse("admin:index"))
    assert f"{settings.SITE_NAME} desk" in page.title()
    assert page.locator("#site-name").inner_text() == f"{settings.SITE_NAME} desk"

    # No missing-glyph box in the editor's toolbar.
    page.goto(reverse("admin:articles_article_add"))
    page.locator(EDITOR).wait_for()
    assert drawable(page, ".prose-menubar *") == []

    # Restore on a live story asks what kind of change it is.
    page.goto(reverse("admin:articles_article_history", args=[story.pk]))
    page.get_by_role("button", name="Restore this version").last.click()
    assert page.get_by_text("What kind of change is it?").is_visible()
    page.get_by_label("Minor fix", exact=False).check()
    page.get_by_role("button", name="Restore", exact=True).click()
    assert "Restored the revision of" in messages(page)

    # One click on "Publish pending change", one History entry.
    pending.save_pending(story, by=eve, fields={"standfirst": "Prepared."})
    before = history.revisions_of(story).count()
    page.goto(change_url(story))
    page.get_by_role("button", name="Publish pending change").click()
    assert "the pending change is live" in messages(page)
    assert history.revisions_of(story).count() == before + 1

    # A trashed story is restored from its own page.
    gone = make_article(headline="Pier closes for the winter")
    trash.trash(gone, eve)
    page.goto(change_url(gone))
    page.get_by_role("button", name="Restore from the trash").click()
    assert "is back from the trash, as a draft." in messages(page)
    assert Article.objects.get(pk=gone.pk).trashed_at is None
