"""Fetching external lead images, for operators only.

`import_articles --fetch-images` and `fetch_lead_images` call this; nothing else
does. The addresses come from import files, so a hostile file could point them at
this machine or its private network. Each request therefore resolves the host
name once, refuses it unless every address in the answer is public, and connects
to an address it checked: the name is never looked up again, so a name that
answers a public address to the check and a private one to the connection (DNS
rebinding) gets nowhere. The Host header, TLS's server name (SNI) and the
certificate check still use the name. Redirects are followed here, not by a
library, each hop checked the same way, at most MAX_REDIRECTS of them.

No HTTP proxy is used (HTTP_PROXY and friends are ignored): a proxy would resolve
the name again, out of our sight.
"""

import http.client
import ipaddress
import posixpath
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from articles.images.uploads import decode, max_bytes
from articles.models.versioned import EditConflict
from editorial import history
from editorial.publishing import before_change

FETCH_TIMEOUT = 10  # seconds, for connecting and for each read
MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HEADERS = {"User-Agent": "Newsroom image import", "Accept": "image/*"}


class FetchError(Exception):
    """An external image could not be fetched, or was refused."""


def fetch_image(url: str, *, timeout: float = FETCH_TIMEOUT, allow_private=False) -> ContentFile:
    """Download `url` under the upload rules (size, pixels, formats) and return it.

    Nothing calls this unless an operator asks for it. Only http(s), with a
    timeout; addresses on this machine, link-local, multicast and reserved ones
    are always refused, private networks unless `allow_private` (an operator's
    `--allow-private-addresses`), redirects included. The result is then cleaned
    like any upload when saved.
    """
    data = download(url, timeout=timeout, allow_private=allow_private)
    name = posixpath.basename(urlsplit(url).path) or "image"
    file = ContentFile(data, name=name)
    try:
        decode(file)
    except ValidationError as error:
        raise FetchError(f"{url}: {' '.join(error.messages)}") from error
    return file


def download(url: str, *, timeout: float, allow_private: bool) -> bytes:
    """The body of `url` after at most MAX_REDIRECTS redirects, each hop checked."""
    for _ in range(MAX_REDIRECTS + 1):
        with open_checked(url, timeout=timeout, allow_private=allow_private) as connection:
            try:
                response = get(connection, url)
                if response.status in REDIRECT_STATUSES:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError(f"{url}: HTTP {response.status} without a Location")
                    url = urljoin(url, location.strip())
                    continue
                if response.status != 200:
                    raise FetchError(f"{url}: HTTP {response.status} {response.reason}")
                length = response.getheader("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes():
                    raise FetchError(f"{url}: {length} bytes is over the limit")
                return response.read(max_bytes() + 1)
            except (OSError, http.client.HTTPException) as error:
                raise FetchError(f"{url}: {error}") from error
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def get(connection: http.client.HTTPConnection, url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target, headers=HEADERS)
    return connection.getresponse()


def open_checked(url: str, *, timeout: float, allow_private: bool) -> http.client.HTTPConnection:
    """A connection for `url`, to an address that was checked, under its host name."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https addresses are fetched")
    try:
        host = parts.hostname.encode("idna").decode("ascii")  # the name as DNS and TLS see it
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:  # UnicodeError included
        raise FetchError(f"{url}: {error}") from error
    answers = resolve(url, host, port, allow_private)
    kind = CheckedTLSConnection if parts.scheme == "https" else CheckedConnection
    return kind(host, port, answers=answers, timeout=timeout)


def resolve(url: str, host: str, port: int, allow_private: bool) -> list[tuple]:
    """Every address `host` answers, once; refused if any one of them is refused.

    A name answering one public and one private address is refused as a whole:
    which one a connection would use is not ours to predict.
    """
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchError(f"{url}: {host} could not be resolved ({error})") from error
    if not answers:
        raise FetchError(f"{url}: {host} has no address")
    for *_, sockaddr in answers:
        if reason := refusal(sockaddr[0], allow_private):
            raise FetchError(f"{url}: {sockaddr[0]} is not a public address ({reason})")
    return answers


def refusal(address: str, allow_private: bool) -> str | None:
    """Why the fetcher must not connect to `address`, or None when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone is not the address
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        # Tests serve images on 127.0.0.1; nothing else may reach this machine.
        return None if settings.LEAD_IMAGE_FETCH_ALLOW_LOOPBACK else "this machine"
    never = [
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
    ]
    for refused, reason in never:
        if refused:
            return reason
    if not ip.is_global and not allow_private:
        return "private network"
    return None


class CheckedConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses resolved and checked beforehand.

    http.client names the host in the Host header (and, for TLS, the server name);
    only where the socket connects changes: to the checked answers, in order.
    """

    def __init__(self, host: str, port: int, *, answers: list[tuple], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.answers = answers

    def connect(self):
        self.sock = self.connect_checked()

    def connect_checked(self) -> socket.socket:
        error = None
        for family, kind, protocol, _, sockaddr in self.answers:
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)
            except OSError as failure:
                sock.close()
                error = failure
                continue
            return sock
        raise error

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class CheckedTLSConnection(CheckedConnection):
    """HTTPS to a checked address: SNI and the certificate are checked against the name."""

    default_port = http.client.HTTPS_PORT

    def connect(self):
        self.sock = tls_context().wrap_socket(self.connect_checked(), server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostname checking on (tests trust their own CA)."""
    return ssl.create_default_context()


@dataclass
class FetchResult:
    fetched: int = 0
    failed: list[str] = field(default_factory=list)  # one line per failure


def fetch_missing(articles, *, timeout=FETCH_TIMEOUT, allow_private=False) -> FetchResult:
    """Download recorded lead_image_urls of `articles` that have no stored image yet.

    Each image is checked like an upload, then stored cleaned with its renditions
    by the article's own save path (conditional on the version read: an article
    saved at the desk meanwhile is left for the next run) and recorded as a
    revision. Articles already holding a file are left alone, so running this
    again only retries what failed.
    """
    result = FetchResult()
    pending = articles.exclude(lead_image_url="").filter(lead_image="").order_by("pk")
    for article in pending.iterator(chunk_size=100):
        try:
            file = fetch_image(article.lead_image_url, timeout=timeout, allow_private=allow_private)
        except FetchError as error:
            result.failed.append(f"{article.slug}: {error}")
            continue
        article.lead_image = file
        try:
            with transaction.atomic():  # the image and its revision, or neither
                before_change(article)
                article.save(update_fields=["lead_image", "lead_image_renditions", "updated_at"])
                history.record(article, source="fetch_lead_images", comment="Lead image downloaded")
        except EditConflict:
            result.failed.append(f"{article.slug}: changed at the desk meanwhile; run again")
            continue
        result.fetched += 1
    return result
