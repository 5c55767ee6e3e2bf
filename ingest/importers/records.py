"""What an import reads: the records parsers yield, and the checks on them.

Parsers (one module per format) are pure: they read bytes and yield
`ImportedArticle`, `Rejection` or `Skipped` items, never touching the database.
`validate()` finds the first problem that stops a record being stored; the save
path (ingest/importers/saving.py) counts what happened in an `ImportResult`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_unicode_slug

from articles.models import Article, Tag
from articles.summarizer import SUMMARY_MAX_LENGTH

HEAD_SIZE = 64 * 1024  # bytes read to guess a format and check its encoding
# Articles written on this site are exported with `newsroom:<slug>` as their
# import_ref, so importing an export back into the same site matches them by slug.
NATIVE_PREFIX = "newsroom:"

STATUSES = {choice.value for choice in Article.Status}


class FormatError(Exception):
    """The document as a whole cannot be read as the stated format."""


@dataclass
class LeadImage:
    """An external lead image recorded by URL (never downloaded by the import itself)."""

    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class ImportedArticle:
    """One record read from a source, before validation and preparation.

    `status` and `published_at` are None when the source gives none: a new article
    then takes the run's default status and the import time, an existing one keeps
    its own. A naive `published_at` is read in the site's time zone.
    `summary_generated` is True when the source (our own export) says `summary`
    was generated from the body rather than written by an editor.
    Our own export also carries `first_published_at` and `modified_at` (the
    publication record), `created_at`/`updated_at` (kept for new articles),
    `author` (a staff username) and `lead_image_file`, an uploaded image's URL
    (ingest.importers.media), which `valid_batches()` resolves to the storage
    name in `lead_image_name`. None in `lead_image`, `lead_image_file` or `author`
    means the source does not say: an existing article keeps its own.
    """

    record: int
    headline: str
    body: str = ""
    import_ref: str = ""
    slug: str = ""
    standfirst: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    byline: str = ""
    source_name: str = ""
    source_url: str = ""
    canonical_url: str = ""
    status: str | None = None
    published_at: datetime | None = None
    summary_generated: bool = False
    # Our export's authors ({"name", "slug"} in byline order); None when not given.
    authors: list[dict] | None = None
    lead_image: LeadImage | None = None
    first_published_at: datetime | None = None
    modified_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    lead_image_file: str | None = None
    lead_image_name: str = ""
    author: str | None = None
    corrections: list[dict] | None = None  # see ingest.importers.related
    redirects: list[str] | None = None
    # Addresses on the site the record comes from (address keys, articles.addresses).
    old_addresses: list[str] | None = None
    untitled: bool = False  # the source had no title: `headline` was made from the text
    line: int | None = None
    raw: Any = None


@dataclass
class Rejection:
    """A record that will not be imported: where it is, which field, and why."""

    record: int
    field: str
    reason: str
    line: int | None = None
    raw: Any = None

    def as_dict(self) -> dict:
        row = {"record": self.record, "field": self.field, "reason": self.reason}
        if self.line is not None:
            row["line"] = self.line
        if self.raw is not None:
            row["raw"] = self.raw
        return row


@dataclass
class Skipped:
    """A record the format holds but we do not import (a WordPress page, an attachment)."""

    record: int
    kind: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: Counter = field(default_factory=Counter)
    naive_dates: int = 0
    untitled: int = 0
    batches_committed: int = 0
    # Existing articles an editor changed while their batch was being built: left alone.
    conflicts: int = 0
    # Records whose article is in the trash: skipped (editorial.imports).
    in_trash: int = 0
    # Articles written or matched whose summary is still to be generated.
    unsummarized: list[int] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def add(self, other: ImportResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        self.skipped.update(other.skipped)
        self.naive_dates += other.naive_dates
        self.untitled += other.untitled
        self.batches_committed += other.batches_committed
        self.conflicts += other.conflicts
        self.in_trash += other.in_trash
        self.unsummarized += other.unsummarized

    def since(self, earlier: ImportResult) -> ImportResult:
        """The counts added after `earlier` (a copy of this result taken then)."""
        return ImportResult(
            created=self.created - earlier.created,
            updated=self.updated - earlier.updated,
            unchanged=self.unchanged - earlier.unchanged,
            rejected=self.rejected - earlier.rejected,
            in_trash=self.in_trash - earlier.in_trash,
        )


def max_length(name: str) -> int | None:
    return Article._meta.get_field(name).max_length


MAX_LENGTHS = {
    name: max_length(name)
    for name in (
        "headline",
        "standfirst",
        "byline",
        "source_name",
        "source_url",
        "canonical_url",
        "import_ref",
    )
}
IMAGE_MAX_LENGTHS = {
    part: max_length(f"lead_image_{part}") for part in ("url", "alt", "caption", "credit")
}
SLUG_MAX_LENGTH = max_length("slug")
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
_validate_url = URLValidator()


def validate(item: ImportedArticle) -> Rejection | None:
    """The first problem that stops `item` being stored, or None."""

    def reject(field_name: str, reason: str) -> Rejection:
        return Rejection(item.record, field_name, reason, line=item.line, raw=item.raw)

    if not item.headline.strip():
        return reject("headline", "missing headline")
    for name, limit in MAX_LENGTHS.items():
        value = getattr(item, name)
        if len(value) > limit:
            return reject(name, f"longer than {limit} characters ({len(value)})")
    if item.slug:
        if len(item.slug) > SLUG_MAX_LENGTH:
            return reject("slug", f"longer than {SLUG_MAX_LENGTH} characters")
        try:
            validate_unicode_slug(item.slug)
        except ValidationError:
            return reject("slug", "not a valid slug (letters, numbers, hyphens, underscores)")
    urls = {
        "source_url": item.source_url,
        "canonical_url": item.canonical_url,
        "lead_image": item.lead_image_file,
    }
    if item.lead_image:
        urls["lead_image_url"] = item.lead_image.url
        for part, limit in IMAGE_MAX_LENGTHS.items():
            if len(getattr(item.lead_image, part)) > limit:
                return reject(f"lead_image_{part}", f"longer than {limit} characters")
    for name, url in urls.items():
        try:
            if url:
                _validate_url(url)
        except ValidationError:
            return reject(name, "not a valid http(s) URL")
    if len(item.summary) > SUMMARY_MAX_LENGTH:
        return reject("summary", f"longer than {SUMMARY_MAX_LENGTH} characters")
    if item.status is not None and item.status not in STATUSES:
        return reject("status", f"must be one of {', '.join(sorted(STATUSES))}")
    for name in item.tags:
        if not name.strip():
            return reject("tags", "empty tag name")
        if len(name) > TAG_MAX_LENGTH:
            return reject("tags", f"tag name longer than {TAG_MAX_LENGTH} characters")
    return None


def is_native(ref: str) -> bool:
    return ref.startswith(NATIVE_PREFIX)


def slug_from_ref(ref: str) -> str:
    return ref.removeprefix(NATIVE_PREFIX) if is_native(ref) else ""


def source_slug(value: str) -> str:
    """A source's slug (percent-encoded or not) when it is usable here, else ""."""
    slug = unquote(value.strip())
    try:
        validate_unicode_slug(slug)
    except ValidationError:
        return ""
    return slug.lower()[:200]


def tag_key(name: str) -> str:
    """Tags are matched by name without regard to case or surrounding space."""
    return name.strip().casefold()
