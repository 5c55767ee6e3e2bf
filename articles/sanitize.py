"""The one HTML sanitizer: every body is cleaned here before it is stored.

An allow-list (nh3, the Rust ammonia library): only the tags and attributes a
news story needs survive; scripts, event handlers, styles, unknown tags and
non-http(s)/mailto URLs are dropped, and links get rel="noopener noreferrer".
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p",
    "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "cite"}

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre|tr|div)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")  # a single space stays as it is
# Control, space-like and zero-width characters some parsers skip inside a URL.
_INVISIBLE = re.compile(
    r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]"
)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.I)


def clean_html(value: str) -> str:
    """Return `value` with everything outside the allow-list removed."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_drop_disguised_url,
    ).strip()


def _drop_disguised_url(tag: str, attribute: str, value: str) -> str | None:
    """Drop a URL that names another scheme once invisible characters are ignored.

    nh3 reads a scheme as today's browsers do, so "\u2028javascript:" or
    "java\x03script:" pass as harmless relative links. Older or other parsers skip
    those characters; such a link is never legitimate, so it goes.
    """
    if attribute in URL_ATTRIBUTES:
        scheme = _SCHEME.match(_INVISIBLE.sub("", value))
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return None
    return value


def html_to_text(value: str) -> str:
    """Plain text of sanitized HTML, one block per line (for search and summaries)."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", value or "")))
    if "  " in text or any(c in text for c in "\t\r\f\v"):  # scanning costs more
        text = _SPACE.sub(" ", text)  # _SPACE leaves newlines
    return "\n".join(line for line in map(str.strip, text.split("\n")) if line)


def inline_text(value: str) -> str:
    """Text of a value that may hold HTML or entities, on one line (titles, names)."""
    if "<" in value or "&" in value:
        value = html_to_text(clean_html(value))
    return " ".join(value.split())
