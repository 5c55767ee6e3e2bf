"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), read as the RSS/Atom importer reads feeds.

A JSON Feed is one JSON object whose `version` is `https://jsonfeed.org/version/1`
or `…/1.1`, with its entries in `items`. Mapping per item, as in `feeds`:
- `import_ref`: the item's `id` (a number is read as its text), else its `url`;
  one longer than the field holds becomes `feed-sha1:<hash of it>`. An item with
  neither is rejected.
- `headline`: `title` (plain text); an untitled item gets one made from the start
  of its text (untitled.py). `body`: `content_html`, else `content_text` in
  paragraphs, else the summary; `summary`: `summary` when there is content too
  and it fits (else one is generated).
- `byline`: the names of `authors` (1.1), else of `author` (1.0); `source_name`:
  the feed's `title`; `source_url`: the item's `url`.
- `tags`: the item's `tags`. `published_at`: `date_published`, else
  `date_modified` (RFC 3339); none → the import time; one that cannot be read →
  rejected. Lead image: `image`, else `banner_image`, by URL.
- old addresses: the `url`, when it is on the host of the feed's `home_page_url`.
Feeds carry no status: articles take the run's `--status` (draft by default).
"""

import hashlib
import html
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from articles.addresses import old_address_of
from articles.summarizer import SUMMARY_MAX_LENGTH
from ingest.importers import json_document
from ingest.importers.feeds import BYLINE_MAX_LENGTH, REF_MAX_LENGTH, host_of, is_url, shorten
from ingest.importers.lead_images import lead_image
from ingest.importers.records import FormatError, ImportedArticle, Rejection
from ingest.importers.untitled import made_headline

VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.1)?/?$")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def is_json_feed(document: Any) -> bool:
    return isinstance(document, dict) and bool(VERSION.match(str(document.get("version", ""))))


def load(fp: BinaryIO) -> dict:
    document = json_document.load(fp)
    if not is_json_feed(document):
        raise FormatError("not a JSON Feed: no version https://jsonfeed.org/version/1 or 1.1")
    if not isinstance(document.get("items"), list):
        raise FormatError("not a JSON Feed: it has no list of items")
    return document


def check(fp: BinaryIO) -> None:
    load(fp)


def parse(fp: BinaryIO) -> Iterator[ImportedArticle | Rejection]:
    feed = load(fp)
    source_name = text(feed.get("title"))[:200]
    host = host_of(text(feed.get("home_page_url")))
    for number, item in enumerate(feed["items"], 1):
        if not isinstance(item, dict):
            yield Rejection(number, "", "not a JSON object", raw=item)
            continue
        yield from_item(number, item, source_name, host)


def text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def from_item(number: int, item: dict, source_name: str, host: str) -> ImportedArticle | Rejection:
    raw = {key: item.get(key) for key in ("id", "url", "title", "date_published")}

    def reject(field: str, reason: str) -> Rejection:
        return Rejection(number, field, reason, raw=raw)

    ref = item.get("id")
    ref = str(ref).strip() if isinstance(ref, str | int) and not isinstance(ref, bool) else ""
    url = text(item.get("url"))
    ref = ref or url
    if not ref:
        return reject("import_ref", "item has no id or url")
    if len(ref) > REF_MAX_LENGTH:
        ref = "feed-sha1:" + hashlib.sha1(ref.encode()).hexdigest()
    published_at = None
    for key in ("date_published", "date_modified"):
        if value := item.get(key):
            try:
                published_at = datetime.fromisoformat(str(value).strip())
            except ValueError:
                return reject("published_at", f"cannot read the date {value!r}")
            break
    summary = item.get("summary") if isinstance(item.get("summary"), str) else ""
    body = content(item) or paragraphs(summary)
    headline = text(item.get("title"))
    tags = []
    for name in item.get("tags") or []:
        if isinstance(name, str) and name.strip():
            if name.strip().casefold() not in {t.casefold() for t in tags}:
                tags.append(name.strip())
    image = lead_image(text(item.get("image")) or text(item.get("banner_image")))
    return ImportedArticle(
        record=number,
        import_ref=ref,
        headline=headline or made_headline(body, published_at),
        untitled=not headline,
        body=body,
        summary=summary.strip() if content(item) and len(summary) <= SUMMARY_MAX_LENGTH else "",
        byline=shorten(byline(item), BYLINE_MAX_LENGTH),
        source_name=source_name,
        source_url=url if is_url(url) else "",
        tags=tags,
        published_at=published_at,
        lead_image=image,
        old_addresses=[address] if host and (address := old_address_of(url, host)) else None,
        raw=raw,
    )


def content(item: dict) -> str:
    """`content_html`, else `content_text` as paragraphs."""
    if isinstance(item.get("content_html"), str) and item["content_html"].strip():
        return item["content_html"]
    value = item.get("content_text")
    return paragraphs(value) if isinstance(value, str) else ""


def paragraphs(value: str) -> str:
    """Plain text as HTML paragraphs, split at blank lines."""
    parts = (p.strip() for p in _PARAGRAPHS.split(value))
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts if p)


def byline(item: dict) -> str:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item["author"]] if isinstance(item.get("author"), dict) else []
    names = [text(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)
