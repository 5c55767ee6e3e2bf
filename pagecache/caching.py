"""The page cache: anonymous responses, kept in the default cache, never stale.

Every cached page is filed with what it shows (its articles, tags, authors, the
lists it is made of), and a change evicts only the pages showing what it touched,
on every app server sharing the cache: see pagecache.invalidation for the rules.

Time changes content too: a scheduled article appears when its `published_at`
passes, with no save to bump anything. So no entry (and no browser or CDN copy)
may outlive the next scheduled `published_at`; that moment is looked up once per
change to the public order and caps every timeout. A view whose page shows
something else that runs out by itself (the front page's pins) caps its own entry
with `response.cache_until` (a Unix time).

A hit costs two cache reads (the page, then its topics) and no query.
Requests carrying a session cookie (logged-in staff, who see drafts and previews)
bypass the cache entirely, without loading the session to find out.
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
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, split_header_value

from articles import shown
from articles.models import Article
from pagecache import invalidation

logger = logging.getLogger(__name__)

# Headers recomputed for every response served from an entry.
RECOMPUTED_HEADERS = {"content-length", "date", "etag", "last-modified", "cache-control"}
NEVER_STORE_DIRECTIVES = {"private", "no-cache", "no-store"}
# The query parameters each view reads (by URL name); every other parameter, tracking
# ones included, is dropped before the page is looked up, rendered or stored, so a
# stream of `?utm_x=N` can neither fill the cache with copies nor bypass it.
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
    read_at: int  # the invalidation clock, read before the page's rows
    topics: list[str]  # what the page shows (pagecache.invalidation)
    topic_keys: list[bytes] | None  # the topics' keys for the cache's tracked reads


# Scheduled publication --------------------------------------------------------------


NEXT_SCHEDULED_KEY = "page-cache:next-scheduled"


def next_scheduled_time(read_at: int) -> float | None:
    """When the next scheduled article goes live (a Unix time), or None.

    One indexed query, kept until that moment or until an article is published,
    scheduled or unpublished (the `list` topic), whichever comes first.
    """
    found = cache.get(NEXT_SCHEDULED_KEY)
    if found is not None and invalidation.is_fresh(found[0], LIST_TOPICS):
        return found[1] or None
    moment = Article.objects.scheduled().order_by("published_at")
    moment = moment.values_list("published_at", flat=True).first()
    moment = moment.timestamp() if moment else 0.0
    lifetime = moment - time.time() if moment else settings.PAGE_CACHE_TIMEOUT
    if lifetime >= 1:
        cache.set(
            NEXT_SCHEDULED_KEY,
            (read_at, moment),
            timeout=min(lifetime, settings.PAGE_CACHE_TIMEOUT),
        )
    return moment or None


LIST_TOPICS = (shown.LIST, shown.ALL)


# Middleware --------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve and store anonymous GET/HEAD pages; see the module docstring.

    Sits just inside WhiteNoise, before the session middleware, so it sees the
    final response (cookies, Vary) before anything is stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = exempt_paths()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.is_cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # What a session holder sees may be a preview: no shared cache keeps it.
                patch_cache_control(response, private=True)
            return response
        try:
            address = page_address(request, ANY_VIEW_PARAMETERS)
        except DisallowedHost:
            # A forged Host: Django answers 400 below; nothing of it is cached.
            return self.get_response(request)
        try:
            key = page_key(address)
            entry = lookup(key)
            if entry is None and (narrowed := self.narrow(request)) != address:
                # Parameters this view ignores: the page is the one without them.
                address, key = narrowed, page_key(narrowed)
                entry = lookup(key)
            if entry is None:
                # Read before the page's rows: a change committed after this moment
                # bumps its topics past it (pagecache.invalidation).
                read_at = invalidation.clock()
                next_scheduled = next_scheduled_time(read_at)
        except CACHE_ERRORS:
            # The cache is down: readers still get pages, straight from the database.
            logger.exception("Page cache unavailable; serving uncached")
            return self.get_response(request)
        if entry is not None:
            response = HttpResponse(entry["content"], headers=entry["headers"])
            return finish(request, response, entry, hit=True)

        with shown.recording() as page:
            response = self.get_response(request)
        if request.method != "GET" or not is_cacheable_response(request, response):
            return response
        entry = store(key, response, next_scheduled, read_at, page.topics)
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

    def is_cacheable_request(self, request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE_TIMEOUT > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.exempt)
        )


def page_address(request: HttpRequest, parameters) -> str:
    """The page's address (environ_address), its host validated first: DisallowedHost
    for a forged one, which is never stored, so never found before Django either."""
    request.get_host()
    return environ_address(request.META, parameters)


def environ_address(meta: dict, parameters) -> str:
    """Scheme, host, path and the given query parameters in a fixed order, read from
    the WSGI environ as Django reads them: what identifies a page in the cache, the
    same before Django sees the request (serve_hit) as inside it."""
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
    """The page's entry, if stored, not expired, and none of the topics it shows
    changed since. On Redis both reads are usually answered by this process's own
    tracked copies (pagecache.tracked_reads), without a round trip."""
    entry = invalidation.read_many([key]).get(key)
    if entry is None or entry["expires_at"] <= time.time():
        return None
    if (keys := entry.get("topic_keys")) is not None and hasattr(cache, "tracked_values"):
        fresh = invalidation.is_fresh_by_keys(entry["read_at"], keys)
    else:
        fresh = invalidation.is_fresh(entry["read_at"], entry["topics"])
    return entry if fresh else None


CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                       "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE")  # fmt: skip


def serve_hit(environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """A stored page for a WSGI request, before Django and its middleware run, or None
    (Django then handles the request, the page cache middleware first).

    Only the plain case: an anonymous GET or HEAD without conditional headers, whose
    page is stored and fresh. Everything else takes the full path, which answers it
    exactly as before. The stored headers are those the whole middleware stack gave
    the page (the page cache middleware runs first), security headers included.
    """
    method = environ.get("REQUEST_METHOD")
    if settings.PAGE_CACHE_TIMEOUT <= 0 or method not in ("GET", "HEAD"):
        return None
    if f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", ""):
        return None
    if any(name in environ for name in CONDITIONAL_HEADERS):
        return None
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if path.startswith(exempt_paths()):
        return None
    try:
        entry = lookup(page_key(environ_address(environ, ANY_VIEW_PARAMETERS)))
    except CACHE_ERRORS:
        return None  # the full path logs it and serves the page uncached
    if entry is None:
        return None
    content = entry["content"]
    max_age = max(0, min(settings.PAGE_CACHE_MAX_AGE, int(entry["expires_at"] - time.time())))
    headers = [(k, v) for k, v in entry["headers"] if k.lower() != "vary"]
    varies = [v for k, v in entry["headers"] if k.lower() == "vary"]
    vary = ", ".join(varies) if varies else ""
    if "cookie" not in {v.strip().lower() for v in vary.split(",")}:
        vary = f"{vary}, Cookie" if vary else "Cookie"
    headers += [
        ("Vary", vary),
        ("ETag", entry["etag"]),
        ("Last-Modified", http_date(entry["last_modified"])),
        ("Cache-Control", f"public, max-age={max_age}, s-maxage={max_age}"),
        ("Content-Length", str(len(content))),
        ("X-Page-Cache", "hit"),
    ]
    return "200 OK", headers, b"" if method == "HEAD" else content


def exempt_paths() -> tuple[str, ...]:
    """The admin, and operational addresses such as the health check."""
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


def store(
    key: str, response: HttpResponse, next_scheduled: float | None, read_at: int, topics: set[str]
) -> Entry:
    now = time.time()
    expires_at = now + settings.PAGE_CACHE_TIMEOUT
    if next_scheduled:
        expires_at = min(expires_at, next_scheduled)
    if until := getattr(response, "cache_until", None):
        # The page shows something that runs out by itself (a front-page pin).
        expires_at = min(expires_at, until)
    content = response.content
    entry: Entry = {
        "content": content,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in RECOMPUTED_HEADERS],
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(now),
        "expires_at": expires_at,
        "read_at": read_at,
        "topics": sorted(topics),
        "topic_keys": invalidation.topic_keys(sorted(topics)),
    }
    # Whole seconds, rounded down, so the entry is gone by the scheduled moment.
    timeout = int(expires_at - now)
    if timeout >= 1:
        cache.set(key, entry, timeout=timeout)
    return entry


def finish(request: HttpRequest, response: HttpResponse, entry: Entry, hit: bool) -> HttpResponse:
    """Validators, CDN-friendly Cache-Control capped at the entry's expiry, and a 304 if due."""
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    max_age = max(0, min(settings.PAGE_CACHE_MAX_AGE, int(entry["expires_at"] - time.time())))
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
    # The page differs for session holders (staff previews), so caches must key on cookies.
    patch_vary_headers(response, ["Cookie"])
    if request.method == "HEAD":
        response.content = b""
        response["Content-Length"] = str(len(entry["content"]))
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    response["X-Page-Cache"] = "hit" if hit else "miss"
    return response
