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

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre|tr|div)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


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
    ).strip()


def html_to_text(value: str) -> str:
    """Plain text of sanitized HTML, one block per line (for search and summaries)."""
    text = _BLOCK_END.sub("\n", value or "")
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
