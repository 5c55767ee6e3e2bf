"""Read replicas: readers may read a moment-old copy; anything a write depends on may not.

`lagging_replica` adds a "replica" database that never catches up: the schema and no
rows, so a read routed there sees none of the primary's writes, as a replica lagging
behind would. Each test shows a read that must see the primary does. There the
replica claims to be current; the tests after them fake its WAL position instead,
and `make cluster-drill` exercises the real comparison against a streaming replica,
stopped and started under load.
"""

import time
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from articles.models import Article
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import save_articles
from newsroom import replica
from newsroom.replica import ReplicaFallbackMiddleware
from newsroom.routers import REPLICA, ReplicaRouter, primary_reads, replica_reads

pytestmark = pytest.mark.django_db(transaction=True)

REPLICA_IS_CURRENT = replica.replica_is_current  # the real check, before any fake


@pytest.fixture(autouse=True)
def replica_current(monkeypatch):
    """The replica's answer to "are you current?" (yes unless a test says no), and
    how often it was asked."""
    state = {"current": True, "asked": []}

    def answer():
        state["asked"].append(True)
        return state["current"]

    monkeypatch.setattr(replica, "replica_is_current", answer)
    return state


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


def test_a_request_reads_from_a_current_replica_and_asks_once(replica_current):
    router = ReplicaRouter()
    with replica_reads():
        assert [router.db_for_read(None) for _ in range(3)] == ["replica"] * 3
    assert len(replica_current["asked"]) == 1


def test_a_request_reads_from_the_primary_when_the_replica_lags(replica_current):
    replica_current["current"] = False
    with replica_reads():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_each_request_decides_afresh(replica_current):
    router = ReplicaRouter()
    for current, expected in [(True, "replica"), (False, "default")]:
        replica_current["current"] = current
        with replica_reads():
            assert router.db_for_read(None) == expected
    assert router.db_for_read(None) == "default"  # after the request


def test_reads_after_a_write_stay_on_the_primary(replica_current):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"


@pytest.fixture
def positions(monkeypatch):
    """Fake WAL positions: the primary's and the replica's comparison with it."""
    state = {"primary": "0/3000000", "replica": True, "queries": []}

    def one_value(alias, sql, params):
        state["queries"].append(alias)
        answer = state[{"default": "primary", "replica": "replica"}[alias]]
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(replica, "_one_value", one_value)
    monkeypatch.setattr(replica, "_skip_replica_until", 0.0)
    return state


def test_the_replica_is_current_when_it_has_replayed_the_primarys_position(positions):
    assert REPLICA_IS_CURRENT()
    assert positions["queries"] == ["default", "replica"]
    positions["replica"] = False
    assert not REPLICA_IS_CURRENT()
    positions["replica"] = None  # promoted: it replays nothing
    assert not REPLICA_IS_CURRENT()


def test_an_unreachable_replica_is_skipped_for_a_while(positions):
    positions["replica"] = OperationalError("connection refused")
    assert not REPLICA_IS_CURRENT()
    positions["replica"] = True
    positions["queries"].clear()
    assert not REPLICA_IS_CURRENT()  # skipped: not even asked
    assert positions["queries"] == []


def test_an_unreachable_primary_is_an_error_not_a_replica_read(positions):
    positions["primary"] = OperationalError("connection refused")
    with pytest.raises(OperationalError):
        REPLICA_IS_CURRENT()


def fallback_request(method, view):
    request = getattr(RequestFactory(), method.lower())("/some-article/")
    request.resolver_match = ResolverMatch(view, (), {"slug": "some-article"})
    return request


def test_a_read_whose_replica_fails_runs_again_on_the_primary(
    positions,
):
    routes = []

    def view(request, slug):
        routes.append(ReplicaRouter().db_for_read(None))
        return HttpResponse(f"read from {routes[-1]}")

    request = fallback_request("GET", view)
    with replica_reads():
        ReplicaRouter().db_for_read(None)
        response = ReplicaFallbackMiddleware(view).process_exception(
            request, OperationalError("gone")
        )
    assert (response.status_code, response.content) == (200, b"read from default")
    assert replica._skip_replica_until > time.monotonic()  # skipped by the next requests


def test_a_failed_retry_is_the_503_page(positions):
    def view(request, slug):
        raise OperationalError("the primary is gone too")

    with replica_reads():
        ReplicaRouter().db_for_read(None)
        response = ReplicaFallbackMiddleware(view).process_exception(
            fallback_request("GET", view), OperationalError("gone")
        )
    assert response.status_code == 503
    assert response["Retry-After"]


def test_writes_and_primary_failures_are_not_run_again():
    def view(request, slug):
        raise AssertionError("must not run again")

    middleware = ReplicaFallbackMiddleware(view)
    post, get = fallback_request("POST", view), fallback_request("GET", view)
    with replica_reads():
        ReplicaRouter().db_for_read(None)
        assert middleware.process_exception(post, OperationalError()) is None
        ReplicaRouter().db_for_write(None)  # the request now reads from the primary
        assert middleware.process_exception(get, OperationalError()) is None
