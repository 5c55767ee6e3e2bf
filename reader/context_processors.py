from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from pagecache.sections import sections

# The site-wide addresses every page's header links to (base.html).
SITE_LINK_VIEWS = ("index", "search", "feed", "feed_atom", "feed_json", "corrections")
# The static files every page's head links to (base.html).
SITE_ASSETS = {"favicon": "favicon.svg", "css": "css/site.css"}


@cache
def _site_links(script_prefix: str, urlconf: str) -> dict[str, str]:
    return {name: reverse(f"articles:{name}", urlconf=urlconf) for name in SITE_LINK_VIEWS}


@cache
def _site_assets(static_url: str, backend: str) -> dict[str, str]:
    """Hashed names only change with collectstatic, that is on a deploy, which restarts us."""
    return {key: static(path) for key, path in SITE_ASSETS.items()}


def site(request):
    """The publication's name, public origin and header links, for every template.

    The links are reversed once per script prefix and URLconf, and the static addresses
    looked up once per storage, not on every page."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LINKS": _site_links(get_script_prefix(), urlconf),
        "SITE_ASSETS": _site_assets(
            settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"]
        ),
        "SECTIONS": SimpleLazyObject(sections),  # read only by pages with the header
        "YEAR": str(timezone.localdate().year),  # the footer's: cheaper than {% now "Y" %}, and
        # a string, which the template prints without localize()
    }
