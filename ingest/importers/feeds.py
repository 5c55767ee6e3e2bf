"""RSS 2.0 (and 0.9x), RSS 1.0/RDF and Atom feeds, read by feedparser.

feedparser is handed the bytes we read, never a path or URL it could fetch
itself. Documents declaring entities are refused first (defusedxml), so nothing
can expand or fetch one. feedparser's own sanitizer runs on entry HTML; ours
(`clean_html`, through `process()`) runs again when the article is stored.

Mapping per entry:
- `import_ref`: the entry's id (Atom `id`, RSS `guid`), else its link; one longer
  than the field holds becomes `feed-sha1:<hash of it>`. An entry with neither is
  rejected.
- `headline`: the title as plain text (HTML in titles is stripped); an untitled
  entry gets one made from the start of its text (untitled.py).
- `body`: the full content (`content:encoded`, Atom `content`), else the
  description/summary; `summary`: the description as text when there is also
  content and it fits in a summary (else one is generated).
- `byline`: the author (a list longer than the field is cut at a word, with "…");
  `source_name`: the feed's title; `source_url`: the link.
- `tags`: the entry's categories. `published_at`: published, else updated (feedparser
  normalises both to UTC); no date → the import time; a date it cannot read → rejected.
- lead image: Media RSS or an image enclosure, by URL (see lead_images.py).
- old addresses: the link, when it is on the feed's own host (the feed's `link`),
  so a site moving here by its feed keeps its addresses (reader.redirects).
Feeds carry no status: articles take the run's `--status` (draft by default).
A feed is read whole (feeds are small); entries are numbered from 1.
"""

import hashlib
import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from articles.addresses import old_address_of
from articles.models import Article
from articles.sanitize import clean_html, html_to_text, inline_text
from articles.summarizer import SUMMARY_MAX_LENGTH
from ingest.importers.lead_images import EntryMedia, feed_image, feed_media
from ingest.importers.records import FormatError, ImportedArticle, Rejection
from ingest.importers.untitled import made_headline

REF_MAX_LENGTH = Article._meta.get_field("import_ref").max_length
URL_MAX_LENGTH = Article._meta.get_field("source_url").max_length
BYLINE_MAX_LENGTH = Article._meta.get_field("byline").max_length
_validate_url = URLValidator()
_PARAGRAPHS = re.compile(r"\n\s*\n")


def check(fp: BinaryIO) -> None:
    refuse_entities(fp.read())


def refuse_entities(data: bytes) -> None:
    """Refuse entity declarations and external references before feedparser sees the bytes."""
    parser = XMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as error:
        raise FormatError(f"refused: {error}") from None
    except Exception:  # noqa: BLE001 - ill-formed XML is feedparser's to judge (it reads loosely)
        pass


def parse(fp: BinaryIO) -> Iterator[ImportedArticle | Rejection]:
    data = fp.read()
    refuse_entities(data)
    feed = feedparser.parse(data)
    if not feed.get("version") and not feed.entries:
        problem = feed.get("bozo_exception")
        raise FormatError(f"not an RSS or Atom feed{f': {problem}' if problem else ''}")
    source_name = inline_text(feed.feed.get("title", ""))[:200]
    host = host_of(feed.feed.get("link", ""))
    media = feed_media(data)
    if media is not None and len(media) != len(feed.entries):
        media = None  # cannot pair them up: rely on what feedparser kept
    for number, entry in enumerate(feed.entries, 1):
        yield from_entry(number, entry, source_name, media[number - 1] if media else None, host)


def host_of(url: str) -> str:
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def from_entry(
    number: int, entry, source_name: str, media: EntryMedia | None = None, host: str = ""
) -> ImportedArticle | Rejection:
    raw = {key: dict.get(entry, key) for key in ("id", "link", "title", "published", "updated")}

    def reject(field: str, reason: str) -> Rejection:
        return Rejection(number, field, reason, raw=raw)

    ref = (entry.get("id") or entry.get("link") or "").strip()
    if not ref:
        return reject("import_ref", "entry has no id, guid or link")
    if len(ref) > REF_MAX_LENGTH:
        ref = "feed-sha1:" + hashlib.sha1(ref.encode()).hexdigest()
    headline = title_text(entry)
    published_at = None
    for key in ("published", "updated", "created"):
        # dict.get: FeedParserDict maps a missing "updated" to "published" with a
        # deprecation warning; we want each key as the feed gave it.
        if parsed := dict.get(entry, f"{key}_parsed"):
            published_at = datetime(*parsed[:6], tzinfo=UTC)
            break
        if text := dict.get(entry, key):
            return reject("published_at", f"cannot read the date {text!r}")
    body, description = body_and_description(entry, media)
    summary = ""
    if description and body != description:
        text = html_to_text(clean_html(description))
        if len(text) <= SUMMARY_MAX_LENGTH:
            summary = text
    link = entry.get("link", "")
    tags = []
    for tag in entry.get("tags", []):
        name = (tag.get("label") or tag.get("term") or "").strip()
        if name and name.casefold() not in {t.casefold() for t in tags}:
            tags.append(name)
    return ImportedArticle(
        record=number,
        import_ref=ref,
        headline=headline or made_headline(body, published_at),
        untitled=not headline,
        body=body,
        summary=summary,
        byline=shorten(inline_text(entry.get("author", "")), BYLINE_MAX_LENGTH),
        source_name=source_name,
        source_url=link if is_url(link) else "",
        tags=tags,
        published_at=published_at,
        lead_image=feed_image(media, entry),
        old_addresses=[address] if host and (address := old_address_of(link, host)) else None,
        raw=raw,
    )


def title_text(entry) -> str:
    detail = entry.get("title_detail") or {}
    title = entry.get("title", "")
    if "html" in detail.get("type", ""):
        return inline_text(title)
    return " ".join(title.split())


def body_and_description(entry, media: EntryMedia | None = None) -> tuple[str, str]:
    description = as_html(entry.get("summary_detail") or {})
    # feedparser files an image's media:description as entry content: not the body.
    caption = media.description if media else None
    contents = [
        as_html(detail)
        for detail in entry.get("content", [])
        if caption is None or detail.get("value", "").strip() != caption
    ]
    body = max(contents, key=len, default="") or description
    return body, description


def as_html(detail) -> str:
    value = detail.get("value", "") or ""
    if "html" in detail.get("type", "text/html"):
        return value
    paragraphs = (p.strip() for p in _PARAGRAPHS.split(value))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def shorten(value: str, limit: int) -> str:
    """Feeds list every author of a paper; keep what fits, at a word, marked with an ellipsis."""
    if len(value) <= limit:
        return value
    return value[: limit - 1].rsplit(" ", 1)[0].rstrip(",;") + "…"


def is_url(value: str) -> bool:
    if not value or len(value) > URL_MAX_LENGTH:
        return False
    try:
        _validate_url(value)
    except ValidationError:
        return False
    return True
