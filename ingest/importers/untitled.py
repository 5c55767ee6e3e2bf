"""Headlines for untitled WordPress posts and feed entries.

WordPress keeps posts without a title (it lists them as "(no title)") and RSS makes
an item's title optional, so a migration that refused them would silently lose
published stories. Such an item gets a headline made from the start of its text:
its first sentence, cut at a whole word when long; with no text at all, its date.
The import counts them ("N untitled, headline made from the text").

JSON Lines and CSV records without a headline stay rejected: that schema is ours,
and requires one.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from articles.sanitize import clean_html, html_to_text
from articles.summarizer import split_sentences

# About a long headline's length; the field allows 300.
MADE_HEADLINE_LENGTH = 100
ELLIPSIS = "…"


def made_headline(body_html: str, published_at: datetime | None) -> str:
    """A headline from the start of the text, else the date (the import time without one)."""
    text = html_to_text(clean_html(body_html))
    sentences = split_sentences(text)
    if sentences:
        return whole_words(sentences[0], MADE_HEADLINE_LENGTH)
    when = published_at or timezone.now()
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return date_format(when, "j F Y")


def whole_words(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word's end, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,;:–—-") + ELLIPSIS
