"""Changes to a live story: minor fixes, updates, corrections and clarifications, on
the article page, its JSON-LD, the feeds and /corrections/ (with its feeds)."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.models.correction import Correction
from editorial import publishing
from tests.desk_client import change_url, form_data, reload
from tests.reader.test_metadata import head

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def json_ld(client, article):
    [script] = head(client, article.get_absolute_url()).json_ld
    return json.loads(script)


def atom_updated(client, article):
    feed = feedparser.parse(client.get(reverse("articles:feed_atom")).content)
    [entry] = [e for e in feed.entries if e.link == SITE + article.get_absolute_url()]
    return entry.updated


def correct(article, editor, note="The bridge opened in 1932, not 1923.", kind="correction"):
    article = reload(article)
    article.body += "<p>It opened in 1932.</p>"
    publishing.save_change(article, by=editor, kind=kind, note=note)
    return reload(article)


def test_a_minor_fix_moves_nothing_readers_see(client, make_article, editor):
    story = make_article()
    before = (json_ld(client, story)["dateModified"], atom_updated(client, story))
    story.headline = "Bridge reopens after repairs"
    publishing.save_change(story, by=editor, kind="minor")
    story = reload(story)
    assert story.modified_at is None and story.updated_at > story.published_at
    assert (json_ld(client, story)["dateModified"], atom_updated(client, story)) == before
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Updated" not in page and 'class="corrections"' not in page
    assert "correction" not in json_ld(client, story)
    assert not LogEntry.objects.exists()  # the admin records the fields; nothing more to say


def test_an_update_shows_updated_and_moves_date_modified(client, make_article, editor):
    story = make_article()
    publishing.save_change(story, by=editor, kind="update")
    story = reload(story)
    assert story.modified_at > story.published_at
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Updated <time datetime=" in page
    assert json_ld(client, story)["dateModified"] == story.modified_at.isoformat()
    assert (
        feedparser.parse(client.get(reverse("articles:feed_atom")).content)
        .entries[0]
        .updated_parsed[:6]
        == story.modified_at.utctimetuple()[:6]
    )
    assert "correction" not in json_ld(client, story)


def test_a_correction_is_published_under_the_story_and_in_json_ld(client, make_article, editor):
    story = correct(make_article(headline="Bridge reopens"), editor)
    [correction] = Correction.objects.all()
    assert (correction.kind, correction.created_by) == ("correction", editor)
    assert story.modified_at == correction.published_at

    page = client.get(story.get_absolute_url()).content.decode()
    box = page[page.index('<aside class="corrections"') :]
    box = box[: box.index("</aside>")]
    assert "The bridge opened in 1932, not 1923." in box and "Correction" in box
    assert page.index("It opened in 1932.") < page.index('<aside class="corrections"')

    data = json_ld(client, story)
    assert data["dateModified"] == story.modified_at.isoformat()
    assert data["correction"] == {
        "@type": "CorrectionComment",
        "name": "Correction",
        "text": "The bridge opened in 1932, not 1923.",
        "datePublished": correction.published_at.isoformat(),
    }
    assert LogEntry.objects.get().change_message == (
        "Correction published: The bridge opened in 1932, not 1923."
    )


def test_several_notes_are_a_list_in_json_ld_oldest_first(client, make_article, editor):
    story = correct(make_article(), editor, note="First note.")
    story = correct(story, editor, note="Second note.", kind="clarification")
    notes = json_ld(client, story)["correction"]
    assert [(n["name"], n["text"]) for n in notes] == [
        ("Correction", "First note."),
        ("Clarification", "Second note."),
    ]


def test_a_correction_needs_a_note(make_article, editor):
    story = make_article()
    with pytest.raises(ValidationError) as refused:
        publishing.save_change(story, by=editor, kind="correction", note="  ")
    assert "change_note" in refused.value.message_dict
    assert not Correction.objects.exists() and reload(story).modified_at is None


def test_the_change_form_asks_the_kind_of_change_of_a_live_story(client, make_article, editor):
    story = make_article()
    client.force_login(editor)
    response = client.post(
        change_url(story), {**form_data(story), "change_kind": "correction", "_save": "1"}
    )
    assert response.status_code == 200
    assert "A correction needs a note for readers." in response.content.decode()
    data = {**form_data(story), "change_kind": "clarification", "change_note": "Ages given."}
    assert client.post(change_url(story), {**data, "_save": "1"}).status_code == 302
    assert Correction.objects.get().note == "Ages given."
    draft = make_article(status="draft")
    assert 'name="change_kind"' not in client.get(change_url(draft)).content.decode()


# /corrections/ ------------------------------------------------------------------------


def test_corrections_page_lists_notes_newest_first_linking_their_stories(
    client, make_article, editor
):
    first = correct(make_article(headline="Bridge reopens"), editor, note="Older note.")
    second = correct(make_article(headline="Ferry returns"), editor, note="Newer note.")
    page = client.get(reverse("articles:corrections")).content.decode()
    assert page.index("Newer note.") < page.index("Older note.")
    for story in (first, second):
        note = story.corrections.get()
        assert f'href="{story.get_absolute_url()}#correction-{note.pk}"' in page
    assert 'id="correction-' in client.get(first.get_absolute_url()).content.decode()


def test_corrections_of_unpublished_articles_are_not_shown(client, make_article, editor):
    story = correct(make_article(headline="Bridge reopens"), editor, note="Gone with it.")
    publishing.unpublish(story, by=editor)
    assert "Gone with it." not in client.get(reverse("articles:corrections")).content.decode()
    for route in ("articles:corrections_feed", "articles:corrections_feed_atom"):
        assert "Gone with it." not in client.get(reverse(route)).content.decode()


def test_corrections_page_has_20_a_page(client, make_article, editor):
    story = make_article()
    now = timezone.now()
    Correction.objects.bulk_create(
        Correction(article=story, kind="correction", note=f"Note {n}.", published_at=now)
        for n in range(25)
    )
    first = client.get(reverse("articles:corrections"))
    assert len(first.context["corrections"]) == 20
    assert len(client.get(reverse("articles:corrections"), {"page": 2}).context["corrections"]) == 5


def test_corrections_feeds_list_each_note(client, make_article, editor):
    story = correct(make_article(headline="Bridge reopens"), editor)
    for route in ("articles:corrections_feed", "articles:corrections_feed_atom"):
        feed = feedparser.parse(client.get(reverse(route)).content)
        [entry] = feed.entries
        assert entry.title == "Correction: Bridge reopens"
        assert entry.link.startswith(SITE + story.get_absolute_url() + "#correction-")
        assert "1932, not 1923" in entry.summary


def test_corrections_are_discoverable(client, make_article):
    make_article()
    front = client.get("/").content.decode()
    assert f'href="{reverse("articles:corrections")}"' in front
    corrections = head(client, reverse("articles:corrections"))
    assert any(link.endswith("/corrections/feed/") for link in _alternates(corrections))
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert f"<loc>{SITE}/corrections/</loc>" in sitemap


def _alternates(parsed):
    return [link["href"] for link in parsed.links if link.get("rel") == "alternate"]


@pytest.mark.parametrize("rows", [5, 25])
def test_corrections_query_counts_are_fixed(
    client, make_article, editor, django_assert_num_queries, rows
):
    for n in range(rows):
        correct(make_article(), editor, note=f"Note {n}.")
    client.get(reverse("articles:corrections"))  # the header's sections, cached from then on
    with django_assert_num_queries(2):  # count, page of notes with their stories
        client.get(reverse("articles:corrections"))
    for route in ("articles:corrections_feed", "articles:corrections_feed_atom"):
        with django_assert_num_queries(1):
            client.get(reverse(route))
    story = Article.objects.first()
    correct(story, editor, note="And another.")
    with django_assert_num_queries(1):  # the article page: its notes ride along
        client.get(story.get_absolute_url())


# With the page cache on ------------------------------------------------------------------


def test_a_published_correction_shows_at_once_with_the_page_cache_on(
    client, make_article, editor, settings
):
    settings.PAGE_CACHE_TIMEOUT = 600
    story = make_article()
    urls = [story.get_absolute_url(), reverse("articles:corrections")]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    correct(story, editor, note="Shown at once.")
    for url in urls:
        assert "Shown at once." in client.get(url).content.decode()
    assert timezone.now() - reload(story).modified_at < timedelta(minutes=1)


def test_corrections_pages_are_cached_apart(client, make_article, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    story = make_article()
    now = timezone.now()
    Correction.objects.bulk_create(
        Correction(article=story, kind="correction", note=f"Note {n}.", published_at=now)
        for n in range(21)
    )
    url = reverse("articles:corrections")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first != second and "Page 2 of 2" in second
    assert client.get(url, {"page": 2})["X-Page-Cache"] == "hit"
