"""Operational views: the health check and the server-error handler."""

import sys

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error

from newsroom.middleware import DATABASE_ERRORS, database_unavailable_response

HEALTH_CACHE_KEY = "healthz"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def cache_ok() -> bool:
    try:
        cache.set(HEALTH_CACHE_KEY, "ok", timeout=10)
        return cache.get(HEALTH_CACHE_KEY) == "ok"
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """Database and cache state for load balancers: 200 when both answer, else 503."""
    state = {"database": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in state.items()}
    return JsonResponse(body, status=200 if all(state.values()) else 503)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def server_error(request):
    """A database error raised outside a view (e.g. in middleware) still gets the 503 page."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return database_unavailable_response()
    return default_server_error(request)
