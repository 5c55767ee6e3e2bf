from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# The site-wide addresses every page's header links to (base.html).
SITE_LINK_VIEWS = ("index", "search", "feed", "feed_atom", "feed_json")


@cache
def _site_links(script_prefix: str, urlconf: str) -> dict[str, str]:
    return {name: reverse(f"articles:{name}", urlconf=urlconf) for name in SITE_LINK_VIEWS}


def site(request):
    """The publication's name, public origin and header links, for every template.

    The links are reversed once per script prefix and URLconf, not on every page."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LINKS": _site_links(get_script_prefix(), urlconf),
    }
