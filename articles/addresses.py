"""Public addresses by slug: what get_absolute_url() returns for articles, tags and
authors; and the old addresses imported articles keep (`address_key()`)."""

from collections.abc import Callable
from functools import cache
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

SLUG_MARKER = "slug-goes-here"
ADDRESS_MAX_LENGTH = 500  # OldAddress.address


@cache
def _around_slug(view_name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    url = reverse(view_name, urlconf=urlconf, kwargs={"slug": SLUG_MARKER})
    before, after = url.split(SLUG_MARKER)
    return before, after


def slug_address(view_name: str, slug: str) -> str:
    """reverse(view_name, kwargs={"slug": slug}) for a valid slug, at a fraction of
    the cost: a list page links every article and tag on it, and reverse() was a
    tenth of its time. The address around the slug is reversed once per view,
    script prefix and URLconf; the slug is quoted as reverse() quotes it."""
    return slug_addresses(view_name)(slug)


def slug_addresses(view_name: str) -> Callable[[str], str]:
    """slug_address() for many slugs of one view in one request: the script prefix
    and URLconf (thread-local look-ups, a third of slug_address()'s cost) are read
    once, here."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_slug(view_name, get_script_prefix(), urlconf)
    return lambda slug: before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after


def address_key(path: str, post_id: str = "") -> str:
    """An old address as stored and looked up: links to it come with and without
    the trailing slash and percent-encoded or not, so neither counts."""
    key = "/" + unquote(path).strip("/")
    return f"{key}?p={post_id}" if post_id else key


def old_address_of(url: str, host: str) -> str | None:
    """The address key of `url` when it is on `host` (the old site's own), or None.

    A query string is kept only as WordPress's `?p=<id>`: any other would make
    different pages one address (`/news.php?id=1`, `/news.php?id=2`).
    """
    try:
        parts = urlsplit(url.strip())
        url_host = parts.hostname
    except ValueError:
        return None
    if not url_host or url_host != host.lower() or parts.scheme not in ("http", "https"):
        return None
    query = parse_qs(parts.query, keep_blank_values=True)
    for name in [name for name in query if name.startswith("utm_")]:
        del query[name]  # campaign tags that feeds add to their links: not the address
    post_id = ""
    if query:
        post_id = "".join(query.get("p", []))
        if set(query) != {"p"} or not post_id.isdigit():
            return None
    key = address_key(parts.path, post_id)
    return key if len(key) <= ADDRESS_MAX_LENGTH else None
