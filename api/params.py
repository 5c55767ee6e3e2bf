"""Reading the query string: anything wrong is a BadParameter naming the parameter.

Cursors are opaque to clients: the position after the last item of a page (a
time and an id, or a slug), base64url-encoded with the name of the list it
belongs to, so a cursor from another list, or a mangled one, is refused rather
than read as something else.
"""

import base64
import binascii
from datetime import datetime

from django.utils import timezone

from api.responses import BadParameter
from articles.search import MAX_QUERY_LENGTH, ParsedQuery

SEPARATOR = "\x1f"


def only(request, allowed: tuple[str, ...]) -> None:
    """Refuse parameters the endpoint does not read: a misspelt filter must not
    silently answer with everything."""
    for name in request.GET:
        if name not in allowed:
            expected = ", ".join(allowed) if allowed else "none"
            raise BadParameter(name, f"Unknown parameter. This endpoint reads: {expected}.")


def encode_cursor(list_name: str, *parts) -> str:
    text = SEPARATOR.join([list_name, *map(str, parts)])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(list_name: str, cursor: str, count: int) -> list[str]:
    """The `count` parts of a cursor this API gave for `list_name`."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    name, *parts = text.split(SEPARATOR)
    if name != list_name or len(parts) != count or not all(parts):
        raise BadParameter("cursor", "Not a cursor of this list: use the `next` link as given.")
    return parts


def cursor_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise BadParameter("cursor", "Not a cursor of this list: use the `next` link as given.")
    return moment


def cursor_id(value: str) -> int:
    if not value.isdigit():
        raise BadParameter("cursor", "Not a cursor of this list: use the `next` link as given.")
    return int(value)


def time(name: str, value: str | None) -> datetime:
    """An ISO 8601 time with its offset, e.g. 2026-12-01T08:00:00Z."""
    if not value:
        raise BadParameter(
            name, "Required: an ISO 8601 time with its offset, e.g. 2026-12-01T08:00:00Z."
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        hint = " (a + in a URL reads as a space: write %2B or use Z)" if " " in value else ""
        raise BadParameter(
            name, f"Not an ISO 8601 time{hint}, e.g. 2026-12-01T08:00:00Z."
        ) from None
    if timezone.is_naive(moment):
        raise BadParameter(name, "Give the time's offset, e.g. 2026-12-01T08:00:00Z or +01:00.")
    return moment


def search(value: str) -> ParsedQuery:
    if len(value) > MAX_QUERY_LENGTH:
        raise BadParameter("q", f"At most {MAX_QUERY_LENGTH} characters.")
    query = ParsedQuery.parse(value)
    if not query:
        raise BadParameter("q", "Give at least one word to look for.")
    return query


def slug(name: str, value: str) -> str:
    if not value or "\x00" in value:
        raise BadParameter(name, "Give a slug.")
    return value
