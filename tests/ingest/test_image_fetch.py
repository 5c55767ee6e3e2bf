"""Fetching external images (operators only), against servers on this machine.

Nothing here reaches the internet or a private network. Host names are answered by
a fake resolver; the only addresses ever connected to are the tests' own servers on
127.0.0.1, which the fetcher reaches only under the test-only setting
LEAD_IMAGE_FETCH_ALLOW_LOOPBACK. Refused addresses are refused before any connection.
"""

import datetime
import io
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from articles.models import Article
from ingest import fetch
from ingest.fetch import MAX_REDIRECTS, FetchError, FetchResult, fetch_image, refusal
from tests.image_factory import image_bytes

PAGES = {
    "/photo.jpg": (200, image_bytes("JPEG", size=(300, 200))),
    "/notes.jpg": (200, b"plain text, not a picture"),
    "/logo.png": (200, b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "/missing.jpg": (404, b"not found"),
}
REDIRECTS = {
    "/moved.jpg": "/photo.jpg",
    "/elsewhere.jpg": "http://images.example:{port}/photo.jpg",
    "/to-internal.jpg": "http://internal.example/photo.jpg",
    "/to-metadata.jpg": "http://169.254.169.254/latest/meta-data/",
    "/loop.jpg": "/loop.jpg",
}


class Handler(BaseHTTPRequestHandler):
    hosts: list[str] = []  # the Host header of every request, in order

    def do_GET(self):
        Handler.hosts.append(self.headers["Host"])
        if self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path].format(port=self.server_port()))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = PAGES.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def server_port(self):
        return self.server.server_address[1]

    def log_message(self, *args):
        pass


def serve(httpd):
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd


@pytest.fixture(scope="module")
def server():
    httpd = serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback(settings):
    """Let the fetcher reach the tests' servers on 127.0.0.1 (never allowed otherwise)."""
    settings.LEAD_IMAGE_FETCH_ALLOW_LOOPBACK = True
    Handler.hosts.clear()


class FakeResolver:
    """Answers for host names, in the order given; IP literals resolve as themselves.

    Counts the lookups per name, so a test can see that a name is resolved once.
    """

    def __init__(self):
        self.names: dict[str, list[str]] = {}
        self.lookups: dict[str, int] = {}

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.lookups[host] = self.lookups.get(host, 0) + 1
        addresses = self.answer(host)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                ((address, port, 0, 0) if ":" in address else (address, port)),
            )
            for address in addresses
        ]

    def answer(self, host):
        if host in self.names:
            answer = self.names[host]
            return answer() if callable(answer) else answer
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [host]


@pytest.fixture
def resolver(monkeypatch):
    fake = FakeResolver()
    fake.names["images.example"] = ["127.0.0.1"]
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


def test_fetches_a_valid_image_from_the_address_it_checked(server, loopback, resolver):
    file = fetch_image(f"http://images.example:{server}/photo.jpg")
    assert file.name == "photo.jpg"
    assert file.read(3) == b"\xff\xd8\xff"
    # Connected to the checked address, but the server was asked for the name.
    assert Handler.hosts == [f"images.example:{server}"]
    assert resolver.lookups == {"images.example": 1}


def test_follows_redirects_and_checks_every_hop(server, loopback, resolver):
    assert fetch_image(f"http://images.example:{server}/moved.jpg").size > 0
    assert fetch_image(f"http://images.example:{server}/elsewhere.jpg").size > 0
    assert resolver.lookups == {"images.example": 4}  # once per hop, never again to connect


def test_a_name_is_resolved_once_and_the_checked_address_is_used(server, loopback, resolver):
    """A rebinding name answers a good address first and a private one afterwards:
    the fetcher never asks again, so the second answer is never used."""
    answers = iter([["127.0.0.1"]])
    resolver.names["rebind.example"] = lambda: next(answers, ["10.0.0.8"])
    assert fetch_image(f"http://rebind.example:{server}/photo.jpg").size > 0
    assert resolver.lookups == {"rebind.example": 1}
    assert Handler.hosts == [f"rebind.example:{server}"]


