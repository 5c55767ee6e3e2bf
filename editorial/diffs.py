"""Readable differences between two states of an article: words added and removed.

Bodies are compared as the text a reader sees (never as raw HTML), word by word,
so a diff reads like an editor's marked-up proof. Used by the History page's
comparison and by the stale-save refusal at the desk.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from articles.sanitize import clean_html, html_to_text

# A word with the space after it: runs of changed words then read as one block.
WORDS = re.compile(r"\s*\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    """A run of words: "same", "added" or "removed"."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """`new` against `old`, word by word."""
    old_words, new_words = WORDS.findall(old or ""), WORDS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(new_words[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old_words[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new_words[j1:j2])))
    return pieces


def body_text(html: str) -> str:
    """The body as a reader reads it: sanitized, then plain text in paragraphs."""
    return html_to_text(clean_html(html or ""))


def field_text(name: str, value, tag_names: dict[int, str] | None = None) -> str:
    """A recorded or posted field value as words to compare."""
    if value is None:
        return ""
    if name == "body":
        return body_text(value)
    if name == "tags":
        names = tag_names or {}
        return ", ".join(sorted(names.get(getattr(v, "pk", v), str(v)) for v in value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name or ""
    return str(value)


# How the desk names an article's fields in a diff (History and edit conflicts).
LABELS = {
    "headline": "Headline",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "summary": "Summary",
    "tags": "Tags",
    "byline": "Byline",
    "source_name": "Source",
    "source_url": "Source URL",
    "canonical_url": "Canonical URL",
    "status": "Status",
    "published_at": "Publication time",
    "lead_image": "Lead image",
    "lead_image_url": "Lead image URL",
    "lead_image_alt": "Alt text",
    "lead_image_caption": "Caption",
    "lead_image_credit": "Credit",
    "trashed_at": "In the trash since",
}


def compare(
    old: dict, new: dict, labels: dict[str, str], tag_names: dict[int, str] | None = None
) -> list[FieldDiff]:
    """A FieldDiff for each of `labels`' fields whose text differs between `old` and `new`."""
    diffs = []
    for name, label in labels.items():
        before = field_text(name, old.get(name), tag_names)
        after = field_text(name, new.get(name), tag_names)
        if before != after:
            diffs.append(FieldDiff(label, word_diff(before, after)))
    return diffs
