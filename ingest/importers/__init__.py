"""Importers: one module per input format, all feeding `base.save_articles()`.

Each format module has `parse(fp) -> Iterator[ImportedArticle | Rejection | Skipped]`
(pure: bytes in, records out, no database) and `check(fp)`, which raises
`FormatError` when the document cannot be that format, before anything is written.
"""

import re

from ingest.importers import csv_rows, feeds, jsonl, wordpress
from ingest.importers.records import FormatError

FORMATS = {"jsonl": jsonl, "csv": csv_rows, "rss": feeds, "atom": feeds, "wxr": wordpress}

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S)
WXR_NAMESPACE = re.compile(rb"wordpress\.org/export/\d")


def guess_format(head: bytes) -> str:
    """The format of a document from its first bytes; FormatError when none fits."""
    if jsonl.sniff(head):
        return "jsonl"
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
    raise FormatError("cannot tell the format (not JSON Lines, CSV, RSS, Atom or WXR)")


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


__all__ = ["FORMATS", "FormatError", "guess_format"]
