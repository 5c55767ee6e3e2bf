"""GET /api/v1/changes/?since=: what was published, updated or taken down, so a
partner can keep an exact copy."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import timezone

from api import schemas
from api.params import encode_cursor
from api.shapes import iso
from articles.models import Article, Removal
from editorial import publishing, trash
from editorial.backfill import write_summaries
from editorial.resanitize import write as write_body
from editorial.tags import merge_tags
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import save_articles

pytestmark = pytest.mark.django_db


def changes_url(since: datetime, **query) -> str:
    rest = "".join(f"&{name}={value}" for name, value in query.items())
    return f"/api/v1/changes/?since={quote(iso(since))}{rest}"


def published_record(n: int = 1, **fields) -> ImportedArticle:
    """A published record with a body, as an import reads it; `fields` change it."""
    return ImportedArticle(**{"record": n, "body": "<p>Text.</p>", "status": "published", **fields})


@pytest.fixture
def feed(api_get):
    """[(id, change)] since a time, oldest first, all pages followed."""

    def read(since: datetime, **query):
        entries, url = [], changes_url(since, **query)
        while url:
            response = api_get(url, schemas.Changes)
            assert response.status_code == 200, response.content
            body = response.json()
            entries += body["changes"]
            url = body["next"]
        return [(entry["id"], entry["change"]) for entry in entries]

    return read


@pytest.fixture
def draft(make_article):
    return make_article(headline="A story in the works", status=Article.Status.DRAFT)


def test_a_story_published_updated_and_taken_down(feed, clock, draft, editor):
    start = timezone.now()
    assert feed(start) == []  # a draft is nobody's business

    clock.offset += 10
    publishing.publish(draft, editor)
    assert feed(start) == [(draft.pk, "published")]

    clock.offset += 10
    edited = timezone.now()
    draft.body = "<p>More facts.</p>"
    publishing.save_change(draft, editor)
    assert feed(edited) == [(draft.pk, "updated")]
    assert feed(start) == [(draft.pk, "published")]  # new to a copy made before it

    clock.offset += 10
    pulled = timezone.now()
    publishing.unpublish(draft, editor)
    assert feed(pulled) == [(draft.pk, "removed")]
    assert feed(start) == [(draft.pk, "removed")]

    clock.offset += 10
    publishing.publish(draft, editor)  # back in its place: public before `pulled`, so an update
    assert feed(pulled) == [(draft.pk, "removed"), (draft.pk, "updated")]


def test_back_in_its_place_after_an_unpublish_is_an_update(feed, clock, make_article, editor):
    article = make_article()
    publishing.unpublish(article, editor)
    clock.offset += 10
    since = timezone.now()
    publishing.publish(article, editor)  # back at its old published_at
    assert feed(since) == [(article.pk, "updated")]


def test_the_entry_gives_the_story_and_its_time(api_get, clock, draft, editor):
    start = timezone.now()
    publishing.publish(draft, editor)
    body = api_get(changes_url(start), schemas.Changes).json()
    [entry] = body["changes"]
    draft.refresh_from_db()
    assert entry == {
        "id": draft.pk,
        "url": f"http://127.0.0.1:8000{draft.get_absolute_url()}",
        "api_url": f"http://127.0.0.1:8000/api/v1/articles/{draft.slug}/",
        "change": "published",
        "at": iso(draft.changed_at),
    }


def test_trashed_and_deleted_stories_are_removed(feed, clock, make_article, editor):
    trashed, deleted, draft = make_article(), make_article(), make_article(status="draft")
    deleted_id = deleted.pk
    clock.offset += 10
    since = timezone.now()
    trash.trash(trashed, editor)
    clock.offset += 1
    deleted.delete()
    draft.delete()  # never public: nothing to tell
    assert feed(since) == [(trashed.pk, "removed"), (deleted_id, "removed")]
    assert list(Removal.objects.values_list("reason", flat=True)) == ["trashed", "deleted"]


def test_emptying_the_trash_keeps_the_removal(feed, clock, make_article, editor):
    article = make_article()
    since = timezone.now()
    trash.trash(article, editor)
    Article.objects.filter(pk=article.pk).delete()
    assert feed(since) == [(article.pk, "removed")]


def test_a_removed_entry_keeps_the_address_the_story_had(api_get, make_article, editor):
    article = make_article(slug="pulled-story")
    since = timezone.now()
    publishing.unpublish(article, editor)
    [entry] = api_get(changes_url(since)).json()["changes"]
    assert entry["api_url"].endswith("/api/v1/articles/pulled-story/")


def test_rescheduling_a_live_story_takes_it_down_until_its_time(feed, clock, make_article, editor):
    article = make_article()
    since = timezone.now()
    clock.offset += 1
    publishing.schedule(article, editor, timezone.now() + timedelta(minutes=5))
    assert feed(since) == [(article.pk, "removed")]
    clock.offset += 6 * 60
    assert feed(since) == [(article.pk, "removed"), (article.pk, "updated")]


def test_a_scheduled_story_appears_when_its_time_comes(feed, clock, draft, editor):
    since = timezone.now()
    publishing.schedule(draft, editor, since + timedelta(minutes=5))
    assert feed(since) == []
    clock.offset += 5 * 60 + 1
    assert feed(since) == [(draft.pk, "published")]
    # at its publication time, not when it was scheduled: a copy made in between misses nothing
    assert feed(since + timedelta(minutes=4)) == [(draft.pk, "published")]


def test_bulk_writers_report_their_changes(feed, clock, make_article, make_tag):
    """Imports, summary backfills, resanitized bodies and tag merges write without
    save(); each moves the story in the feed."""
    imported = save_articles([
        published_record(headline="Wire story", import_ref="w:1",
             published_at=datetime(2020, 1, 1, tzinfo=UTC),
             updated_at=datetime(2020, 1, 2, tzinfo=UTC)),
    ])  # fmt: skip
    assert imported.created == 1
    wire = Article.objects.get(import_ref="w:1")
    summarized, cleaned, retagged = (make_article(tags=["old"]) for _ in range(3))
    make_tag("New")
    clock.offset += 10
    since = timezone.now()
    assert feed(since) == []

    summarized.summary, summarized.summary_generated = "A new summary.", True
    assert write_summaries([summarized]) == 1
    assert write_body(cleaned, "<p>Clean.</p>", "Clean.")
    merge_tags(make_tag("Old"), make_tag("New"))
    save_articles([
        published_record(headline="Wire story, updated", import_ref="w:1",
             published_at=datetime(2020, 1, 1, tzinfo=UTC)),
    ])  # fmt: skip
    assert sorted(feed(since)) == sorted(
        [(a.pk, "updated") for a in (summarized, cleaned, retagged, wire)]
    )


def test_a_save_of_some_fields_is_a_change_too(feed, clock, make_article):
    """As the image fetcher saves (update_fields): changed_at is written with them."""
    article = make_article()
    clock.offset += 10
    since = timezone.now()
    article.lead_image_alt = "A described picture"
    article.save(update_fields=["lead_image_alt"])
    assert feed(since) == [(article.pk, "updated")]


def test_an_import_of_old_stories_is_news_to_a_copy(feed, clock):
    """Imported with its source's dates, a story still changed now, when it was imported."""
    since = timezone.now()
    save_articles([
        published_record(headline="From the archive", import_ref="a:1",
             published_at=datetime(2001, 1, 1, tzinfo=UTC),
             updated_at=datetime(2001, 1, 2, tzinfo=UTC)),
    ])  # fmt: skip
    assert feed(since) == [(Article.objects.get().pk, "updated")]


