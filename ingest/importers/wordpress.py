"""WordPress WXR exports (WXR 1.0, 1.1 and 1.2), streamed.

The document is read with defusedxml's iterparse (no DTD entities, no external
references) and each `<item>` is dropped once read, so memory stays flat however
large the export. Namespaces are matched by URI, not by prefix.

Mapping, posts only (`wp:post_type` = post); pages, attachments, menu items and
other types are skipped and counted, as are trashed and auto-draft posts:
- `import_ref`: `wxr:<site>:<wp:post_id>`, the site being `wp:base_blog_url` (else
  `wp:base_site_url`, else the channel link) without its scheme or trailing slash,
  so the same post in two exports of one site is one article. A post without an
  id (hand-made exports) uses `wxr:<site>:guid:<guid>`; with neither it is rejected.
- `headline`: `title` as plain text (an untitled post gets one made from the
  start of its text, see untitled.py); `body`: `content:encoded` (blank-line
  paragraphs become `<p>`, as WordPress shows them); `summary`: `excerpt:encoded`
  as text when it fits; `byline`: the author's display name for `dc:creator`;
  `slug`: `wp:post_name` when it is a valid slug; `tags`: every `category`
  element whose domain is `category` or `post_tag` (or missing, as in old exports).
- status: publish → published, future → published (scheduled), draft, pending,
  private → draft; any post with a password → draft (never public).
- lead image: the attachment named by `_thumbnail_id`, by URL (see lead_images.py).
- `published_at`: `wp:post_date_gmt` (UTC); when that is empty or the zero date,
  `wp:post_date` read in the site's zone; else `pubDate`; else the import time.
- old addresses: the post's `link` when it is on the blog's host, and, for a blog
  at the root of its host, WordPress's own `/?p=<post id>` (reader.redirects).

`check()` reads the whole document once before anything is written, so a
truncated or ill-formed export is an error (with its line) instead of a half import.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from articles.addresses import address_key, old_address_of
from articles.models import Article
from articles.sanitize import clean_html, html_to_text, inline_text
from articles.summarizer import SUMMARY_MAX_LENGTH
from ingest.importers.lead_images import postmeta, wordpress_attachment
from ingest.importers.records import (
    FormatError,
    ImportedArticle,
    LeadImage,
    Rejection,
    Skipped,
    source_slug,
)
from ingest.importers.untitled import made_headline

WP = re.compile(r"https?://wordpress\.org/export/1\.\d+/$")
EXCERPT = re.compile(r"https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
ZERO_DATE = "0000-00-00 00:00:00"
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
_BLOCK = re.compile(r"<(p|div|h[1-6]|ul|ol|table|blockquote|pre|figure)[\s>]", re.I)
_BLANK_LINE = re.compile(r"\n\s*\n")

_names: dict[str, tuple[str, str]] = {}


def name(tag: str) -> tuple[str, str]:
    """(namespace kind, local name) of an element tag: kind is wp, excerpt, content, dc or ''."""
    if tag not in _names:
        uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if WP.match(uri):
            kind = "wp"
        elif EXCERPT.match(uri):
            kind = "excerpt"
        else:
            kind = {CONTENT: "content", DC: "dc", "": ""}.get(uri, uri)
        _names[tag] = (kind, local)
    return _names[tag]


def check(fp: BinaryIO) -> None:
    """Read the whole document once; FormatError if it is not a readable WXR export."""
    for _ in _items(fp):
        pass


def parse(fp: BinaryIO) -> Iterator[ImportedArticle | Rejection | Skipped]:
    channel: dict = {"authors": {}}
    featured = FeaturedImages()
    for number, item in enumerate(_items(fp, channel), 1):
        yield from featured.pair(from_item(number, item, channel), item)
    yield from featured.unpaired()


class FeaturedImages:
    """Gives posts their featured image, whichever of post and attachment comes first.

    Attachments seen are remembered (a URL and two short texts each); a post whose
    attachment has not been seen yet waits for it. Exports list items in id order
    and a post's uploads usually follow it closely, so few posts wait, and any
    still waiting at the end are yielded without an image.
    """

    def __init__(self):
        self.images: dict[str, LeadImage] = {}
        self.waiting: dict[str, list[ImportedArticle]] = {}

    def pair(self, record, item: Element) -> Iterator[ImportedArticle | Rejection | Skipped]:
        if isinstance(record, Skipped) and record.kind == "attachment":
            fields = {}
            for child in item:
                fields.setdefault(name(child.tag), child.text or "")
            attachment_id = fields.get(("wp", "post_id"), "").strip()
            image = wordpress_attachment(fields, postmeta(item, local_name))
            if image:
                self.images[attachment_id] = image
            for post in self.waiting.pop(attachment_id, []):
                post.lead_image = image
                yield post
        elif isinstance(record, ImportedArticle):
            thumbnail = postmeta(item, local_name).get("_thumbnail_id", "").strip()
            if thumbnail and thumbnail not in self.images:
                self.waiting.setdefault(thumbnail, []).append(record)
                return
            record.lead_image = self.images.get(thumbnail)
        yield record

    def unpaired(self) -> Iterator[ImportedArticle]:
        for posts in self.waiting.values():
            yield from posts
        self.waiting.clear()


def local_name(tag: str) -> str:
    return name(tag)[1]


def _items(fp: BinaryIO, channel: dict | None = None) -> Iterator[Element]:
    """Each <item> of the channel, streamed; channel facts are gathered into `channel`."""
    channel = channel if channel is not None else {"authors": {}}
    stack: list[Element] = []
    is_wxr = False
    try:
        for event, element in iterparse(fp, events=("start", "end", "start-ns")):
            if event == "start-ns":
                is_wxr = is_wxr or bool(WP.match(element[1]))
                continue
            if event == "start":
                if not stack and name(element.tag) != ("", "rss"):
                    raise FormatError(f"not a WXR export: the root is <{element.tag}>, not <rss>")
                stack.append(element)
                continue
            stack.pop()
            if len(stack) != 2:  # only the channel's children matter: items and site facts
                continue
            if not is_wxr:
                raise FormatError("not a WXR export: no WordPress export namespace")
            kind, local = name(element.tag)
            if (kind, local) == ("", "item"):
                yield element
            else:
                read_channel_fact(kind, local, element, channel)
            stack[-1].remove(element)  # keep memory flat: drop what has been read
    except ParseError as error:
        line, column = error.position
        raise FormatError(f"ill-formed XML at line {line}, column {column}: {error}") from None
    except DefusedXmlException as error:
        raise FormatError(f"refused: {error}") from None
    if not stack and not is_wxr:
        raise FormatError("not a WXR export: no WordPress export namespace")


def read_channel_fact(kind: str, local: str, element: Element, channel: dict) -> None:
    text = (element.text or "").strip()
    if kind == "wp" and local in ("base_blog_url", "base_site_url"):
        channel.setdefault(local, text)
    elif (kind, local) == ("", "link"):
        channel.setdefault("link", text)
    elif (kind, local) == ("wp", "author"):
        fields = {name(child.tag)[1]: (child.text or "").strip() for child in element}
        if fields.get("author_login"):
            display = fields.get("author_display_name") or fields["author_login"]
            channel["authors"][fields["author_login"]] = display


def blog_url(channel: dict) -> str:
    url = channel.get("base_blog_url") or channel.get("base_site_url") or channel.get("link") or ""
    return url.strip()


def site_of(channel: dict) -> str:
    return re.sub(r"^[a-z]+://", "", blog_url(channel)).rstrip("/")


def old_addresses(link: str, post_id: str, channel: dict) -> list[str]:
    """The post's addresses on its blog: its permalink, and `/?p=<id>`, which every
    WordPress blog answers (only at the root of a host does the front page here
    stand in for the blog's own)."""
    try:
        blog = urlsplit(blog_url(channel))
    except ValueError:
        return []
    addresses = [old_address_of(link, blog.hostname or "")]
    if post_id.isdigit() and not blog.path.strip("/"):
        addresses.append(address_key("/", post_id))
    return list(dict.fromkeys(a for a in addresses if a))


def from_item(number: int, item: Element, channel: dict) -> ImportedArticle | Rejection | Skipped:
    fields: dict[tuple[str, str], str] = {}
    tags: list[str] = []
    for child in item:
        key = name(child.tag)
        text = child.text or ""
        if key == ("", "category"):
            # Very old exports give categories without a domain attribute.
            if child.get("domain") in (None, "category", "post_tag") and text.strip():
                if text.strip().casefold() not in {t.casefold() for t in tags}:
                    tags.append(text.strip())
        else:
            fields.setdefault(key, text)
    post_type = fields.get(("wp", "post_type"), "").strip() or "post"
    if post_type != "post":
        return Skipped(number, post_type)
    wp_status = fields.get(("wp", "status"), "").strip()
    if wp_status in SKIPPED_STATUSES:
        return Skipped(number, f"{wp_status} post")
    post_id = fields.get(("wp", "post_id"), "").strip()
    raw = {"post_id": post_id, "title": fields.get(("", "title"), "")}

    def reject(field: str, reason: str) -> Rejection:
        return Rejection(number, field, reason, raw=raw)

    guid = fields.get(("", "guid"), "").strip()
    if post_id:
        import_ref = f"wxr:{site_of(channel)}:{post_id}"
    elif guid:  # hand-made exports (theme previews) lack post ids but keep guids
        import_ref = f"wxr:{site_of(channel)}:guid:{guid}"
    else:
        return reject("import_ref", "post has neither wp:post_id nor guid")
    headline = inline_text(fields.get(("", "title"), ""))
    try:
        published_at = post_date(fields)
    except ValueError as error:
        return reject("published_at", str(error))
    body = autop(fields.get(("content", "encoded"), ""))
    status = STATUSES.get(wp_status, Article.Status.DRAFT)
    if fields.get(("wp", "post_password"), "").strip():
        status = Article.Status.DRAFT
    excerpt = html_to_text(clean_html(fields.get(("excerpt", "encoded"), "")))
    creator = fields.get(("dc", "creator"), "").strip()
    return ImportedArticle(
        record=number,
        import_ref=import_ref,
        headline=headline or made_headline(body, published_at),
        untitled=not headline,
        body=body,
        summary=excerpt if len(excerpt) <= SUMMARY_MAX_LENGTH else "",
        byline=channel["authors"].get(creator, creator),
        slug=source_slug(fields.get(("wp", "post_name"), "")),
        tags=tags,
        status=status,
        published_at=published_at,
        old_addresses=old_addresses(fields.get(("", "link"), ""), post_id, channel),
        raw=raw,
    )


def post_date(fields) -> datetime | None:
    """GMT date, else the local date (naive: read in the site's zone), else pubDate."""
    gmt = fields.get(("wp", "post_date_gmt"), "").strip()
    local = fields.get(("wp", "post_date"), "").strip()
    try:
        if gmt and gmt != ZERO_DATE:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        if local and local != ZERO_DATE:
            return datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"cannot read the date {gmt or local!r}") from None
    pub_date = fields.get(("", "pubDate"), "").strip()
    if pub_date:
        try:
            return parsedate_to_datetime(pub_date)
        except (TypeError, ValueError):
            raise ValueError(f"cannot read the date {pub_date!r}") from None
    return None


def autop(body: str) -> str:
    """WordPress stores paragraphs as blank lines; give bodies without blocks <p> tags."""
    body = body.strip()
    if not body or _BLOCK.search(body):
        return body
    paragraphs = (p.strip() for p in _BLANK_LINE.split(body))
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
