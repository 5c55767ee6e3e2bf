"""Reading a lead image's stored description: no query, no storage call beyond url().

Pages, feeds and social cards build their markup from `Article.lead_image_renditions`,
the row they already have (see `renditions`).
"""

import mimetypes
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri


@dataclass(frozen=True)
class Picture:
    """What a template needs for `<picture>`: both srcsets, and a default `src` with its size.

    `src`/`width`/`height` are the largest rendition (article page); `small_*` the
    smallest (cards, admin thumbnails). Width and height reserve the space, so the
    page does not shift while the image loads.
    """

    webp_srcset: str
    fallback_srcset: str
    fallback_type: str
    src: str
    width: int
    height: int
    small_src: str
    small_width: int
    small_height: int


def picture(article) -> Picture | None:
    meta = article.lead_image_renditions or {}
    if not meta.get("fallback"):
        return None
    url = rendition_url(article.lead_image.storage)

    def srcset(items):
        return ", ".join(f"{url(name)} {width}w" for width, _, name, _ in items)

    small, large = meta["fallback"][0], meta["fallback"][-1]
    return Picture(
        webp_srcset=srcset(meta["webp"]),
        fallback_srcset=srcset(meta["fallback"]),
        fallback_type=meta["fallback_type"],
        src=url(large[2]),
        width=large[0],
        height=large[1],
        small_src=url(small[2]),
        small_width=small[0],
        small_height=small[1],
    )


DOT_SEGMENTS = {".", ".."}


def rendition_url(storage):
    """`storage.url`, for the names of renditions; cheap on the file system.

    A page builds about forty rendition addresses (every width of every picture), and
    FileSystemStorage.url() runs urljoin() for each: a fifth of the article page's
    time. Its base_url ends with "/", and for a name without "." or ".." segments
    urljoin() only appends the quoted name, so that is what this does; other names,
    and other storages (whose addresses may be signed), go through url() itself.
    tests/articles/test_images.py pins the two equal."""
    # __class__, not type(): default_storage is a lazy proxy, and a subclass may
    # override url().
    if storage.__class__ is not FileSystemStorage or storage.base_url is None:
        return storage.url
    base = storage.base_url

    def url(name: str) -> str:
        path = filepath_to_uri(name).lstrip("/")
        if DOT_SEGMENTS.intersection(path.split("/")):
            return storage.url(name)  # urljoin() resolves them
        return base + path

    return url


@dataclass(frozen=True)
class SocialImage:
    """One absolute image URL for OpenGraph, Twitter cards, JSON-LD and feeds."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    mime_type: str = ""
    size: int = 0  # bytes; 0 when unknown (an external image)


def absolute_url(url: str) -> str:
    """Storage URLs are often relative ("/media/…"); the public ones need SITE_URL."""
    if url.startswith(("http://", "https://", "//")):
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


def social_image(article) -> SocialImage | None:
    """The largest fallback rendition (every scraper reads JPEG/PNG), else the imported URL."""
    meta = article.lead_image_renditions or {}
    if meta.get("fallback"):
        width, height, name, size = meta["fallback"][-1]
        return SocialImage(
            url=absolute_url(article.lead_image.storage.url(name)),
            alt=article.lead_image_alt,
            width=width,
            height=height,
            mime_type=meta["fallback_type"],
            size=size,
        )
    if article.lead_image_url:
        guessed, _ = mimetypes.guess_type(urlsplit(article.lead_image_url).path)
        return SocialImage(
            url=article.lead_image_url,
            alt=article.lead_image_alt,
            mime_type=guessed if guessed and guessed.startswith("image/") else "image/jpeg",
        )
    return None