@pytest.mark.parametrize(
    "answers",
    [
        ["93.184.215.14", "10.0.0.8"],
        ["93.184.215.14", "169.254.169.254"],
        ["2606:2800:21f:cb07::1", "fd00::8"],
        ["93.184.215.14", "::ffff:192.168.1.1"],
    ],
)
def test_a_name_with_any_private_answer_is_refused(resolver, answers):
    """Public first, private second: refused as a whole, before any connection."""
    resolver.names["mixed.example"] = answers
    with pytest.raises(FetchError, match=f"{answers[1]} is not a public address"):
        fetch_image("http://mixed.example/photo.jpg")


@pytest.mark.parametrize(
    ("path", "address"),
    [("/to-internal.jpg", "10.0.0.5"), ("/to-metadata.jpg", "169.254.169.254")],
)
def test_a_redirect_to_a_private_address_is_refused(server, loopback, resolver, path, address):
    resolver.names["internal.example"] = ["10.0.0.5"]
    with pytest.raises(FetchError, match=f"{address} is not a public address"):
        fetch_image(f"http://images.example:{server}{path}")
    assert Handler.hosts == [f"images.example:{server}"]  # the first hop only


def test_redirects_are_bounded(server, loopback, resolver):
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch_image(f"http://images.example:{server}/loop.jpg")
    assert len(Handler.hosts) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/notes.jpg", "not an image we can read"),
        ("/logo.png", "SVG images are not accepted"),
        ("/missing.jpg", "HTTP 404"),
    ],
)
def test_refuses_what_an_upload_would_refuse(server, loopback, resolver, path, reason):
    with pytest.raises(FetchError, match=reason):
        fetch_image(f"http://images.example:{server}{path}")


def test_refuses_files_over_the_size_limit(server, loopback, resolver, settings):
    settings.LEAD_IMAGE_MAX_BYTES = 100
    with pytest.raises(FetchError, match="over the limit"):
        fetch_image(f"http://images.example:{server}/photo.jpg")


def test_refuses_this_machine_by_default_even_with_private_networks_allowed(server):
    for allow_private in (False, True):
        with pytest.raises(FetchError, match="127.0.0.1 is not a public address"):
            fetch_image(f"http://127.0.0.1:{server}/photo.jpg", allow_private=allow_private)


def test_unknown_names_and_bad_addresses_are_clear_errors(resolver):
    with pytest.raises(FetchError, match="nowhere.example could not be resolved"):
        fetch_image("http://nowhere.example/photo.jpg")
    with pytest.raises(FetchError, match="Port out of range"):
        fetch_image("http://images.example:99999/photo.jpg")


@pytest.mark.parametrize(
    ("address", "by_default", "with_private_allowed"),
    [
        ("93.184.215.14", None, None),
        ("2606:2800:21f:cb07::1", None, None),
        ("10.1.2.3", "private network", None),
        ("172.16.0.1", "private network", None),
        ("192.168.1.1", "private network", None),
        ("100.64.0.1", "private network", None),  # carrier-grade NAT
        ("fd12:3456::1", "private network", None),
        ("::ffff:10.0.0.1", "private network", None),
        ("127.0.0.1", "this machine", "this machine"),
        ("::1", "this machine", "this machine"),
        ("::ffff:127.0.0.1", "this machine", "this machine"),
        ("169.254.169.254", "link-local", "link-local"),  # cloud metadata services
        ("fe80::1%eth0", "link-local", "link-local"),
        ("0.0.0.0", "unspecified", "unspecified"),
        ("::", "unspecified", "unspecified"),
        ("224.0.1.1", "multicast", "multicast"),
        ("ff02::1", "multicast", "multicast"),
        ("240.0.0.1", "reserved", "reserved"),
        ("64:ff9b::a00:1", "reserved", "reserved"),  # NAT64 of 10.0.0.1
    ],
)
def test_which_addresses_are_refused(address, by_default, with_private_allowed):
    assert refusal(address, allow_private=False) == by_default
    assert refusal(address, allow_private=True) == with_private_allowed


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.jpg", "http:///x"])
def test_refuses_other_schemes(url):
    with pytest.raises(FetchError, match="only http and https"):
        fetch_image(url)


