"""Read replicas: readers may read a moment-old copy; anything a write depends on may not.

`lagging_replica` adds a "replica" database that never catches up: the schema and no
rows, so a read routed there sees none of the primary's writes, as a replica lagging
behind would. Each test shows a read that must see the primary does.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from articles.importers.base import ImportedArticle, save_articles
from articles.models import Article
from newsroom.routers import REPLICA, ReplicaRouter, primary_reads, replica_reads

pytestmark = pytest.mark.django_db(transaction=True)


def test_reads_go_to_the_replica_only_in_readers_requests():
    router = ReplicaRouter()
    assert router.db_for_read(None) == "default"  # commands, shells, workers
    with replica_reads():
        assert router.db_for_read(None) == "replica"
        with primary_reads():
            assert router.db_for_read(None) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary():
    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_writes_and_migrations_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


@pytest.fixture
def lagging_replica(transactional_db, settings):
    """A replica alias, routed to as in production, that has received nothing.

    Registered as a connection but not in DATABASES, which Django's test case allows
    ("dynamically created connections") without a test database of its own.
    """
    databases = {DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS])}
    databases[REPLICA] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    replica = DatabaseWrapper(connections.configure_settings(databases)[REPLICA], REPLICA)
    setattr(connections._connections, REPLICA, replica)
    with replica.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
    settings.DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
    settings.MIDDLEWARE = ["newsroom.routers.ReplicaReadsMiddleware", *settings.MIDDLEWARE]
    yield replica
    replica.close()
    delattr(connections._connections, REPLICA)


def test_readers_read_the_replica_and_staff_the_primary(
    lagging_replica, make_article, admin_user, client
):
    article = make_article(headline="Fresh on the primary")
    assert client.get(article.get_absolute_url()).status_code == 404  # not on the replica yet
    client.force_login(admin_user)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_slugs_are_checked_on_the_primary(lagging_replica):
    with replica_reads():
        Article.objects.create(headline="Harbour wall falls", body="<p>One.</p>")
        second = Article.objects.create(headline="Harbour wall falls", body="<p>Two.</p>")
    assert second.slug == "harbour-wall-falls-2"


def test_stored_values_are_read_from_the_primary(lagging_replica, make_article):
    article = make_article(slug="as-stored")
    unread = Article(pk=article.pk, slug="changed")
    unread._state.adding = False
    with replica_reads():
        assert unread.stored_value("slug") == "as-stored"


def test_an_import_finds_existing_records_on_the_primary(lagging_replica):
    def records():
        return [ImportedArticle(record=1, headline="Ferry times", body="<p>x</p>", import_ref="a")]

    with replica_reads():
        assert save_articles(records()).created == 1
        again = save_articles(records())
    assert (again.created, again.unchanged) == (0, 1)


def test_management_commands_read_from_the_primary(lagging_replica, make_article):
    make_article(headline="On the primary only")
    out = StringIO()
    call_command("export_articles", stdout=out, stderr=StringIO())
    assert "On the primary only" in out.getvalue()
