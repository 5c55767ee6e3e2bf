"""Merging a stale save: apply what this editor changed, refuse only what both changed.

Two editors open the same version of an article (the *base*). One saves (*theirs*
is now stored); the other, still on the base, saves *mine*. For each field:

- mine equals the base: the editor did not touch it, so theirs stays;
- theirs equals the base: only this editor changed it, so mine is applied;
- both changed it to the same value: nothing to decide;
- both changed it differently: a real conflict, which only the editor can settle.

Where the base is unknown (a client that did not send the values it opened), a
field where mine and theirs differ is a conflict: nothing is overwritten unseen.

Values are compared as stored: bodies after sanitizing (an editor that re-serializes
unchanged HTML has not changed it), tags as sets of ids, text with its line endings
made the same. The functions are pure: the desk reads the three versions from its
form and the row, and decides what to save from the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from articles.sanitize import clean_html
from editorial.diffs import Piece, field_text, word_diff


@dataclass(frozen=True)
class Merge:
    """The outcome of a three-way merge, field by field."""

    mine: list[str]  # fields where this editor's value is applied
    theirs: list[str]  # fields only the other save changed: theirs is kept
    conflicts: list[str]  # fields both changed, differently

    @property
    def clean(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class ConflictingField:
    """One field both editors changed: their value, mine, and mine against theirs."""

    name: str
    label: str
    theirs: str
    mine: str
    pieces: list[Piece]


def comparable(name: str, value) -> object:
    """`value` as the merge compares it (see the module's docstring)."""
    if name == "tags":
        return frozenset(int(getattr(tag, "pk", tag)) for tag in value or ())
    text = "" if value is None else str(getattr(value, "name", value) or "")
    text = text.replace("\r\n", "\n").strip()
    return clean_html(text) if name == "body" else text


def merge(base: Mapping | None, mine: Mapping, theirs: Mapping, fields: Iterable[str]) -> Merge:
    """Decide, for each of `fields`, whose value a stale save keeps."""
    taken_mine, taken_theirs, conflicts = [], [], []
    for name in fields:
        my_value, their_value = comparable(name, mine.get(name)), comparable(name, theirs.get(name))
        if my_value == their_value:
            continue
        if base is None or name not in base:
            conflicts.append(name)
            continue
        base_value = comparable(name, base.get(name))
        if my_value == base_value:
            taken_theirs.append(name)
        elif their_value == base_value:
            taken_mine.append(name)
        else:
            conflicts.append(name)
    return Merge(mine=taken_mine, theirs=taken_theirs, conflicts=conflicts)


def conflicting_field(name: str, label: str, mine, theirs, tag_names=None) -> ConflictingField:
    """A conflict as the desk shows it: both texts as readers read them, and a word diff
    of mine against theirs."""
    their_text = field_text(name, theirs, tag_names)
    my_text = field_text(name, mine, tag_names)
    return ConflictingField(name, label, their_text, my_text, word_diff(their_text, my_text))
