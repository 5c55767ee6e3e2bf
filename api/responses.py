"""How every API answer goes out: JSON, validators, caching, CORS, surrogate keys.

- `ETag` is a hash of the body, the same on every server; `Last-Modified` is the
  newest change to the public content (a publication, an edit, a removal), which
  moves with anything a story or list shows except a tag's or an author's rename
  (they keep no time; the ETag sees those), and is left out while that change's
  second is still running. Either gives a 304.
- `Cache-Control: public` as the pages get it (`s-maxage` PAGE_CACHE_TIMEOUT for
  the HTTP cache, which purges by key; `max-age` PAGE_CACHE_MAX_AGE for browsers),
  never past the next scheduled publication: no cached copy may hide a story once
  its time comes (PRODUCT.md).
- `Access-Control-Allow-Origin: *`: public content, no credentials, from any site.
- Errors are JSON naming what was wrong (`parameter` for bad input), and are
  never stored: a story scheduled for a minute from now is a 404 until then.
"""

import hashlib
import json
import math
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from api import keys as surrogate_keys

CONTENT_TYPE = "application/json"


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def answer(
    request,
    body: dict,
    *,
    keys,
    now: datetime,
    last_modified: datetime | None = None,
    expires: datetime | None = None,
) -> HttpResponse:
    """A 200 (or 304) with `body`; `expires` caps how long caches may keep it."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    timestamp = None
    # HTTP dates count whole seconds: a second still running may see another change
    # that the same Last-Modified would then hide. Sent only once its second is over.
    if last_modified is not None and last_modified.timestamp() < math.floor(now.timestamp()):
        timestamp = math.floor(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    # As the pages: the HTTP cache keeps it until purged, for PAGE_CACHE_TIMEOUT at
    # most; browsers, which nothing purges, for PAGE_CACHE_MAX_AGE.
    shared = settings.PAGE_CACHE_TIMEOUT
    if expires is not None:
        shared = max(0, min(shared, math.floor((expires - now).total_seconds())))
    max_age = min(settings.PAGE_CACHE_MAX_AGE, shared)
    response["Cache-Control"] = f"public, max-age={max_age}, s-maxage={shared}"
    surrogate_keys.declare(response, keys)
    cors(response)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional is not response:
        # Django's 304 keeps the validators and Cache-Control; the keys go with them,
        # so the HTTP cache refreshes the copy it files under them.
        surrogate_keys.declare(conditional, keys)
        cors(conditional)
    return conditional


def error(status: int, code: str, detail: str, **more) -> HttpResponse:
    body = {"error": code, "detail": detail, **more}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False).encode(), content_type=CONTENT_TYPE, status=status
    )
    response["Cache-Control"] = "no-store"
    return cors(response)


def bad_parameter(parameter: str, detail: str) -> HttpResponse:
    return error(400, "bad_parameter", detail, parameter=parameter)


def not_found(
    detail: str = "Nothing here. The API's addresses are listed at /api/v1/openapi.json.",
) -> HttpResponse:
    return error(404, "not_found", detail)


def moved(location: str) -> HttpResponse:
    response = HttpResponse(status=301)
    response["Location"] = location
    response["Cache-Control"] = "no-store"
    return cors(response)


class BadParameter(Exception):
    """Bad input in a query parameter: answered 400, naming it."""

    def __init__(self, parameter: str, detail: str):
        super().__init__(f"{parameter}: {detail}")
        self.parameter = parameter
        self.detail = detail
