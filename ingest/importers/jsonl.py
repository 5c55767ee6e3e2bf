"""JSON Lines: the project's own format, written by `export_articles`.

One JSON object per line, keys named as the model's fields (the full list is
`ingest.importers.schema.FIELDS`): `import_ref`, `slug`, `headline`,
`standfirst`, `summary`, `summary_generated`, `body` (HTML), `tags` (a list of
names), `byline`, `source_name`, `source_url`, `status` (`draft` or `published`),
`published_at`, `first_published_at`, `modified_at`, `created_at` and
`updated_at` (ISO 8601; without an offset read in
the site's zone; a date alone means midnight there), the lead image's
`lead_image` (an uploaded image's URL, see `ingest.importers.media`),
`lead_image_url`, `lead_image_alt`, `lead_image_caption` and `lead_image_credit`,
`author` (a staff username), `authors` (the byline's author profiles, a list of
`{"name", "slug"}` in order: matched by slug, created when missing; without the
key, a byline naming one person with a profile is mapped to that author, see
`ingest.importers.authors`), `canonical_url` (where search engines should
index a story whose original lives elsewhere), and the lists `corrections`,
`redirects` and `old_addresses` (`ingest.importers.related`). Only `headline`
and `body` are required; any other key rejects the record. `summary_generated:
true` keeps a generated summary following the body; `created_at` and
`updated_at` are kept for new articles. Another system's keys are renamed with
`--map` and left out with `--ignore` (`ingest.importers.mapping`).

`import_ref` is the record's own, else its `source_url`, else `newsroom:<slug>`
when it has a slug (what export writes for articles written on the site). A
record with none of these has no identity and is created on every run.

The file must be UTF-8 (a byte-order mark is allowed). Blank lines are ignored;
record numbers are line numbers.
"""

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from ingest.importers.mapping import NO_MAP, FieldMap, flatten
from ingest.importers.records import (
    HEAD_SIZE,
    NATIVE_PREFIX,
    FormatError,
    ImportedArticle,
    LeadImage,
    Rejection,
)
from ingest.importers.related import parse_corrections, parse_old_addresses, parse_redirects
from ingest.importers.schema import FIELDS

REQUIRED_FIELDS = ("headline", "body")
SLUG = re.compile(r"[-\w]{1,100}")
TEXT_FIELDS = (
    "import_ref",
    "slug",
    "headline",
    "standfirst",
    "summary",
    "body",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
)
IMAGE_FIELDS = ("lead_image_url", "lead_image_alt", "lead_image_caption", "lead_image_credit")
DATE_FIELDS = ("published_at", "first_published_at", "modified_at", "created_at", "updated_at")
STRING_FIELDS = (*TEXT_FIELDS, *IMAGE_FIELDS, "lead_image", "author")
KNOWN_FIELDS = frozenset(FIELDS)  # read once a record: a set answers at once


def sniff(head: bytes) -> bool:
    """Does the start of a file look like JSON Lines?"""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def check(fp: BinaryIO) -> None:
    """Refuse a file whose start is not UTF-8 JSON objects, before anything is written."""
    head = fp.read(HEAD_SIZE)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut by the sample's end
            raise FormatError(f"not UTF-8 (byte {error.start}): {error.reason}") from None
        text = head[: error.start].decode("utf-8-sig")
    if not sniff(text.encode()):
        raise FormatError("not JSON Lines: the first record does not start with '{'")


def parse(fp: BinaryIO, fields: FieldMap = NO_MAP) -> Iterator[ImportedArticle | Rejection]:
    """Records from JSON Lines; `fields` renames and leaves out keys (--map, --ignore)."""
    for number, raw_line in enumerate(fp, 1):
        if number == 1:
            raw_line = raw_line.removeprefix(b"\xef\xbb\xbf")
        if not raw_line.strip():
            continue
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Rejection(number, "", f"not UTF-8: {error.reason}", line=number)
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejection(number, "", f"not JSON: {error.msg}", line=number, raw=line.rstrip())
            continue
        except RecursionError:
            yield Rejection(number, "", "not JSON we read: nested too deeply", line=number)
            continue
        if not isinstance(data, dict):
            yield Rejection(number, "", "not a JSON object", line=number, raw=data)
            continue
        if fields:
            if clashes := fields.clashes(flatten(data)):
                reason = "both under our name and mapped"
                yield Rejection(number, clashes[0], reason, line=number, raw=data)
                continue
            yield from_fields(number, fields.apply(data), line=number, raw=data)
            continue
        yield from_fields(number, data, line=number)


