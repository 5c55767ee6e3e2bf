"""The one save path: outcomes, idempotency, slugs, tags, preparation."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from articles.models import Article, ImportRun, Tag
from editorial.backfill import batches_by_id, fill_summaries
from ingest.importers.records import ImportedArticle, Rejection
from ingest.importers.saving import save_articles

pytestmark = pytest.mark.django_db


def record(n, **fields):
    values = {
        "record": n,
        "import_ref": f"t:{n}",
        "headline": f"Story {n}",
        "body": f"<p>Body {n}. Second sentence.</p>",
        "published_at": datetime(2025, 1, n, 12, tzinfo=UTC),
        **fields,
    }
    return ImportedArticle(**values)


def test_four_outcomes_each_record_counted_once():
    save_articles([record(1), record(2)])
    rejected = []
    result = save_articles(
        [record(1), record(2, headline="Story 2, corrected"), record(3), record(4, headline=" ")],
        on_reject=rejected.append,
    )
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 1, 1, 1)
    assert Article.objects.get(import_ref="t:2").headline == "Story 2, corrected"
    assert rejected[0].field == "headline" and rejected[0].record == 4


def test_a_full_batch_of_updates_fits_in_the_database_parameters():
    # Updating 1,600 articles in one batch of the default size spells more values
    # than one PostgreSQL statement may carry; the update is split, not refused.
    def items(headline):
        return [
            ImportedArticle(
                record=n, import_ref=f"t:{n}", headline=f"{headline} {n}", body="<p>x</p>"
            )
            for n in range(1, 1601)
        ]

    save_articles(items("Story"))
    result = save_articles(items("Corrected story"))
    assert (result.updated, result.batches_committed) == (1600, 1)
    assert Article.objects.filter(headline__startswith="Corrected story").count() == 1600


def test_second_run_writes_nothing():
    items = [record(n, tags=["Local", "Weather"]) for n in range(1, 8)]
    first = save_articles(items, batch_size=3)
    before = {a.pk: a.updated_at for a in Article.objects.all()}
    second = save_articles(items, batch_size=3)
    assert (first.created, first.batches_committed) == (7, 3)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert {a.pk: a.updated_at for a in Article.objects.all()} == before


def test_unchanged_record_costs_no_writes(django_assert_max_num_queries):
    save_articles([record(1, tags=["Local"])])
    # look up articles + their tags + tags by name; on PostgreSQL also the batch's
    # settings and their end; the run's record, started and finished; no other writes
    with django_assert_max_num_queries(9) as captured:
        save_articles([record(1, tags=["Local"])])
    run_table = ImportRun._meta.db_table.upper()
    sql = " ".join(
        q["sql"] for q in captured.captured_queries if run_table not in q["sql"].upper()
    ).upper()
    assert "INSERT" not in sql and "UPDATE" not in sql and "DELETE" not in sql


def test_a_batch_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    items = [record(n % 28 + 1, import_ref=f"q:{n}", tags=[f"T{n % 5}"]) for n in range(200)]
    # 14: the new articles' insert runs in a savepoint (two statements), so a slug
    # taken by a concurrent save can be chosen again (test_slug_races.py); three
    # more for the batch's revision (the revision, the content type, its versions);
    # two once per import that wrote enough rows: the table's size and ANALYZE
    with django_assert_max_num_queries(19):
        save_articles(items, batch_size=200)
    assert Article.objects.count() == 200


def test_changed_tags_make_an_update():
    save_articles([record(1, tags=["Local"])])
    result = save_articles([record(1, tags=["Local", "Sport"])])
    assert result.updated == 1
    assert sorted(Article.objects.get().tags.values_list("name", flat=True)) == ["Local", "Sport"]


def test_tags_match_existing_ones_by_name_regardless_of_case(make_tag):
    politics = make_tag("Politics")
    save_articles([record(1, tags=["politics", " POLITICS "])])
    assert list(Article.objects.get().tags.all()) == [politics]
    assert Tag.objects.count() == 1


def test_body_is_sanitized_and_summary_left_to_the_backfill():
    result = save_articles(
        [record(1, body='<p onclick="x()">Safe text. More.</p><script>evil()</script>')]
    )
    article = Article.objects.get()
    assert article.body == "<p>Safe text. More.</p>"
    assert article.body_text == "Safe text. More."
    assert (article.summary, article.summary_generated) == ("", False)
    assert result.unsummarized == [article.pk]
    assert fill_summaries(batches_by_id(result.unsummarized), workers=1) == (1, 1)
    article.refresh_from_db()
    assert article.summary == "Safe text. More." and article.summary_generated


def test_generated_summary_survives_a_rerun_and_follows_a_new_body():
    first = save_articles([record(1)])
    fill_summaries(batches_by_id(first.unsummarized), workers=1)
    again = save_articles([record(1)])
    assert (again.unchanged, again.unsummarized) == (1, [])
    assert Article.objects.get().summary == "Body 1. Second sentence."

    rewritten = save_articles([record(1, body="<p>A new body. With news.</p>")])
    assert rewritten.updated == 1 and len(rewritten.unsummarized) == 1
    assert Article.objects.get().summary == ""  # the old one no longer fits: pending
    fill_summaries(batches_by_id(rewritten.unsummarized), workers=1)
    assert Article.objects.get().summary == "A new body. With news."


def test_summary_from_the_source_is_kept_and_never_pending():
    result = save_articles([record(1, summary="The desk's own words.")])
    article = Article.objects.get()
    assert (article.summary, article.summary_generated) == ("The desk's own words.", False)
    assert result.unsummarized == []


def test_slugs_stay_stable_and_collisions_get_a_suffix(make_article):
    make_article(headline="Council votes", slug="council-votes")
    result = save_articles(
        [record(1, headline="Council votes"), record(2, headline="Council votes")]
    )
    assert result.created == 2
    slugs = sorted(
        Article.objects.filter(import_ref__startswith="t:").values_list("slug", flat=True)
    )
    assert slugs == ["council-votes-2", "council-votes-3"]
    save_articles([record(1, headline="Council votes again")])
    assert Article.objects.get(import_ref="t:1").slug in slugs  # renamed, same address


def test_duplicate_import_ref_in_one_run_rejects_the_later_record():
    rejected: list[Rejection] = []
    result = save_articles([record(1), record(1, headline="Other")], on_reject=rejected.append)
    assert (result.created, result.rejected) == (1, 1)
    assert Article.objects.get().headline == "Story 1"
    assert "duplicate import_ref" in rejected[0].reason


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", "x" * 301),
        ("byline", "x" * 201),
        ("source_url", "not a url"),
        ("summary", "x" * 401),
        ("status", "live"),
        ("tags", ["x" * 101]),
        ("slug", "not a slug!"),
    ],
)
def test_invalid_fields_are_rejected(field, value):
    rejected = []
    result = save_articles([record(1, **{field: value})], on_reject=rejected.append)
    assert result.rejected == 1 and rejected[0].field == field
    assert not Article.objects.exists()


def test_naive_dates_read_in_site_zone_and_counted(settings):
    settings.TIME_ZONE = "America/New_York"
    result = save_articles([record(1, published_at=datetime(2025, 7, 1, 9, 0))])
    assert result.naive_dates == 1
    assert Article.objects.get().published_at == datetime(2025, 7, 1, 13, 0, tzinfo=UTC)


def test_missing_status_and_date_default_for_new_and_keep_for_existing():
    save_articles([record(1, status="published")])
    original = Article.objects.get()
    result = save_articles([record(1, status=None, published_at=None)])
    assert result.unchanged == 1
    created = save_articles([record(2, published_at=None)], default_status="published")
    assert created.created == 1
    new = Article.objects.get(import_ref="t:2")
    assert new.status == "published" and new.published_at > original.published_at


def test_native_ref_matches_article_written_on_the_site(make_article):
    article = make_article(headline="Written here", slug="written-here")
    result = save_articles(
        [
            record(
                1,
                import_ref="newsroom:written-here",
                headline="Written here",
                body=article.body,
                status="published",
                published_at=article.published_at,
            )
        ]
    )
    assert (result.created, result.unchanged) == (0, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_early_batches_give_the_planner_statistics_for_the_look_ups():
    def analyzed_columns():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_stats WHERE tablename = 'articles_article'"
                " AND attname IN ('import_ref', 'slug') ORDER BY attname"
            )
            return [row[0] for row in cursor.fetchall()]

    assert analyzed_columns() == []  # a new site's table: the planner would guess
    save_articles([record(1), record(2), record(3)], batch_size=1)  # analyzed with rows
    assert analyzed_columns() == ["import_ref", "slug"]
