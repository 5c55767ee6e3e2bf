"""The page cache middleware: one public page for everyone, kept until purged or due.

Public addresses (everything but the admin, previews and operational paths) ignore
cookies: the middleware drops them before anything reads them, so staff see what
readers see, and no cookie can make a public page skip the cache. What a response
depends on is declared by its view as surrogate keys (pagecache.keys); a change
purges the keys it touches (pagecache.purges, through pagecache.outbox).

With PAGE_CACHE_BACKEND = "django" (the embedded default) the middleware itself
keeps pages in Django's cache, filed under their keys (pagecache.stamps). With an
HTTP cache in front (Varnish, a CDN) it only says how long a page may be kept:
`s-maxage`, which the HTTP cache honours, while browsers revalidate after
PAGE_CACHE_MAX_AGE.

Time changes content too: a scheduled article appears when its `published_at`
passes, with no save to purge anything. So no page (in any cache) may outlive the
next scheduled `published_at`, read with one indexed query when a page is made;
a view whose page shows something else that runs out by itself (the front page's
pins) caps it with `response.cache_until` (a Unix time). While purges are overdue
(the purge path is down), pages are kept PURGE_BACKLOG_TIMEOUT seconds at most.
"""

import hashlib
import logging
import time
from typing import TypedDict
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, split_header_value

from articles.models import Article
from pagecache import keys, outbox, stamps

logger = logging.getLogger(__name__)

# Headers recomputed for every response served from an entry.
RECOMPUTED_HEADERS = {"content-length", "date", "etag", "last-modified", "cache-control"}
NEVER_STORE_DIRECTIVES = {"private", "no-cache", "no-store"}
# The query parameters each view reads (by URL name); every other parameter, tracking
# ones included, is dropped before the page is looked up, rendered or stored, so a
# stream of `?utm_x=N` can neither fill the cache with copies nor bypass it
# (cluster/varnish.vcl drops the same ones).
QUERY_PARAMETERS = {
    # `p`: an imported WordPress post's old address, `/?p=<id>` (reader.redirects).
    "articles:index": ("page", "p"),
    "articles:tag": ("page",),
    "articles:author": ("page",),
    "articles:corrections": ("page",),
    "articles:search": ("q", "page"),
    "sitemap_section": ("p",),
}
# The union: the first look-up uses these, before the address is resolved to a view.
ANY_VIEW_PARAMETERS = frozenset(p for names in QUERY_PARAMETERS.values() for p in names)


def _cache_errors() -> tuple[type[BaseException], ...]:
    """What a failing cache raises; anything else is a bug and propagates."""
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return (OSError,)
    return (OSError, RedisError)


CACHE_ERRORS = _cache_errors()


class Entry(TypedDict):
    content: bytes
    headers: list[tuple[str, str]]
    etag: str
    last_modified: int
    expires_at: float
    read_at: int  # the stamps' clock, read before the page's rows
    keys: list[str]  # the surrogate keys the page declared


def next_scheduled_time() -> float | None:
    """When the next scheduled article goes live (a Unix time), or None: one indexed
    query, made whenever a page is made, so no page is kept past that moment."""
    moment = Article.objects.scheduled().order_by("published_at")
    moment = moment.values_list("published_at", flat=True).first()
    return moment.timestamp() if moment else None


def embedded() -> bool:
    """Whether the page cache keeps pages itself (else an HTTP cache in front does)."""
    return settings.PAGE_CACHE_BACKEND == "django"


# Middleware --------------------------------------------------------------------


