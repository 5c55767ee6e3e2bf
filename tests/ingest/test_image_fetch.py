"""Fetching external images (operators only), against a server on this machine.

Nothing here reaches the internet: the image server runs in the test on 127.0.0.1."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from articles.models import Article
from ingest.fetch import FetchError, FetchResult, fetch_image
from tests.image_factory import image_bytes

PAGES = {
    "/photo.jpg": (200, image_bytes("JPEG", size=(300, 200))),
    "/notes.jpg": (200, b"plain text, not a picture"),
    "/logo.png": (200, b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "/missing.jpg": (404, b"not found"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/moved.jpg":
            self.send_response(302)
            self.send_header("Location", "/photo.jpg")
            self.end_headers()
            return
        status, body = PAGES.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_a_valid_image(server):
    file = fetch_image(f"{server}/photo.jpg", allow_private=True)
    assert file.name == "photo.jpg"
    assert file.read(3) == b"\xff\xd8\xff"


def test_follows_redirects(server):
    assert fetch_image(f"{server}/moved.jpg", allow_private=True).size > 0


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/notes.jpg", "not an image we can read"),
        ("/logo.png", "SVG images are not accepted"),
        ("/missing.jpg", "404"),
    ],
)
def test_refuses_what_an_upload_would_refuse(server, path, reason):
    with pytest.raises(FetchError, match=reason):
        fetch_image(f"{server}{path}", allow_private=True)


def test_refuses_files_over_the_size_limit(server, settings):
    settings.LEAD_IMAGE_MAX_BYTES = 100
    with pytest.raises(FetchError, match="over the limit"):
        fetch_image(f"{server}/photo.jpg", allow_private=True)


def test_refuses_this_machine_and_private_networks_by_default(server):
    with pytest.raises(FetchError, match="not a public address"):
        fetch_image(f"{server}/photo.jpg")
    with pytest.raises(FetchError, match="not a public address"):
        fetch_image("http://10.1.2.3/photo.jpg")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.jpg", "http:///x"])
def test_refuses_other_schemes(url):
    with pytest.raises(FetchError, match="only http and https"):
        fetch_image(url)


@pytest.fixture
def recorded(make_article, server):
    """Imported articles whose images are only recorded by URL."""

    def make(path, **fields):
        return make_article(lead_image_url=f"{server}{path}", lead_image_alt="A photo", **fields)

    return make


@pytest.mark.django_db
def test_fetch_command_stores_images_with_renditions_and_is_idempotent(
    recorded, count_saves, settings
):
    settings.SITE_URL = "https://news.example"
    good = recorded("/photo.jpg")
    bad = recorded("/notes.jpg")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 lead image"):
        call_command("fetch_lead_images", "--allow-private-addresses", stdout=out, stderr=err)
    assert "1 fetched, 1 failed" in out.getvalue()
    assert f"{bad.slug}: " in err.getvalue() and "not an image we can read" in err.getvalue()
    good.refresh_from_db()
    assert good.lead_image.name.startswith("lead-images/")
    assert good.lead_picture.width == 300  # renditions made from the fetched file
    assert good.social_image.url.startswith("https://news.example/media/")  # ours now
    saves = len(count_saves)

    bad.lead_image_url = ""
    bad.save()
    call_command("fetch_lead_images", "--allow-private-addresses", stdout=io.StringIO())
    assert len(count_saves) == saves  # nothing fetched or stored twice


@pytest.mark.django_db
def test_fetch_command_refuses_private_addresses_by_default(recorded):
    article = recorded("/photo.jpg")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("fetch_lead_images", stdout=io.StringIO(), stderr=err)
    assert "not a public address" in err.getvalue()
    article.refresh_from_db()
    assert not article.lead_image


@pytest.mark.django_db
def test_import_fetches_only_when_asked(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(
        "ingest.management.commands.import_articles.fetch_missing",
        lambda articles: asked.append(articles) or FetchResult(),
    )
    path = tmp_path / "one.jsonl"
    path.write_text('{"headline": "One", "body": "<p>Body.</p>"}\n')
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert asked == []
    call_command(
        "import_articles", str(path), "--fetch-images", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert len(asked) == 1


@pytest.fixture
def count_saves(monkeypatch):
    calls = []
    real = FileSystemStorage.save

    def counting(self, name, content, max_length=None):
        calls.append(name)
        return real(self, name, content, max_length=max_length)

    monkeypatch.setattr(FileSystemStorage, "save", counting)
    return calls


@pytest.mark.django_db
def test_fetch_records_a_revision_and_never_overwrites_a_desk_save(recorded, monkeypatch):
    from editorial import history
    from ingest import fetch

    fetched, edited = recorded("/photo.jpg"), recorded("/photo.jpg")
    real_fetch = fetch.fetch_image

    downloads = []

    def fetch_while_an_editor_saves(url, **kwargs):
        file = real_fetch(url, **kwargs)
        downloads.append(url)
        if len(downloads) == 1:  # both articles were read before it: `edited` goes stale
            desk = Article.objects.get(pk=edited.pk)
            desk.standfirst = "Saved at the desk during the download."
            desk.save()
        return file

    monkeypatch.setattr(fetch, "fetch_image", fetch_while_an_editor_saves)
    result = fetch.fetch_missing(
        Article.objects.filter(pk__in=[fetched.pk, edited.pk]), allow_private=True
    )
    assert result.fetched == 1 and "changed at the desk" in result.failed[0]
    edited.refresh_from_db()
    assert edited.standfirst == "Saved at the desk during the download."
    assert not edited.lead_image
    downloaded, found = history.revisions_of(fetched)  # the state before it, then the image
    assert downloaded.revision.comment.startswith("Lead image")
    assert found.revision.comment == history.AS_FOUND
