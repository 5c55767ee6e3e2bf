"""Fetching external images (operators only), against a server on this machine."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from image_factory import image_bytes

from articles.images import FetchError, fetch_image

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
