"""Public addresses by slug: what get_absolute_url() returns for articles, tags and authors."""

from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

SLUG_MARKER = "slug-goes-here"


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
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_slug(view_name, get_script_prefix(), urlconf)
    return before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after
