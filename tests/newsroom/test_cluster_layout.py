"""`make cluster` from any checkout: its databases live where PostgreSQL can reach them."""

import stat
from pathlib import Path

from cluster import services


def test_the_databases_live_outside_the_checkout_in_a_world_enterable_place():
    """A checkout in a mode-700 home directory or a `mktemp -d` folder is closed to
    the postgres user: initdb could not read its password file there."""
    assert not services.PG_DIR.is_relative_to(services.ROOT)
    assert not services.DATA.is_relative_to(Path.home())
    parent = services.DATA.parent
    assert parent.stat().st_mode & stat.S_IXOTH  # every user may enter it


def test_both_app_servers_share_one_media_store_and_purge_varnish(monkeypatch):
    monkeypatch.setattr(services, "secret", lambda name, owner_postgres=False: "s3cret")
    env = services.app_env()
    assert env["MEDIA_ROOT"] == str(services.MEDIA)
    assert env["PAGE_CACHE_BACKEND"] == "varnish"
    assert env["SITE_URL"].endswith(f":{services.PUBLIC_PORT}")


def test_commands_run_on_a_server_purge_whatever_the_callers_environment(monkeypatch):
    """The drill renders its truth with caching off in its own environment; an editor's
    change it makes "on" server 1 must still purge (on main it purged nothing, and the
    drill counted thousands of stale pages)."""
    monkeypatch.setattr(services, "secret", lambda name, owner_postgres=False: "s3cret")
    monkeypatch.setenv("PAGE_CACHE_TIMEOUT", "0")
    monkeypatch.setenv("CACHE_URL", "locmemcache://drill")
    env = services.app_env()
    assert env["PAGE_CACHE_TIMEOUT"] == "600"
    assert env["CACHE_URL"].startswith("redis://")
