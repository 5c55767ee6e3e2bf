"""Fetching external lead images, for operators only.

`import_articles --fetch-images` and `fetch_lead_images` call this; nothing else
does. The SSRF guard (`check_fetchable`, `SafeRedirects`) refuses addresses on
this machine or its private network, redirects included.
"""

import http.client
import ipaddress
import posixpath
import socket
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from articles.images.uploads import decode, max_bytes
from articles.models.versioned import EditConflict
from editorial import history
from editorial.publishing import before_change

FETCH_TIMEOUT = 10  # seconds, for connecting and for each read


class FetchError(Exception):
    """An external image could not be fetched, or was refused."""


def fetch_image(url: str, *, timeout: float = FETCH_TIMEOUT, allow_private=False) -> ContentFile:
    """Download `url` under the upload rules (size, pixels, formats) and return it.

    Nothing calls this unless an operator asks for it. Only http(s), with a
    timeout; addresses on this machine or its private network are refused by
    default (an import file must not make the server probe its own network),
    redirects included. The result is then cleaned like any upload when saved.
    """
    check_fetchable(url, allow_private)
    opener = urllib.request.build_opener(SafeRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom image import"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes():
                raise FetchError(f"{url}: {length} bytes is over the limit")
            data = response.read(max_bytes() + 1)
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FetchError(f"{url}: {error}") from error
    name = posixpath.basename(urlsplit(url).path) or "image"
    file = ContentFile(data, name=name)
    try:
        decode(file)
    except ValidationError as error:
        raise FetchError(f"{url}: {' '.join(error.messages)}") from error
    return file


def check_fetchable(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https addresses are fetched")
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError as error:
        raise FetchError(f"{url}: {error}") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(f"{url}: {address} is not a public address")


class SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are checked like the first address."""

    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_fetchable(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


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