def from_fields(
    number: int, data: dict[str, Any], *, line: int | None = None, raw: Any = None
) -> ImportedArticle | Rejection:
    """An ImportedArticle from a record in the project's schema (JSON Lines, CSV or
    JSON); `raw` is the record as the file had it, when mapping renamed its keys."""
    raw = data if raw is None else raw

    def reject(field: str, reason: str) -> Rejection:
        return Rejection(number, field, reason, line=line, raw=raw)

    if not KNOWN_FIELDS.issuperset(data):
        return reject(next(key for key in data if key not in KNOWN_FIELDS), "unknown field")
    for key in REQUIRED_FIELDS:
        if data.get(key) is None:
            return reject(key, f"missing {key}")
    values: dict[str, Any] = dict.fromkeys(STRING_FIELDS, "")
    for key in STRING_FIELDS:
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            if key != "import_ref" or not isinstance(value, int) or isinstance(value, bool):
                return reject(key, "must be a string")
            value = str(value)
        values[key] = value
    tags = data.get("tags") or []
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        return reject("tags", "must be a list of strings")
    authors = data.get("authors")
    if authors is not None and not valid_authors(authors):
        return reject("authors", 'must be a list of {"name": …, "slug": …} objects')
    status = data.get("status") or None
    if status is not None and not isinstance(status, str):
        return reject("status", "must be a string")
    if data.get("summary_generated") not in (None, True, False, "true", "false"):
        return reject("summary_generated", "must be true or false")
    dates = {}
    for key in DATE_FIELDS:
        try:
            dates[key] = parse_datetime(data[key]) if data.get(key) else None
        except (TypeError, ValueError):
            return reject(key, "not an ISO 8601 date or date and time")
    values["import_ref"] = (
        values["import_ref"]
        or values["source_url"]
        or (NATIVE_PREFIX + values["slug"] if values["slug"] else "")
    )
    image = None
    related = {}
    if "corrections" in data:
        related["corrections"] = parse_corrections(data["corrections"], parse_datetime)
    if "redirects" in data:
        related["redirects"] = parse_redirects(data["redirects"])
    if "old_addresses" in data:
        related["old_addresses"] = parse_old_addresses(data["old_addresses"])
    for key, value in related.items():
        if isinstance(value, str):
            return reject(key, value)
    if any(key in data for key in IMAGE_FIELDS):
        image = LeadImage(*(values[key] for key in IMAGE_FIELDS))
    return ImportedArticle(
        record=number,
        line=line,
        tags=list(tags),
        status=status,
        summary_generated=data.get("summary_generated") in (True, "true"),
        lead_image=image,
        lead_image_file=values["lead_image"] if "lead_image" in data else None,
        author=values["author"] if "author" in data else None,
        **related,
        authors=authors,
        raw=raw,
        **dates,
        **{key: values[key] for key in TEXT_FIELDS},
    )


def valid_authors(authors: Any) -> bool:
    """A list of objects with a non-empty name and a valid slug, as export writes them."""
    if not isinstance(authors, list):
        return False
    for entry in authors:
        if not isinstance(entry, dict) or set(entry) != {"name", "slug"}:
            return False
        name, slug = entry["name"], entry["slug"]
        if not (isinstance(name, str) and name.strip() and len(name) <= 200):
            return False
        if not (isinstance(slug, str) and SLUG.fullmatch(slug)):
            return False
    return True


def parse_datetime(value: str) -> datetime:
    """ISO 8601, with or without offset; a date alone is midnight (naive)."""
    return datetime.fromisoformat(value.strip())
