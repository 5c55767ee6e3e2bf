"""import_articles and export_articles end to end."""

import json
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import connection

from articles.models import Article, Tag
from ingest.importers.saving import _BatchSaver

from .helpers import DATA

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def test_jsonl_import_summary_and_exit_on_rejections(tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="7 record\\(s\\) rejected"):
        call_command(
            "import_articles", str(DATA / "articles.jsonl"), "--rejects", str(rejects),
            stdout=out, stderr=err,
        )  # fmt: skip
    assert "4 created, 0 updated, 0 unchanged, 7 rejected" in out.getvalue()
    assert "2 date(s) without a time zone read as Europe/London" in out.getvalue()
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in rows] == [
        (5, "import_ref"), (6, "published_at"), (7, "colour"), (8, "headline"),
        (10, ""), (11, "status"), (12, "headline"),
    ]  # fmt: skip
    assert rows[0]["raw"]["headline"] == "A second record with the first one's id"
    assert rows[0]["file"].endswith("articles.jsonl")
    assert Article.objects.count() == 4
    ferry = Article.objects.get(import_ref="desk:1")
    assert ferry.status == "published" and "<script>" not in ferry.body
    assert sorted(ferry.tags.values_list("name", flat=True)) == ["Local", "Transport"]


def run_with_rejects(*args):
    """Run a file that has bad records: the command exits non-zero; return its summary."""
    out = StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_generates_missing_summaries_after_storing(tmp_path):
    path = tmp_path / "stories.jsonl"
    records = [
        {
            "import_ref": f"s:{n}",
            "headline": f"Story {n}",
            "status": "published",
            "body": f"<p>The ferry {n} sailed at dawn. Crowds watched from the pier.</p>",
        }
        for n in range(3)
    ] + [{"import_ref": "s:own", "headline": "Own", "body": "<p>Body.</p>", "summary": "Ours."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))  # fmt: skip
    run(path)
    generated = Article.objects.filter(summary_generated=True).order_by("import_ref")
    assert [a.summary for a in generated] == [
        f"The ferry {n} sailed at dawn. Crowds watched from the pier." for n in range(3)
    ]
    assert Article.objects.get(import_ref="s:own").summary == "Ours."
    assert "0 created, 0 updated, 4 unchanged" in run(path)


def test_deferred_summaries_wait_for_the_backfill(tmp_path):
    path = tmp_path / "stories.jsonl"
    path.write_text(json.dumps({"headline": "Ferry", "body": "<p>It sailed. At dawn.</p>"}))
    run(path, "--defer-summaries")
    assert Article.objects.get().summary == ""
    call_command("summarize_articles", stdout=StringIO())
    assert Article.objects.get().summary == "It sailed. At dawn."


def test_second_run_reports_everything_unchanged():
    assert "4 created, 0 updated, 0 unchanged, 7 rejected" in run_with_rejects(
        DATA / "articles.jsonl"
    )
    assert "0 created, 0 updated, 4 unchanged, 7 rejected" in run_with_rejects(
        DATA / "articles.jsonl"
    )
    assert Article.objects.count() == 4


def test_dry_run_writes_nothing_but_counts():
    out = run_with_rejects(DATA / "articles.csv", "--dry-run")
    assert (
        "Dry run (nothing written): would have 3 created, 0 updated, 0 unchanged, 1 rejected" in out
    )
    assert not Article.objects.exists() and not Tag.objects.exists()


def test_csv_import_maps_columns_and_tag_separator():
    run_with_rejects(DATA / "articles.csv", "--status", "published")
    festival = Article.objects.get(import_ref="csv:1")
    assert festival.headline == "Harbour festival returns, bigger"
    assert '"weather permitting"' in festival.body
    assert sorted(festival.tags.values_list("name", flat=True)) == ["Culture", "Local"]
    assert Article.objects.get(import_ref="csv:2").status == "published"  # from --status
    assert Article.objects.get(import_ref="csv:4").status == "draft"  # its own


def test_missing_file_is_an_error_before_anything_is_written(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        run(DATA / "articles.jsonl", tmp_path / "nope.jsonl")
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("unknown_column.csv", (), "unknown column"),
        ("articles.csv", ("--format", "jsonl"), "not JSON Lines"),
        ("not_a_feed.html", (), "no feed or WXR"),
        ("feed_entities.xml", (), "refused"),
        ("export_truncated.wxr.xml", (), "ill-formed XML at line"),
        ("feed_rss2.xml", ("--format", "wxr"), "not a WXR export"),
    ],
)
def test_unreadable_documents_are_clear_errors(name, args, message):
    with pytest.raises(CommandError, match=message) as error:
        run(DATA / name, *args)
    assert "Nothing was written" in str(error.value)
    assert not Article.objects.exists()


def test_format_is_guessed_from_content():
    run(DATA / "old_wxr_1_0_latin1.xml")
    assert Article.objects.get().headline == "Café crawl – part one"


def test_round_trip_export_then_import_into_empty_database(tmp_path, make_article, make_tag):
    make_article(headline="Published one", tags=["Politics", "Local"], summary="An editor's.")
    make_article(headline="Draft one", status="draft", source_url="https://src.example/1")
    make_article(headline="Scheduled", published_at=make_article().published_at.replace(year=2099))
    imported = make_article(headline="Came from elsewhere")
    Article.objects.filter(pk=imported.pk).update(import_ref="wxr:site:9")
    make_tag("Unused")
    first = tmp_path / "first.jsonl"
    call_command("export_articles", "--output", str(first), stdout=StringIO())

    def snapshot():
        return sorted(
            (a.slug, a.headline, a.standfirst, a.summary, a.summary_generated, a.body,
             a.byline, a.source_name, a.source_url, a.status, a.published_at,
             tuple(sorted(a.tags.values_list("name", flat=True))))
            for a in Article.objects.all()
        )  # fmt: skip

    before = snapshot()
    Article.objects.all().delete()
    Tag.objects.all().delete()
    out = run(first)
    assert "5 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert snapshot() == before
    second = tmp_path / "second.jsonl"
    call_command("export_articles", "--output", str(second), stdout=StringIO())

    def without_times(path):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        return [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in rows]

    assert without_times(second) == without_times(first)
    assert "0 created, 0 updated, 5 unchanged" in run(second)


