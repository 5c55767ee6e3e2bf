"""The search vector has one definition, articles/search_vector.sql, and the live
database runs exactly that (PostgreSQL; SQLite searches without a vector)."""

import hashlib
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection

from articles.migrations._postgresql import SEARCH_VECTOR_SQL
from articles.search import SEARCH_CONFIG

MIGRATIONS = Path(__file__).resolve().parents[2] / "articles" / "migrations"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search vector is PostgreSQL's"
)


def live_definitions():
    """The functions and the trigger as PostgreSQL prints them back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_functiondef(oid) FROM pg_proc"
            " WHERE proname IN ('articles_search_vector', 'articles_article_search_vector')"
            " ORDER BY proname"
        )
        functions = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE tgname = 'articles_article_search_vector'"
        )
        triggers = [row[0] for row in cursor.fetchall()]
    return functions, triggers


@on_postgresql
@pytest.mark.django_db
def test_the_live_search_vector_is_the_source_file():
    live = live_definitions()
    assert [len(found) for found in live] == [2, 1]
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_VECTOR_SQL.read_text())  # rolled back after the test
    assert live_definitions() == live  # the file changes nothing: it is what runs


def test_the_source_file_uses_searchs_configuration():
    text = SEARCH_VECTOR_SQL.read_text()
    assert text.count("to_tsvector(") == text.count(f"to_tsvector('pg_catalog.{SEARCH_CONFIG}',")


def test_no_migration_pastes_the_definition():
    """Migrations load the file (articles.migrations._postgresql.load_search_vector)."""
    pasted = [path.name for path in MIGRATIONS.glob("*.py") if "to_tsvector" in path.read_text()]
    assert pasted == []


def test_a_changed_source_file_comes_with_a_migration_that_loads_it():
    """Migrations load the file as it is now, so a fresh database always matches it;
    a database already migrated gets a change only from a new migration. The newest
    migration that loads the file names the text it brings databases to."""
    named = {
        path.stem: module.SEARCH_VECTOR_SHA256
        for path in sorted(MIGRATIONS.glob("0*.py"))
        if hasattr(
            module := import_module(f"articles.migrations.{path.stem}"), "SEARCH_VECTOR_SHA256"
        )
    }
    newest = named[max(named)]
    assert hashlib.sha256(SEARCH_VECTOR_SQL.read_bytes()).hexdigest() == newest
