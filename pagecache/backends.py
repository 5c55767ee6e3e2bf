"""Purge backends: where a purge of surrogate keys goes (settings.PAGE_CACHE_BACKEND).

- `django`      the embedded default: the page cache in Django's own cache
                (pagecache.caching), nothing else to run;
- `varnish`     Varnish with vmod xkey in front (cluster/varnish.vcl): an HTTP
                `PURGE` carrying the keys in an `xkey-purge` header, to each
                address in VARNISH_PURGE_URLS;
- `fastly`      Fastly's purge by surrogate key (`Surrogate-Key` header on responses);
- `cloudflare`  Cloudflare's purge by cache tag (`Cache-Tag` header on responses).

Every backend's purge() either returns (the cache confirmed) or raises PurgeError;
the outbox (pagecache.outbox) keeps a purge until it returns.
"""

import http.client
import json
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 5  # seconds; a purge that hangs is retried, not waited for


class PurgeError(Exception):
    """The cache did not confirm a purge."""


def chunks(keys: list[str], max_length: int, max_count: int) -> Iterator[list[str]]:
    """Keys in groups a header or request body accepts (Varnish reads headers of
    8 KB by default; Fastly takes 256 keys a request, Cloudflare 30 tags)."""
    group, length = [], 0
    for key in keys:
        if group and (length + len(key) + 1 > max_length or len(group) == max_count):
            yield group
            group, length = [], 0
        group.append(key)
        length += len(key) + 1
    if group:
        yield group


def request(url: str, *, method: str, headers: dict, body: dict | None = None) -> None:
    """One HTTP request (http.client: urllib.request is more than a purge needs, and
    costs every process's start-up), which must answer 2xx."""
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers = {**headers, "Content-Type": "application/json"}
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.netloc, timeout=TIMEOUT)
    try:
        connection.request(method, parts.path or "/", body=data, headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, garbled
        raise PurgeError(f"{method} {url}: {error}") from error
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise PurgeError(f"{method} {url}: HTTP {status}")


def purge_django(keys: list[str]) -> None:
    """Nothing beyond the stamps every backend sets (pagecache.outbox)."""


def purge_varnish(keys: list[str]) -> None:
    for address in settings.VARNISH_PURGE_URLS:
        for group in chunks(keys, 6000, 10_000):
            request(f"{address.rstrip('/')}/", method="PURGE",
                    headers={"xkey-purge": " ".join(group)})  # fmt: skip


def purge_fastly(keys: list[str]) -> None:
    url = f"{settings.FASTLY_API_URL.rstrip('/')}/service/{settings.FASTLY_SERVICE_ID}/purge"
    for group in chunks(keys, 8000, 256):
        request(url, method="POST", headers={"Fastly-Key": settings.FASTLY_API_TOKEN},
                body={"surrogate_keys": group})  # fmt: skip


def purge_cloudflare(keys: list[str]) -> None:
    api = settings.CLOUDFLARE_API_URL.rstrip("/")
    url = f"{api}/zones/{settings.CLOUDFLARE_ZONE_ID}/purge_cache"
    for group in chunks(keys, 16_000, 30):
        request(url, method="POST",
                headers={"Authorization": f"Bearer {settings.CLOUDFLARE_API_TOKEN}"},
                body={"tags": group})  # fmt: skip


BACKENDS: dict[str, Callable[[list[str]], None]] = {
    "django": purge_django,
    "varnish": purge_varnish,
    "fastly": purge_fastly,
    "cloudflare": purge_cloudflare,
}
# The response header each backend files responses by (pagecache.keys).
KEY_HEADERS = {
    "django": "xkey",
    "varnish": "xkey",
    "fastly": "Surrogate-Key",
    "cloudflare": "Cache-Tag",
}


def purge(keys: list[str]) -> None:
    BACKENDS[settings.PAGE_CACHE_BACKEND](keys)
