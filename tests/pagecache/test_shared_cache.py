"""Two app servers sharing one Redis and one database: a publish is seen on both at once.

Real processes: two gunicorn servers (also behind HAProxy, with the configuration
`make cluster` uses) and a third `manage.py shell` that publishes through the ORM,
as an editor's save on any server would. They share a scratch SQLite file (the
shared thing under test is the cache) and a Redis key prefix of their own. Set
REDIS_TEST_URL to choose the Redis database (default DB 0).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
import redis
from django.conf import settings

from cluster.services import write_haproxy_config
from tests.ci import skip_or_fail_in_ci

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail_in_ci(f"Redis is not reachable at {REDIS_URL} (.ci/run starts it)", "Redis")
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str = "/") -> tuple[str, str]:
    """The page's HTML and its X-Page-Cache header.

    Both servers get the same Host, as they would behind one load balancer.
    """
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60  # start-up, not a performance assertion
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server on port {port} exited: {server.stderr.read()}")
        try:
            fetch(port, "/no-such-page/")
        except urllib.error.HTTPError:
            return  # a 404 page: the server is up
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


@pytest.fixture
def shared_env(tmp_path):
    client = redis_client()
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "CACHE_URL": f"{REDIS_URL}?key_prefix={prefix}",
        "DEBUG": "True",
        "PAGE_CACHE_TIMEOUT": "600",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--count", "3")
    yield env
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def two_servers(shared_env):
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
            + ["newsroom.wsgi:application"],
            cwd=settings.BASE_DIR,
            env=shared_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for server, port in zip(servers, ports, strict=True):
            wait_until_serving(server, port)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def test_publish_is_seen_on_every_app_server_at_once(shared_env, two_servers):
    a, b = two_servers
    first, status = fetch(a)
    assert status == "miss"
    shared, status = fetch(b)
    assert status == "hit"  # B serves the page A rendered: one shared cache
    assert shared == first
    assert "Breaking: the bridge reopens" not in shared

    manage(
        shared_env,
        "shell",
        "-c",
        "from articles.models import Article; Article.objects.create("
        "headline='Breaking: the bridge reopens', body='<p>It is open.</p>', status='published')",
    )

    page, status = fetch(b)
    assert (status, "Breaking: the bridge reopens" in page) == ("miss", True)
    page, status = fetch(a)
    assert (status, "Breaking: the bridge reopens" in page) == ("hit", True)


def outcome(check) -> tuple[type, str] | None:
    """How `check()` ended the test: failed or skipped (with the message), or neither."""
    try:
        check()
    except (pytest.fail.Exception, pytest.skip.Exception) as ended:
        return type(ended), str(ended)
    return None


def test_an_unreachable_redis_fails_the_run_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(f"{__name__}.REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    monkeypatch.setenv("CI", "true")
    failed, message = outcome(redis_client)
    assert failed is pytest.fail.Exception
    assert "CI must run the Redis tests" in message
    monkeypatch.delenv("CI")
    assert outcome(redis_client)[0] is pytest.skip.Exception


def require_haproxy() -> None:
    """Skip without HAProxy; fail instead under CI, which installs it (.ci/run)."""
    if not shutil.which("haproxy"):
        skip_or_fail_in_ci("haproxy is not installed (`make system-deps`)", "HAProxy")


@pytest.fixture
def load_balancer(two_servers, tmp_path):
    """HAProxy with the cluster's own configuration (cluster/haproxy.cfg) in front of both."""
    require_haproxy()
    port, config = free_port(), tmp_path / "haproxy.cfg"
    write_haproxy_config(config, port, free_port(), two_servers)
    balancer = subprocess.Popen(
        ["haproxy", "-db", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(balancer, port)
        yield port
    finally:
        balancer.terminate()
        balancer.wait(timeout=30)


def pages_from_each_server(port: int) -> dict[str, str]:
    """The front page as each app server behind the load balancer answers it."""
    pages = {}
    for _ in range(20):  # the balancer alternates between idle servers
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "localhost"})
        with urllib.request.urlopen(request, timeout=10) as response:
            pages.setdefault(response.headers["X-Served-By"], response.read().decode())
        if len(pages) == 2:
            return pages
    raise AssertionError(f"only {sorted(pages)} answered through the load balancer")


def test_publish_is_seen_through_the_load_balancer_on_both_servers(shared_env, load_balancer):
    before = pages_from_each_server(load_balancer)
    assert sorted(before) == ["app1", "app2"]
    assert not any("Ferry strike ends" in page for page in before.values())

    manage(
        shared_env,
        "shell",
        "-c",
        "from articles.models import Article; Article.objects.create("
        "headline='Ferry strike ends', body='<p>Boats sail again.</p>', status='published')",
    )

    after = pages_from_each_server(load_balancer)
    assert {server: "Ferry strike ends" in page for server, page in after.items()} == {
        "app1": True,
        "app2": True,
    }