def test_an_import_taking_a_story_down_is_a_removal(feed, clock):
    """Only with update_status does an import change a story's state (editorial.imports)."""
    record = {"headline": "Wire", "import_ref": "w:1"}
    save_articles([published_record(**record)])
    since = timezone.now()
    save_articles([published_record(**record, status="draft")])  # content only: unchanged
    assert feed(since) == []
    save_articles([published_record(**record, status="draft")], update_status=True)
    assert feed(since) == [(Article.objects.get().pk, "removed")]


def test_walking_the_pages_finds_each_change_once_in_order(
    api_get, feed, clock, make_article, editor
):
    """Stories written by one import batch share their time: the cursor's tie-break
    (kind, then row) keeps each on exactly one page."""
    since = timezone.now()
    save_articles(
        [published_record(n, headline=f"Story {n}", import_ref=f"b:{n}") for n in range(7)]
    )
    batch = list(Article.objects.order_by("pk"))
    assert len({a.changed_at for a in batch}) == 1
    publishing.unpublish(batch[0], editor)
    Removal.objects.update(removed_at=batch[1].changed_at)  # a removal at that same time
    expected = [(a.pk, "published") for a in batch[1:]] + [(batch[0].pk, "removed")]
    for limit in (1, 2, 3, 100):
        assert feed(since, limit=limit) == expected
    # oldest first
    stamps = [e["at"] for e in api_get(changes_url(since)).json()["changes"]]
    assert stamps == sorted(stamps)


