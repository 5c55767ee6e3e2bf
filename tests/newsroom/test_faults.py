"""Faults: a clear 503 while the database is away, recovery without a restart, /healthz."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections

from newsroom.views import server_error

pytestmark = pytest.mark.django_db


@contextmanager
def database_unreachable(tmp_path):
    """Swap the default connection for one whose server cannot be reached.

    The swapped-in connection really tries to connect and fails the way an outage
    does (no SQLite file; nothing listening on the PostgreSQL port); putting the
    real one back is the database returning.
    """
    real = connections["default"]
    unreachable = {**real.settings_dict}
    if real.vendor == "sqlite":
        unreachable["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        unreachable.update(HOST="127.0.0.1", PORT="1")
    broken = real.__class__(unreachable, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        connections["default"] = real
        broken.close()


def test_readers_get_a_clear_503_while_the_database_is_away(client, make_article, tmp_path):
    article = make_article(headline="Council agrees budget")
    with database_unreachable(tmp_path):
        for url in ["/", article.get_absolute_url(), "/tags/politics/"]:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            html = response.content.decode()
            assert "Back in a moment" in html
            assert "Traceback" not in html and "OperationalError" not in html
    # The database is back: the very next request is served, nothing restarted.
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Council agrees budget" in response.content.decode()


def test_a_database_error_outside_a_view_also_gets_the_503_page(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_still_get_the_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_away(client, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}


def test_healthz_is_503_when_the_cache_is_away(client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("cache down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