# HTTPS: the certificate and the server name are checked against the host name,
# while the connection goes to the checked address.


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a certificate it signed for images.example only."""
    directory = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject, issuer, key, signing_key, *, ca):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                critical=False,
            )
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signing_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Newsroom test CA", "Newsroom test CA", ca_key, ca_key, ca=True)
    leaf = certificate("images.example", "Newsroom test CA", key, ca_key, ca=False)
    paths = {name: directory / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="module")
def tls_server(certificates):
    """An HTTPS image server on 127.0.0.1 that records the server name clients ask for."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    names = []
    context.sni_callback = lambda connection, name, context: names.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    serve(httpd)
    yield httpd.server_address[1], names
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trust_test_ca(monkeypatch, certificates):
    monkeypatch.setattr(
        fetch, "tls_context", lambda: ssl.create_default_context(cafile=certificates["ca"])
    )


def test_https_checks_the_certificate_and_sends_the_name(
    tls_server, trust_test_ca, loopback, resolver
):
    port, names = tls_server
    names.clear()
    assert fetch_image(f"https://images.example:{port}/photo.jpg").size > 0
    assert names == ["images.example"]  # SNI names the host, not the address
    assert Handler.hosts == [f"images.example:{port}"]


def test_https_refuses_a_certificate_for_another_name(
    tls_server, trust_test_ca, loopback, resolver
):
    port, _ = tls_server
    resolver.names["other.example"] = ["127.0.0.1"]
    with pytest.raises(FetchError, match="certificate verify failed"):
        fetch_image(f"https://other.example:{port}/photo.jpg")
    assert Handler.hosts == []  # no request was sent


# The commands.


@pytest.fixture
def recorded(make_article, server, resolver):
    """Imported articles whose images are only recorded by URL."""

    def make(path, **fields):
        return make_article(
            lead_image_url=f"http://images.example:{server}{path}",
            lead_image_alt="A photo",
            **fields,
        )

    return make


@pytest.mark.django_db
def test_fetch_command_stores_images_with_renditions_and_is_idempotent(
    recorded, count_saves, loopback, settings
):
    settings.SITE_URL = "https://news.example"
    good = recorded("/photo.jpg")
    bad = recorded("/notes.jpg")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 lead image"):
        call_command("fetch_lead_images", stdout=out, stderr=err)
    assert "1 fetched, 1 failed" in out.getvalue()
    assert f"{bad.slug}: " in err.getvalue() and "not an image we can read" in err.getvalue()
    good.refresh_from_db()
    assert good.lead_image.name.startswith("lead-images/")
    assert good.lead_picture.width == 300  # renditions made from the fetched file
    assert good.social_image.url.startswith("https://news.example/media/")  # ours now
    saves = len(count_saves)

    bad.lead_image_url = ""
    bad.save()
    call_command("fetch_lead_images", stdout=io.StringIO())
    assert len(count_saves) == saves  # nothing fetched or stored twice


@pytest.mark.django_db
@pytest.mark.parametrize("options", [[], ["--allow-private-addresses"]])
def test_fetch_command_refuses_this_machine(recorded, options):
    article = recorded("/photo.jpg")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("fetch_lead_images", *options, stdout=io.StringIO(), stderr=err)
    assert "127.0.0.1 is not a public address (this machine)" in err.getvalue()
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
def test_fetch_records_a_revision_and_never_overwrites_a_desk_save(recorded, loopback, monkeypatch):
    from editorial import history

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
    result = fetch.fetch_missing(Article.objects.filter(pk__in=[fetched.pk, edited.pk]))
    assert result.fetched == 1 and "changed at the desk" in result.failed[0]
    edited.refresh_from_db()
    assert edited.standfirst == "Saved at the desk during the download."
    assert not edited.lead_image
    downloaded, found = history.revisions_of(fetched)  # the state before it, then the image
    assert downloaded.revision.comment.startswith("Lead image")
    assert found.revision.comment == history.AS_FOUND
