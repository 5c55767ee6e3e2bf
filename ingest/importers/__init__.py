"""Importers: one module per input format, all feeding `saving.save_articles()`.

Each format module has `parse(fp) -> Iterator[ImportedArticle | Rejection | Skipped]`
(pure: bytes in, records out, no database) and `check(fp)`, which raises
`FormatError` when the document cannot be that format, before anything is written.
Some also read what the operator says of a file that the file does not say itself
(`OPTIONS`); `reader()` gives a format's check and parse with them.
"""

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any, BinaryIO

from ingest.importers import csv_rows, feeds, ghost, json_document, jsonfeed, jsonl, wordpress
from ingest.importers.records import HEAD_SIZE, FormatError

FORMATS = {
    "jsonl": jsonl,
    "csv": csv_rows,
    "json": json_document,
    "rss": feeds,
    "atom": feeds,
    "jsonfeed": jsonfeed,
    "wxr": wordpress,
    "ghost": ghost,
}
# The keyword arguments of a format's check() and parse(), by the option giving them.
OPTIONS = {
    "--map/--ignore": ("fields", ("jsonl", "csv", "json")),
    "--records": ("records", ("json",)),
    "--site-url": ("site_url", ("ghost",)),
}
# JSON Lines meets unknown keys record by record, as it parses (one bad key rejects
# its record, not the file): its check() reads no mapping.
PARSE_ONLY = {("jsonl", "fields")}

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S)
WXR_NAMESPACE = re.compile(rb"wordpress\.org/export/\d")


def reader(name: str, given: dict[str, Any]) -> tuple[Callable, Callable]:
    """Format `name`'s (check, parse) reading the run's options: `given` maps an
    option (a key of OPTIONS) to its value, empty when not given. FormatError for
    an option the format does not read, rather than ignoring what was asked."""
    arguments = {}
    for option, value in given.items():
        if not value:
            continue
        keyword, formats = OPTIONS[option]
        if name not in formats:
            raise FormatError(f"{option} applies to {', '.join(formats)} files, not {name}")
        arguments[keyword] = value
    checked = {key: value for key, value in arguments.items() if (name, key) not in PARSE_ONLY}
    module = FORMATS[name]
    return partial(module.check, **checked), partial(module.parse, **arguments)


def read_head(fp: BinaryIO) -> bytes:
    """The start of a file, enough to guess its format: HEAD_SIZE bytes, and the rest
    of a first line that starts like JSON (one JSON document may be one long line,
    and so may a JSON Lines record)."""
    head = fp.read(HEAD_SIZE)
    if (
        len(head) == HEAD_SIZE
        and b"\n" not in head
        and head.lstrip(b"\xef\xbb\xbf \t\r").startswith((b"{", b"["))
    ):
        head += fp.readline()
    return head


def guess_format(head: bytes) -> str:
    """The format of a document from its first bytes; FormatError when none fits."""
    if (kind := json_kind(head)) is not None:
        return kind
    root, text = root_element(head)
    if root is not None:
        name = root.split(b":")[-1].lower()
        if name == b"rss" and WXR_NAMESPACE.search(text):
            return "wxr"
        if name in (b"rss", b"rdf"):
            return "rss"
        if name == b"feed":
            return "atom"
        raise FormatError(f"an XML document whose root <{root.decode()}> is no feed or WXR")
    if csv_rows.sniff(head):
        return "csv"
    raise FormatError(
        "cannot tell the format (not JSON Lines, JSON, CSV, RSS, Atom, JSON Feed, WXR or Ghost)"
    )


_JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1')
_GHOST_EXPORT = re.compile(rb'^\s*\{\s*"db"\s*:\s*\[|"exported_on"\s*:')


def json_kind(head: bytes) -> str | None:
    """jsonl, json, jsonfeed or ghost for a file that starts like JSON, else None.

    JSON Lines has one whole object on its first line and more lines after it; a
    file that is one JSON value (a pretty-printed document, or one line alone) is
    JSON, a JSON Feed or a Ghost export, told apart by their keys. A single line
    holding one record (ours, or an object with no list of records in it) is JSON
    Lines of one record.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return "json"
    if not text.startswith(b"{"):
        return None
    first, _, rest = text.partition(b"\n")
    value = loads(first)
    if isinstance(value, dict):
        if rest.strip():
            return "jsonl"
        # One line, one object: a document written on one line (holding its records),
        # or one record (ours, or another system's to be mapped).
        kind = document_kind(value)
        if kind == "json" and (
            {"headline", "body"} & value.keys() or not any(json_document.record_lists(value))
        ):
            return "jsonl"
        return kind
    if len(head) < HEAD_SIZE:
        value = loads(text)  # the whole file is in hand: read it to be sure
        if isinstance(value, dict):
            return document_kind(value)
    if _JSON_FEED_VERSION.search(text):
        return "jsonfeed"
    return "ghost" if _GHOST_EXPORT.search(text) else "json"


def loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def document_kind(value: dict) -> str:
    if jsonfeed.is_json_feed(value):
        return "jsonfeed"
    return "ghost" if ghost.is_ghost_export(value) else "json"


def root_element(head: bytes) -> tuple[bytes | None, bytes]:
    """The root element's name of an XML document's head, and the head as UTF-8ish bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    elif head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
        head = head.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return None, text
    position = 0
    while match := _PROLOG.match(text, position):
        position = match.end()
    root = _ROOT.match(text[position:].lstrip())
    return (root.group(1) if root else None), text


__all__ = ["FORMATS", "OPTIONS", "FormatError", "guess_format", "read_head", "reader"]
