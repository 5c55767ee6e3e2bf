"""Another system's columns and keys, named as ours: `--map SOURCE=FIELD` and `--ignore`.

CSV, JSON Lines and JSON records name their values as our schema does
(`ingest.importers.schema.FIELDS`); a file from elsewhere does not. The operator
renames a column or key with `--map title=headline` (repeatable) and leaves one
out with `--ignore label`. Nested objects are reached with dots: in a news API's
`{"source": {"id": …, "name": …}}`, `--map source.name=source_name` maps one
value and `--ignore source` leaves out the rest of the object (a mapped key
inside an ignored one is still read).

A column or key that is neither ours, mapped nor ignored still refuses the file
(or, in JSON Lines, the record): `unknown_fields_error()` says so, lists our
fields and shows the `--map`/`--ignore` line that would fix it.

Values arriving through `--map` are another system's, so they are read as such:
in text fields, HTML entities are decoded, including the fragments some datasets
keep after losing the ampersand (` #39;` for `&#39;`, ` quot;`); a body without
HTML tags is plain text, given paragraphs, and a news API's cut marker
(`… [+1234 chars]`) becomes an ellipsis. Values under our own names are read as
our schema says, unchanged.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from articles.sanitize import inline_text
from ingest.importers.schema import FIELDS

# Text fields: read as plain text, one line. URLs, dates and the rest pass as given.
TEXT_FIELDS = {
    "headline",
    "standfirst",
    "summary",
    "byline",
    "source_name",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
}
# Common names elsewhere for our fields, to suggest a --map line (keys compared
# lower-cased, without "_" and "-"). "label" is left out on purpose: datasets use it
# for class numbers, which are no topic.
SYNONYMS = {
    "title": "headline",
    "heading": "headline",
    "name": "headline",
    "description": "standfirst",
    "dek": "standfirst",
    "subtitle": "standfirst",
    "subheadline": "standfirst",
    "excerpt": "standfirst",
    "abstract": "summary",
    "content": "body",
    "contenthtml": "body",
    "text": "body",
    "html": "body",
    "story": "body",
    "url": "source_url",
    "link": "source_url",
    "permalink": "source_url",
    "author": "byline",
    "creator": "byline",
    "by": "byline",
    "publishedat": "published_at",
    "published": "published_at",
    "pubdate": "published_at",
    "date": "published_at",
    "datepublished": "published_at",
    "urltoimage": "lead_image_url",
    "image": "lead_image_url",
    "imageurl": "lead_image_url",
    "thumbnail": "lead_image_url",
    "category": "tags",
    "categories": "tags",
    "keywords": "tags",
    "topics": "tags",
    "source": "source_name",
    "sourcename": "source_name",
    "source.name": "source_name",
    "publisher": "source_name",
    "guid": "import_ref",
    "ref": "import_ref",
    "reference": "import_ref",
    "id": "import_ref",
    "uuid": "import_ref",
}
# An entity whose ampersand a dataset turned into a space (`Street #39;s`): the
# space is the ampersand's, so it goes too.
_FRAGMENT = re.compile(r"(?:^| )(#\d{2,5}|quot|amp|lt|gt|apos);")
_TAG = re.compile(r"<[a-zA-Z!/]")
_CUT_MARKER = re.compile(r"\s*…?\s*\[\+\d+ chars\]\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class MappingError(ValueError):
    """An operator's --map or --ignore argument that cannot be used."""


