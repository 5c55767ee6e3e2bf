"""Bylines that are right by default: a story does not go public unsigned.

A story names its authors (profiles, in order) or, for wire copy, a free-text
byline. Publishing or scheduling one with neither is refused: readers would see a
story with no "By", and nobody would have noticed. The desk asks while cleaning
the form (with the authors the form is about to save), and its bulk action asks
for each story.
"""

from django.core.exceptions import ValidationError

NEEDS_BYLINE = (
    "Who wrote it? A story going public needs a byline: add an author (a profile) "
    "or, for wire copy, a free-text byline."
)


def check_byline(names_an_author: bool, byline: str) -> None:
    """Raise ValidationError when a story about to go public would carry no byline."""
    if not names_an_author and not (byline or "").strip():
        raise ValidationError(NEEDS_BYLINE, code="no_byline")


def has_byline(article) -> bool:
    """Whether a stored story is signed: by an author profile or a free-text byline."""
    return bool(article.byline.strip()) or article.bylines.exists()