def test_resume_reaches_back_over_changes_still_committing(api_get, clock, draft, editor):
    since = timezone.now() - timedelta(hours=1)
    body = api_get(changes_url(since)).json()
    # Nothing changed: pick up a minute before now (a change stamped then may commit late).
    resumed = datetime.fromisoformat(parse_qs(urlsplit(body["resume"]).query)["since"][0])
    minute_ago = timezone.now() - timedelta(minutes=1)
    assert minute_ago - timedelta(seconds=5) < resumed <= minute_ago

    publishing.publish(draft, editor)
    draft.refresh_from_db()
    body = api_get(changes_url(since)).json()
    resumed = datetime.fromisoformat(parse_qs(urlsplit(body["resume"]).query)["since"][0])
    assert resumed <= draft.changed_at  # the change just seen is seen again next time

    clock.offset += 10 * 60
    body = api_get(body["resume"]).json()
    assert [e["id"] for e in body["changes"]] == [draft.pk]  # the overlap
    resumed = datetime.fromisoformat(parse_qs(urlsplit(body["resume"]).query)["since"][0])
    assert resumed == draft.changed_at  # never before what was seen, once settled


def test_resume_never_goes_back_before_since(api_get, clock, db):
    since = timezone.now() + timedelta(days=1)
    body = api_get(changes_url(since)).json()
    assert parse_qs(urlsplit(body["resume"]).query)["since"][0] == iso(since)


@pytest.mark.parametrize("rows", [1, 25])
def test_query_count_is_fixed(api_get, make_article, editor, django_assert_num_queries, rows):
    since = timezone.now() - timedelta(hours=1)
    for n in range(rows):
        article = make_article()
        if n % 2:
            publishing.unpublish(article, editor)
    with django_assert_num_queries(3):  # published stories, removals, the archive's freshness
        assert api_get(changes_url(since, limit=10)).status_code == 200


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("", "since"),
        ("since=", "since"),
        ("since=yesterday", "since"),
        ("since=2026-12-01T08:00:00", "since"),  # no offset
        ("since=2026-12-01T08:00:00+01:00", "since"),  # + unescaped reads as a space
        ("since=2026-13-01T08:00:00Z", "since"),
        ("since=2026-12-01T08:00:00Z&limit=0", "limit"),
        ("since=2026-12-01T08:00:00Z&limit=1001", "limit"),
        ("since=2026-12-01T08:00:00Z&cursor=abc", "cursor"),
        ("since=2026-12-01T08:00:00Z&from=2026-12-01", "from"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(api_get, refused, db, query, parameter):
    refused(api_get(f"/api/v1/changes/?{query}"), parameter)


def test_a_plus_read_as_a_space_is_explained(api_get, db):
    detail = api_get("/api/v1/changes/?since=2026-12-01T08:00:00+01:00").json()["detail"]
    assert "%2B" in detail


def test_a_cursor_of_another_list_is_refused(api_get, refused, db):
    cursor = encode_cursor("articles", "2026-12-01T08:00:00+00:00", 4)
    refused(api_get(f"/api/v1/changes/?since=2026-12-01T08:00:00Z&cursor={cursor}"), "cursor")
