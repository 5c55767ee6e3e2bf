"""Bulk writers leave the planner's statistics current (ingest.planner)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from ingest import planner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics are PostgreSQL's"),
]


def analyzed_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_seed_demo_analyzes_the_content_tables():
    call_command("seed_demo", "--count", "5", stdout=StringIO())
    assert "published_at" in analyzed_columns("articles_article")
    assert "tag_id" in analyzed_columns("articles_article_tags")


def test_an_import_analyzes_what_it_changed(tmp_path):
    assert "published_at" not in analyzed_columns("articles_article")
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            f'{{"import_ref": "wire:{n}", "headline": "Wire story {n}", "body": "<p>Text.</p>",'
            f' "status": "published", "tags": ["Harbour"]}}\n'
            for n in range(planner.THRESHOLD_ROWS + 10)
        )
    )
    call_command("import_articles", str(source), "--format", "jsonl", stdout=StringIO())
    assert "published_at" in analyzed_columns("articles_article")


def test_a_small_import_into_an_analyzed_table_leaves_it_to_autovacuum():
    planner.refresh_statistics()
    assert not planner.refresh_statistics(changed_rows=planner.THRESHOLD_ROWS)
    assert planner.refresh_statistics(changed_rows=planner.THRESHOLD_ROWS + 1)