def test_export_writes_every_status_to_stdout(make_article):
    make_article(headline="Live")
    make_article(headline="Hidden", status="draft")
    out = StringIO()
    call_command("export_articles", stdout=out, stderr=StringIO())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["headline"]: r["status"] for r in rows} == {"Live": "published", "Hidden": "draft"}
    assert set(rows[0]) >= {"import_ref", "slug", "tags", "published_at", "summary_generated"}


def test_wxr_import_counts_skipped_items_and_reads_local_dates_in_site_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"
    out = run_with_rejects(DATA / "export.wxr.xml")
    assert "6 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "not imported: 1 attachment, 1 page, 1 trash post" in out
    assert "1 date(s) without a time zone read as Europe/Paris" in out
    public = set(Article.objects.published().values_list("import_ref", flat=True))
    assert public == {
        "wxr:marsh.example.com/news:101",
        "wxr:marsh.example.com/news:107",  # untitled: its headline made from the text
    }  # drafts, private, protected, scheduled hidden
    scheduled = Article.objects.get(import_ref="wxr:marsh.example.com/news:104")
    assert scheduled.is_scheduled()
    zero_date = Article.objects.get(import_ref="wxr:marsh.example.com/news:102")
    assert zero_date.published_at.isoformat() == "2025-07-01T07:00:00+00:00"  # 09:00 in Paris
    assert "0 created, 0 updated, 6 unchanged" in run_with_rejects(DATA / "export.wxr.xml")


def test_feed_import_then_rerun_changes_nothing():
    out = run_with_rejects(DATA / "feed_rss2.xml", "--status", "published")
    # the repeated guid is the later record rejected, as for any format
    assert "3 created, 0 updated, 0 unchanged, 2 rejected" in out
    bridge = Article.objects.get(import_ref="courier-1001")
    assert bridge.status == "published" and "onclick" not in bridge.body
    assert "3 unchanged" in run_with_rejects(DATA / "feed_rss2.xml")


def test_error_mid_stream_says_how_much_was_committed(tmp_path):
    path = tmp_path / "broken.csv"
    # Past the first 64 KB, which is checked before anything is written.
    rows = "".join(f"r:{n},Story number {n},<p>A body of some length.</p>\n" for n in range(2000))
    path.write_bytes(b"import_ref,headline,body\n" + rows.encode() + b"r:x,Caf\xe9,<p>x</p>\n")
    with pytest.raises(CommandError) as error:
        run(path, "--batch-size", "500")
    # the records before the bad line that did not fill a batch are not written:
    # the import stops at its last committed batch, and says so
    assert "broken.csv: not UTF-8 at line 2002" in str(error.value)
    assert "4 batches (2000 articles written) were committed before it" in str(error.value)
    assert Article.objects.count() == 2000


def test_progress_is_quiet_when_not_a_terminal(tmp_path):
    """Cron mail and CI logs get the summary line only."""
    path = tmp_path / "feed.jsonl"
    path.write_text('{"import_ref": "q:1", "headline": "A", "body": "<p>b</p>"}\n')
    err = StringIO()
    call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_progress_bar_on_a_terminal():
    from ingest.importers.progress import Progress

    class Terminal(StringIO):
        def isatty(self):
            return True

    err = Terminal()
    progress = Progress(OutputWrapper(err), "big.jsonl", total=1000)
    progress.update(250, 1000, final=True)
    bar = err.getvalue().split("\r")[-1]
    assert bar.startswith("big.jsonl: 100%")
    assert "1.00k/1.00k" in bar and "250 records" in bar and bar.endswith("\n")

    err = Terminal()
    progress = Progress(OutputWrapper(err), "summaries", total=40, unit=" articles")
    progress.update(10, 10, final=True)
    assert err.getvalue().split("\r")[-1].startswith("summaries:  25%")


@pytest.mark.django_db(transaction=True)
def test_batches_written_on_the_writer_thread_with_worker_processes(tmp_path, monkeypatch):
    """Outside a transaction the import overlaps its stages (importers/pipeline.py)."""
    threads = set()
    save = _BatchSaver.save

    def recording_save(self, *args):
        threads.add(threading.current_thread().name)
        save(self, *args)

    monkeypatch.setattr(_BatchSaver, "save", recording_save)
    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "import_ref": f"m:{n}",
                    "headline": f"Story {n}",
                    "tags": [f"T{n % 3}"],
                    "body": f"<p onclick='x()'>Story {n} opens. It closes.</p>",
                }
            )
            + "\n"
            for n in range(30)
        )  # fmt: skip
    )
    out = run(path, "--batch-size", "4", "--workers", "2")
    assert "30 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert Article.objects.count() == 30 and Tag.objects.count() == 3
    story = Article.objects.get(import_ref="m:7")
    assert story.body == "<p>Story 7 opens. It closes.</p>" and story.summary_generated
    assert "0 created, 0 updated, 30 unchanged" in run(path, "--batch-size", "4")
    # SQLite writes on the reading thread (one writer at a time; see pipeline.py).
    writer = "import-writer" if connection.vendor == "postgresql" else "MainThread"
    assert {name.split("_")[0] for name in threads} == {writer}