@dataclass(frozen=True)
class FieldMap:
    """The run's renames (source key → our field) and keys left out."""

    renames: dict[str, str] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()

    @classmethod
    def from_arguments(cls, maps: Iterable[str] = (), ignores: Iterable[str] = ()) -> FieldMap:
        renames: dict[str, str] = {}
        for argument in maps:
            source, sep, target = (part.strip() for part in argument.partition("="))
            if not (sep and source and target):
                raise MappingError(f"--map {argument}: write SOURCE=FIELD, e.g. title=headline")
            if target not in FIELDS:
                raise MappingError(f"--map {argument}: {target} is none of our fields ({fields()})")
            if source in renames:
                raise MappingError(f"--map {argument}: {source} is mapped twice")
            if target in renames.values():
                raise MappingError(f"--map {argument}: two keys would fill {target}")
            renames[source] = target
        ignored = frozenset(name.strip() for name in ignores if name.strip())
        return cls(renames, ignored)

    def __bool__(self) -> bool:
        return bool(self.renames or self.ignored)

    def is_ignored(self, key: str) -> bool:
        parts = key.split(".")
        return any(".".join(parts[:n]) in self.ignored for n in range(1, len(parts) + 1))

    def unknown(self, keys: Iterable[str]) -> list[str]:
        """Keys (dotted for nested ones) that are neither ours, mapped nor ignored."""
        return [
            key
            for key in keys
            if key not in self.renames and not self.is_ignored(key) and key not in FIELDS
        ]

    def clashes(self, keys: Iterable[str]) -> list[str]:
        """Our fields that a record would get twice: under our name and mapped."""
        keys = set(keys)
        return [to for source, to in self.renames.items() if source in keys and to in keys]

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """`record` under our names: mapped keys renamed (their values read as
        another system's), ignored ones left out, the rest as they were."""
        result: dict[str, Any] = {}
        for key, value in flatten(record).items():
            if key in self.renames:
                target = self.renames[key]
                result[target] = foreign_value(target, value)
            elif not self.is_ignored(key):
                result.setdefault(key, value)
        return result


NO_MAP = FieldMap()


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys (`source.name`); lists and values as they are."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def fields() -> str:
    return ", ".join(FIELDS)


def unknown_fields_error(
    unknown: list[str], present: Iterable[str], field_map: FieldMap, what: str
) -> str:
    """Why the file is refused, our fields, and the arguments that would fix it."""
    fix = suggested_arguments(unknown, present, field_map)
    return (
        f"unknown {what}: {', '.join(unknown)}. Our fields are {fields()}. "
        f"Map each to one of them or leave it out, e.g. {fix}"
    )


def suggested_arguments(unknown: list[str], present: Iterable[str], field_map: FieldMap) -> str:
    """--map for each unknown key whose name says which field it is (the first such
    key per field), --ignore for the rest. A file without a body gets its
    description as the body: a body is required, a standfirst is not."""
    taken = {*present, *field_map.renames.values()}
    targets: dict[str, str] = {}
    for key in unknown:
        suggestion = SYNONYMS.get(re.sub(r"[-_]", "", key.lower()))
        if suggestion and suggestion not in taken:
            taken.add(suggestion)
            targets[key] = suggestion
    if "body" not in taken:
        for key, target in targets.items():
            if target in ("standfirst", "summary"):
                targets[key] = "body"
                break
    return " ".join(
        f"--map {key}={targets[key]}" if key in targets else f"--ignore {key}" for key in unknown
    )


def foreign_value(target: str, value: Any) -> Any:
    """A value from another system, in the shape our field `target` takes."""
    if value is None:
        return None
    if target == "tags":
        if isinstance(value, str):  # one name, or names separated as in our CSV
            return [name.strip() for name in value.split("|") if name.strip()]
        return value
    if not isinstance(value, str):
        return value
    if target in TEXT_FIELDS:
        return inline_text(repair_entities(value))
    if target == "body":
        return foreign_body(value)
    return value.strip()


def repair_entities(text: str) -> str:
    """Put back the ampersand of entities a dataset lost (`Fed #39;s` → `Fed&#39;s`).
    A number below 32 would be a control character: that is text (`#10;`), kept."""

    def repaired(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#") and int(name[1:]) < 32:
            return match.group(0)
        return f"&{name};"

    return _FRAGMENT.sub(repaired, text)


def foreign_body(value: str) -> str:
    """HTML as it is; plain text with its entities decoded, in paragraphs, and a cut
    marked with an ellipsis rather than a news API's `[+1234 chars]`."""
    value = repair_entities(value)
    if _TAG.search(value):
        return value
    text = value.strip()
    if (cut := _CUT_MARKER.search(text)) is not None:
        text = text[: cut.start()].rstrip()
        text += " …" if text.endswith((".", "!", "?")) else "…"
    text = html.unescape(text)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
