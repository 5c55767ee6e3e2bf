"""Pages through a real Varnish with cluster/varnish.vcl: cached by their surrogate
keys, cookies ignored, purged by key when a change commits, never kept past a
scheduled story's time, and an `?utm=` copy never made."""

import http.client
import shutil
import socket
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.models import Article
from cluster.services import ROOT
from tests.ci import skip_or_fail_in_ci

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    if not shutil.which("varnishd"):
        skip_or_fail_in_ci("varnishd is not installed (make system-deps)", "Varnish")
    # Varnish's own users must read the VCL and its working directory: pytest's
    # temporary directories are its owner's only.
    tmp_path = Path(tempfile.mkdtemp(prefix="newsroom-varnish-", dir="/var/tmp"))
    port = free_port()
    backend = urlsplit(live_server.url).port
    vcl = (ROOT / "cluster" / "varnish.vcl").read_text().replace("@BACKEND_PORT@", str(backend))
    (tmp_path / "varnish.vcl").write_text(vcl)
    tmp_path.chmod(0o755)  # Varnish's worker runs as its own user
    process = subprocess.Popen(
        ["varnishd", "-F", "-a", f"127.0.0.1:{port}", "-f", str(tmp_path / "varnish.vcl")]
        + ["-n", str(tmp_path / "work"), "-s", "malloc,32m", "-T", "none"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.PAGE_CACHE_BACKEND = "varnish"
    settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{port}"]
    settings.ALLOWED_HOSTS = ["*"]
    for _ in range(600):  # start-up: varnishd compiles the VCL first
        if process.poll() is not None:
            pytest.fail(f"varnishd exited: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            subprocess.run(["sleep", "0.1"])
    yield port
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(tmp_path, ignore_errors=True)


def get(port, path, **headers) -> tuple[str, str, str]:
    """(body, X-Cache, Cache-Control) through Varnish."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    assert response.status == 200, (path, response.status, body[:200])
    assert response.getheader("xkey") is None  # for the cache only
    return body, response.getheader("X-Cache"), response.getheader("Cache-Control")


def test_pages_are_cached_and_purged_by_their_keys(varnish, make_article):
    story = make_article(headline="First headline")
    make_article(headline="Between them")
    other = make_article(headline="Not a neighbour")
    for path in ("/", story.get_absolute_url(), other.get_absolute_url()):
        assert get(varnish, path)[1] == "miss"
        assert get(varnish, path)[1] == "hit"
    # No cookie reaches the app or skips the cache; tracking parameters make no copy.
    assert get(varnish, "/", Cookie="sessionid=junk; csrftoken=x")[1] == "hit"
    assert get(varnish, "/?utm_source=mail&fbclid=1")[1] == "hit"

    story.headline = "Second headline"
    story.save()  # purged by key when it commits

    body, state, _ = get(varnish, story.get_absolute_url())
    assert (state, "Second headline" in body) == ("miss", True)
    assert "Second headline" in get(varnish, "/")[0]
    assert get(varnish, other.get_absolute_url())[1] == "hit"  # shows nothing of it


def test_a_scheduled_story_caps_what_varnish_keeps(varnish, make_article):
    make_article(headline="Out already")
    soon = make_article(headline="Embargoed", status=Article.Status.DRAFT)
    soon.status = Article.Status.PUBLISHED
    soon.published_at = timezone.now() + timedelta(seconds=30)
    soon.save()
    _, _, cache_control = get(varnish, "/")
    s_maxage = int(cache_control.split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 30


def test_the_apis_own_parameters_reach_it_and_it_is_purged_by_key(varnish, make_article):
    """The API's cursors and filters are not the pages' parameters: Varnish keeps them
    (else every page of a list would be its first), and its answers go by their keys."""
    make_article(headline="Older story", tags=["rail"])
    newer = make_article(headline="Newer story")
    first, state, _ = get(varnish, "/api/v1/articles/?limit=1")
    assert (state, "Newer story" in first) == ("miss", True)
    assert get(varnish, "/api/v1/articles/?limit=1")[1] == "hit"
    following = first.split('"next":"')[1].split('"')[0]
    second, _, _ = get(varnish, urlsplit(following).path + "?" + urlsplit(following).query)
    assert "Older story" in second and "Newer story" not in second
    assert "Newer story" not in get(varnish, "/api/v1/articles/?tag=rail")[0]

    newer.headline = "Newer story, updated"
    newer.save()  # purged by key when it commits
    body, state, _ = get(varnish, f"/api/v1/articles/{newer.slug}/")
    assert "Newer story, updated" in body
    assert "Newer story, updated" in get(varnish, "/api/v1/articles/?limit=1")[0]
