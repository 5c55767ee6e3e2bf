"""System checks: a purge backend that cannot work must stop the deploy, not leave
an HTTP cache quietly unpurged."""

from django.conf import settings
from django.core.checks import Error, register

from pagecache.backends import BACKENDS

NEEDS = {
    "varnish": ("VARNISH_PURGE_URLS",),
    "fastly": ("FASTLY_SERVICE_ID", "FASTLY_API_TOKEN"),
    "cloudflare": ("CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"),
}


@register()
def purge_backend(app_configs, **kwargs):
    backend = settings.PAGE_CACHE_BACKEND
    if backend not in BACKENDS:
        return [
            Error(
                f"PAGE_CACHE_BACKEND={backend!r} is not one of: {', '.join(BACKENDS)}.",
                id="pagecache.E001",
            )
        ]
    return [
        Error(f"PAGE_CACHE_BACKEND={backend!r} needs {name} to be set.", id="pagecache.E002")
        for name in NEEDS.get(backend, ())
        if not getattr(settings, name)
    ]