class PageCacheMiddleware:
    """Public pages: cookies dropped, kept (embedded) or labelled for the HTTP cache
    in front; see the module docstring.

    Sits just inside WhiteNoise, before the session middleware, so it drops cookies
    before anything reads them and sees the final response before it is stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = exempt_paths()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.exempt):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # The same page for everyone: no session, no staff view, no bypass.
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        if settings.PAGE_CACHE_TIMEOUT <= 0:
            return self.get_response(request)
        try:
            address = page_address(request, ANY_VIEW_PARAMETERS)
        except DisallowedHost:
            # A forged Host: Django answers 400 below; nothing of it is cached.
            return self.get_response(request)
        key = read_at = None
        try:
            backlogged = outbox.backlog.check()
            if embedded():
                key = page_key(address)
                entry = lookup(key)
                if entry is None and (narrowed := self.narrow(request)) != address:
                    # Parameters this view ignores: the page is the one without them.
                    key = page_key(narrowed)
                    entry = lookup(key)
                if entry is not None:
                    response = HttpResponse(entry["content"], headers=entry["headers"])
                    return finish(request, response, entry, hit=True)
            else:
                self.narrow(request)
            # Read before the page's rows: a change committed after this moment
            # stamps its keys past it (pagecache.stamps).
            read_at = stamps.clock()
        except CACHE_ERRORS:
            # The cache is down: readers still get pages, straight from the database.
            logger.exception("Page cache unavailable; serving uncached")
            return self.get_response(request)
        next_scheduled = next_scheduled_time()
        response = self.get_response(request)
        if not is_cacheable_response(request, response):
            return response
        expires_at = lifetime_end(response, next_scheduled, backlogged)
        entry = make_entry(response, expires_at, read_at)
        if not embedded() and not still_fresh(entry):
            # Purged while it rendered: its rows may be older than the purge, and the
            # HTTP cache may receive it after the purge. Served, but not to be kept.
            entry["expires_at"] = time.time()
        if key is not None and request.method == "GET":
            try:
                store(key, entry)
            except CACHE_ERRORS:
                logger.exception("Page cache unavailable; page not stored")
        return finish(request, response, entry, hit=False)

    def narrow(self, request: HttpRequest) -> str:
        """Keep only the query parameters the view reads, in the request itself too:
        the page (its pagination links keep the query string) must be the same
        whatever else the address carried."""
        try:
            url_name = resolve(request.path_info).view_name
        except Resolver404:
            url_name = ""
        read = QUERY_PARAMETERS.get(url_name, ())
        kept = QueryDict(mutable=True)
        for name in read:
            if (value := request.GET.get(name)) is not None:
                kept[name] = value
        request.GET = kept
        return environ_address(request.META, read)


def page_address(request: HttpRequest, parameters) -> str:
    """The page's address (environ_address), its host validated first: DisallowedHost
    for a forged one, which is never stored, so never found before Django either."""
    request.get_host()
    return environ_address(request.META, parameters)


def environ_address(meta: dict, parameters) -> str:
    """Scheme, host, path and the given query parameters in a fixed order, read from
    the WSGI environ as Django reads them: what identifies a page in the cache, the
    same for Django as for the HTTP cache in front."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header and proxy_header[0] in meta:
        secure = meta[proxy_header[0]].split(",", 1)[0].strip() == proxy_header[1]
    else:
        secure = meta.get("wsgi.url_scheme") == "https"
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        host = meta["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in meta:
        host = meta["HTTP_HOST"]
    else:
        host = f"{meta.get('SERVER_NAME', '')}:{meta.get('SERVER_PORT', '')}"
    path = meta.get("SCRIPT_NAME", "") + meta.get("PATH_INFO", "")
    address = f"{'https' if secure else 'http'}://{host}{path}"
    if not (query_string := meta.get("QUERY_STRING")):
        return address
    values = dict(parse_qsl(query_string, keep_blank_values=True))  # the last one wins
    query = [(name, values[name]) for name in sorted(parameters) if name in values]
    return f"{address}?{urlencode(query)}" if query else address


def lookup(key: str) -> Entry | None:
    """The page's entry, if stored, not expired, and none of its keys purged since."""
    entry = cache.get(key)
    if entry is None or entry["expires_at"] <= time.time():
        return None
    return entry if stamps.is_fresh(entry["read_at"], entry["keys"]) else None


def exempt_paths() -> tuple[str, ...]:
    """The admin, previews, and operational addresses such as the health check:
    never cached, and their cookies kept."""
    return ("/" + settings.ADMIN_URL.lstrip("/"), *settings.PAGE_CACHE_EXEMPT)


def page_key(address: str) -> str:
    return f"page-cache:p:{hashlib.sha256(address.encode()).hexdigest()}"


def is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """Only plain 200s that are the same for every anonymous reader.

    Errors are not stored: a 404 costs one indexed query, and storing every
    URL a bot probes would evict the pages readers actually want.
    """
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = split_header_value(response.get("Cache-Control", ""))
    directives = {d.split("=")[0].strip().lower() for d in cache_control}
    if directives & NEVER_STORE_DIRECTIVES:
        return False
    varies = {v.lower() for v in split_header_value(response.get("Vary", ""))}
    if varies - {"cookie"}:
        return False  # readers without a session cookie all get the same page
    # A CSP nonce used by the page must be fresh for every response.
    return not get_nonce(request)


def lifetime_end(response: HttpResponse, next_scheduled, backlogged: bool) -> float:
    """Until when a page may be kept: PAGE_CACHE_TIMEOUT, cut at the next scheduled
    publication, at what the view says runs out, and short while purges are overdue."""
    now = time.time()
    ends = [now + settings.PAGE_CACHE_TIMEOUT]
    if next_scheduled:
        ends.append(next_scheduled)
    if until := getattr(response, "cache_until", None):
        ends.append(until)  # the page shows something that runs out by itself (a pin)
    if backlogged:
        ends.append(now + settings.PURGE_BACKLOG_TIMEOUT)
    return min(ends)


def make_entry(response: HttpResponse, expires_at: float, read_at: int | None) -> Entry:
    content = response.content
    return {
        "content": content,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in RECOMPUTED_HEADERS],
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(time.time()),
        "expires_at": expires_at,
        "read_at": read_at or 0,
        "keys": keys.declared(response),
    }


def still_fresh(entry: Entry) -> bool:
    """Whether none of the page's keys was purged since it read the clock (its missing
    stamps set first, so a key never purged counts as unchanged). If the cache cannot
    tell, the page is kept briefly, as while purges are overdue."""
    try:
        stamps.remember(entry["keys"], entry["read_at"])
        return stamps.is_fresh(entry["read_at"], entry["keys"])
    except CACHE_ERRORS:
        entry["expires_at"] = min(entry["expires_at"], time.time() + settings.PURGE_BACKLOG_TIMEOUT)
        return True


def store(key: str, entry: Entry) -> None:
    # Whole seconds, rounded down, so the entry is gone by the scheduled moment.
    timeout = int(entry["expires_at"] - time.time())
    if timeout >= 1:
        stamps.remember(entry["keys"], entry["read_at"])
        cache.set(key, entry, timeout=timeout)


def finish(request: HttpRequest, response: HttpResponse, entry: Entry, hit: bool) -> HttpResponse:
    """Validators, CDN-friendly Cache-Control capped at the entry's expiry, and a 304 if due."""
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    shared = max(0, int(entry["expires_at"] - time.time()))
    max_age = min(settings.PAGE_CACHE_MAX_AGE, shared)
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=shared)
    if request.method == "HEAD":
        response.content = b""
        response["Content-Length"] = str(len(entry["content"]))
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    if embedded():
        response["X-Page-Cache"] = "hit" if hit else "miss"
    return response
