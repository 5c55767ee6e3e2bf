"""The backfill and evaluation commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from editorial.backfill import batches_of, fill_summaries

pytestmark = pytest.mark.django_db

BODY = "<p>The council voted on Tuesday to rebuild the harbour wall.</p>"


@pytest.fixture
def backlog(make_article):
    """An empty summary, a stale generated one and an editor's, as a backfill finds them."""
    empty = make_article(body=BODY)
    stale = make_article(body=BODY)
    written = make_article(body=BODY, summary="Words from the desk.")
    Article.objects.filter(pk=empty.pk).update(summary="", summary_generated=False)
    Article.objects.filter(pk=stale.pk).update(summary="Old generated words.")
    return empty, stale, written


def summaries():
    return list(Article.objects.order_by("pk").values_list("summary", "summary_generated"))


def run(*args):
    out = StringIO()
    call_command("summarize_articles", *args, stdout=out)
    return out.getvalue()


GENERATED = ("The council voted on Tuesday to rebuild the harbour wall.", True)


def test_missing_fills_only_empty_summaries(backlog):
    output = run("--missing")
    assert "Summaries: 1 changed, 0 unchanged." in output
    assert summaries() == [
        GENERATED,
        ("Old generated words.", True),
        ("Words from the desk.", False),
    ]


def test_missing_is_the_default(backlog):
    assert "Summaries: 1 changed" in run()


def test_all_rebuilds_generated_but_never_editors(backlog):
    output = run("--all")
    assert "2/2 examined" in output
    assert "Summaries: 2 changed, 0 unchanged." in output
    assert summaries() == [GENERATED, GENERATED, ("Words from the desk.", False)]
    assert "Summaries: 0 changed, 2 unchanged." in run("--all")


def test_dry_run_counts_but_writes_nothing(backlog):
    before = summaries()
    output = run("--all", "--dry-run")
    assert "Summaries: 2 would change, 0 unchanged." in output
    assert summaries() == before


def test_backfill_drops_cached_pages_but_dry_run_does_not(backlog, client, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    url = backlog[0].get_absolute_url()
    client.get(url)
    run("--dry-run")
    assert client.get(url)["X-Page-Cache"] == "hit"
    run()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_batches_cover_every_article(make_article):
    for _ in range(5):
        make_article(body=BODY)
    Article.objects.update(summary="")
    output = run("--batch-size", "2")
    assert "2/5 examined" in output
    assert "Summaries: 5 changed" in output
    assert not Article.objects.filter(summary="").exists()


def test_missing_and_all_exclude_each_other(db):
    with pytest.raises(CommandError):
        call_command("summarize_articles", "--missing", "--all")


ARTICLE = (
    "Council backs harbour wall\n\n"
    "The council voted on Tuesday to rebuild the harbour wall. "
    "The vote was close. Fishing crews said the harbour wall had crumbled for years.\n\n"
    "Work on the harbour wall starts in spring. A band played."
)


def test_evaluate_summaries_prints_both_systems(tmp_path):
    path = tmp_path / "pairs.jsonl"
    reference = "The council voted on Tuesday to rebuild the harbour wall."
    path.write_text(json.dumps({"article": ARTICLE, "summary": reference}) + "\n" * 2)
    out = StringIO()
    call_command("evaluate_summaries", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "1 articles, 35 words on average"
    assert lines[1].split() == ["ours", "Lead-3"]
    rows = {line[:12].strip(): line[12:].split() for line in lines[2:5]}
    assert set(rows) == {"ROUGE-1 F1", "ROUGE-2 F1", "ROUGE-L F1"}
    for ours, lead in rows.values():
        assert 0 < float(ours) <= 1
        assert 0 < float(lead) <= 1
    assert "articles/s" in lines[5]


def test_evaluate_summaries_limit_and_errors(tmp_path):
    path = tmp_path / "pairs.jsonl"
    record = json.dumps({"article": ARTICLE, "summary": "The vote was close."})
    path.write_text(f"{record}\n{record}\n")
    out = StringIO()
    call_command("evaluate_summaries", str(path), "--limit", "1", stdout=out)
    assert out.getvalue().startswith("1 articles")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("evaluate_summaries", str(tmp_path / "missing.jsonl"))
    path.write_text('{"text": "no summary key"}\n')
    with pytest.raises(CommandError, match="line 1"):
        call_command("evaluate_summaries", str(path))


def test_worker_processes_give_the_same_summaries_as_one_process(make_article):
    bodies = [f"<p>Story {n} begins here. It goes on for a while. It ends.</p>" for n in range(30)]
    articles = [make_article(body=body) for body in bodies]
    Article.objects.update(summary="", summary_generated=False)
    assert fill_summaries(batches_of(Article.objects.all(), 7), workers=2) == (30, 30)
    in_pool = summaries()
    Article.objects.update(summary="", summary_generated=False)
    assert fill_summaries(batches_of(Article.objects.all(), 7), workers=1) == (30, 30)
    assert summaries() == in_pool and len(in_pool) == len(articles)
    assert all(text.startswith("Story") and generated for text, generated in in_pool)
