"""Middleware that keeps hostile input and database outages from becoming 500s.

Readers get a clear 503 page, not a 500 or a traceback, while the database is away.
Django drops a broken connection at the end of the request and, with
CONN_HEALTH_CHECKS on, checks a reused one before the next, so the site serves
normally again as soon as the database is back: nothing needs restarting.
"""

import logging

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request so nothing touches the database."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s", exception, exc_info=exception)
            return database_unavailable_response()
        return None


class RejectNulBytesMiddleware:
    """A NUL byte in the address's path is a bad request, refused before any query.

    No real address contains one, and PostgreSQL cannot hold NUL in text: a slug or
    tag slug carrying one would otherwise fail inside the database as a 500. Query
    parameters are the views' to read (search strips NUL and still answers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the request path")
        return self.get_response(request)
