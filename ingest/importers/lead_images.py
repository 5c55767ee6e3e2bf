"""Lead images named by imported documents, recorded by URL (nothing is downloaded).

WordPress (WXR): a post's `_thumbnail_id` postmeta names an attachment item; the
attachment's `wp:attachment_url` is the image, its excerpt (WordPress's caption
field) the caption, and its `_wp_attachment_image_alt` postmeta the alt text.

Feeds: Media RSS `media:content` (an image by `medium` or `type`; the widest
when there are several), else an `enclosure` (RSS `<enclosure>`, Atom
`<link rel="enclosure">`) with an image type, else `media:thumbnail`. The caption
is `media:description` (else `media:title`), the credit `media:credit`.
feedparser drops or misfiles those texts (it reads `media:description` as
entry content), so `feed_media()` reads them from the document itself, entry by
entry in document order, which is also feedparser's order.

Alt text falls back to the caption; with neither, the article keeps an empty alt
and the admin asks for one at the next edit. URLs must be http(s) and fit the
field; texts are made plain and cut to their fields' lengths.
"""

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from articles.models import Article
from articles.sanitize import clean_html, html_to_text
from ingest.importers.records import LeadImage

MRSS = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_validate_url = URLValidator(schemes=["http", "https"])


def limit(name: str) -> int:
    return Article._meta.get_field(f"lead_image_{name}").max_length


def text(value: str, field_name: str) -> str:
    if "<" in value or "&" in value:
        value = html_to_text(clean_html(value))
    return " ".join(value.split())[: limit(field_name)]


def lead_image(url: str, *, alt: str = "", caption: str = "", credit: str = "") -> LeadImage | None:
    """A LeadImage fit for the model's fields, or None when the URL is not usable."""
    url = (url or "").strip()
    if not url or len(url) > limit("url"):
        return None
    try:
        _validate_url(url)
    except ValidationError:
        return None
    caption = text(caption, "caption")
    return LeadImage(
        url=url,
        alt=text(alt, "alt") or caption[: limit("alt")],
        caption=caption,
        credit=text(credit, "credit"),
    )


# WordPress ---------------------------------------------------------------------


def postmeta(item: Element, local_name) -> dict[str, str]:
    """An item's `wp:postmeta` as {meta_key: meta_value}; `local_name(tag)` strips namespaces."""
    meta = {}
    for child in item:
        if local_name(child.tag) != "postmeta":
            continue
        parts = {local_name(part.tag): (part.text or "").strip() for part in child}
        if parts.get("meta_key"):
            meta[parts["meta_key"]] = parts.get("meta_value", "")
    return meta


def wordpress_attachment(fields: dict, meta: dict[str, str]) -> LeadImage | None:
    """The image an attachment item describes. `fields` maps (kind, local) to text."""
    return lead_image(
        fields.get(("wp", "attachment_url"), ""),
        alt=meta.get("_wp_attachment_image_alt", ""),
        caption=fields.get(("excerpt", "encoded"), ""),
    )


# Feeds -------------------------------------------------------------------------


@dataclass
class EntryMedia:
    """What one feed entry says about its pictures."""

    contents: list[dict] = field(default_factory=list)  # media:content attributes
    enclosures: list[dict] = field(default_factory=list)  # url/href and type
    thumbnails: list[str] = field(default_factory=list)
    description: str = ""
    title: str = ""
    credit: str = ""


def local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        return uri, name
    return "", tag


def feed_media(data: bytes) -> list[EntryMedia] | None:
    """Each entry's media, in document order; None when the XML is too broken to read."""
    try:
        root = fromstring(data)
    except Exception:  # noqa: BLE001 - feedparser reads loose XML; we then fall back
        return None
    found = []
    for element in root.iter():
        if local(element.tag)[1] in ("item", "entry"):
            found.append(entry_media(element))
    return found


def entry_media(entry: Element) -> EntryMedia:
    media = EntryMedia()
    for element in entry.iter():
        uri, name = local(element.tag)
        if uri in MRSS:
            if name == "content" and element.get("url"):
                media.contents.append(dict(element.attrib))
            elif name == "thumbnail" and element.get("url"):
                media.thumbnails.append(element.get("url"))
            elif name in ("description", "title", "credit"):
                if not getattr(media, name):
                    setattr(media, name, (element.text or "").strip())
        elif name == "enclosure" and element.get("url"):
            media.enclosures.append({"url": element.get("url"), "type": element.get("type", "")})
        elif name == "link" and element.get("rel") == "enclosure" and element.get("href"):
            media.enclosures.append({"url": element.get("href"), "type": element.get("type", "")})
    return media


def is_image(url: str, mime_type: str = "", medium: str = "") -> bool:
    if medium:
        return medium == "image"
    if mime_type:
        return mime_type.lower().startswith("image/")
    return url.lower().split("?")[0].endswith(IMAGE_EXTENSIONS)


def width_of(content: dict) -> int:
    value = content.get("width", "")
    return int(value) if value.isdigit() else 0


def feed_image(media: EntryMedia | None, entry) -> LeadImage | None:
    """The entry's lead image from `media` (our reading), else from feedparser's fields."""
    if media is None:
        media = fallback_media(entry)
    contents = [
        c for c in media.contents if is_image(c["url"], c.get("type", ""), c.get("medium", ""))
    ]
    url = ""
    if contents:
        url = max(contents, key=width_of)["url"]
    elif images := [e["url"] for e in media.enclosures if is_image(e["url"], e["type"])]:
        url = images[0]
    elif media.thumbnails:
        url = media.thumbnails[0]
    return lead_image(url, caption=media.description or media.title, credit=media.credit)


def fallback_media(entry) -> EntryMedia:
    """What feedparser keeps, for a document only feedparser can read."""
    return EntryMedia(
        contents=[dict(c) for c in entry.get("media_content", []) if c.get("url")],
        enclosures=[
            {"url": e.get("href", ""), "type": e.get("type", "")}
            for e in entry.get("enclosures", [])
        ],
        thumbnails=[t["url"] for t in entry.get("media_thumbnail", []) if t.get("url")],
        credit=entry.get("credit", ""),
    )
