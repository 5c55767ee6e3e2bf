"""Lead images: what an upload must be, the clean copy we store, and its renditions.

An upload is trusted only after Pillow has decoded it: the file's name and the
browser's content type are ignored. Only JPEG, PNG, WebP and GIF pass (never SVG,
which can carry script). Limits on bytes and on pixels stop decompression bombs
before the pixels are decoded.

What is stored is a re-encoded copy, so EXIF (camera serial numbers, GPS
positions) and XMP never reach the public; the EXIF orientation is applied to the
pixels first so the picture still stands the right way up.

Renditions are resized copies in a few widths (never wider than the original), in
WebP plus a fallback in the original's family (JPEG, or PNG where there is
transparency). They are made once, when the article is saved with a new image,
stored through the storage API under names derived from the original's, and
described in `Article.lead_image_renditions`, so pages build `srcset` from the
row they already have: no extra query and no storage call per card.
"""

import http.client
import io
import ipaddress
import logging
import mimetypes
import posixpath
import socket
import urllib.request
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps, UnidentifiedImageError

from articles.conflicts import EditConflict

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
RENDITIONS_DIR = "renditions"

# Encoder settings: good-looking photographs at a sensible weight.
JPEG_OPTIONS = {"quality": 85, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}


def max_bytes() -> int:
    return settings.LEAD_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.LEAD_IMAGE_MAX_PIXELS


def rendition_widths() -> list[int]:
    return sorted(settings.LEAD_IMAGE_WIDTHS)


# Upload checks ---------------------------------------------------------------


def decode(file) -> Image.Image:
    """Decode an uploaded file and return the loaded image, or raise ValidationError.

    Each refusal has its own message and code, so the form can say what was wrong.
    """
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(
            "This file is %(size)s MB; the limit is %(limit)s MB.",
            code="too_large",
            params={"size": f"{size / 1_000_000:.1f}", "limit": f"{max_bytes() / 1_000_000:g}"},
        )
    file.seek(0)
    data = file.read(max_bytes() + 1)
    file.seek(0)
    if len(data) > max_bytes():
        raise ValidationError(
            "This file is larger than the limit of %(limit)s MB.",
            code="too_large",
            params={"limit": f"{max_bytes() / 1_000_000:g}"},
        )
    if looks_like_svg(data):
        raise ValidationError(
            "SVG images are not accepted (they can carry scripts). "
            "Upload a JPEG, PNG, WebP or GIF.",
            code="svg",
        )
    with warnings.catch_warnings():
        # Pillow warns, rather than fails, between its limit and twice it.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            check_format_and_pixels(image)
            image.verify()  # structure and checksums; leaves the image unusable
            image = Image.open(io.BytesIO(data))
            image.load()  # decode every pixel: truncated or corrupt files fail here
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
                code="invalid",
            ) from error
    return image


def check_format_and_pixels(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF.",
            code="format",
            params={"format": image.format or "This kind of"},
        )
    width, height = image.size
    if width * height > max_pixels():
        raise too_many_pixels(width, height)


def too_many_pixels(width=None, height=None) -> ValidationError:
    limit = f"{max_pixels() / 1_000_000:g}"
    if width is None:
        return ValidationError(
            "This image has too many pixels (the limit is %(limit)s megapixels).",
            code="pixels",
            params={"limit": limit},
        )
    return ValidationError(
        "This image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels.",
        code="pixels",
        params={"width": width, "height": height, "limit": limit},
    )


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def validate_lead_image(file) -> None:
    """Model-field validator: new uploads must decode (stored files were checked already)."""
    if not getattr(file, "_committed", True):
        decode(file)


class LeadImageFormField(forms.ImageField):
    """An image field that says why a file was refused, and knows only our formats."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        image = decode(file)
        file.image = image
        file.content_type = MIME_TYPES[image.format]
        return file


class LeadImageField(models.ImageField):
    """The lead image's model field: our validator and our form field by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_lead_image])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("validators") == [validate_lead_image]:
            del kwargs["validators"]  # the default: keep it out of migrations
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LeadImageFormField, **kwargs})


# The stored copy ------------------------------------------------------------


def encode(image: Image.Image, format: str) -> bytes:
    """Encode pixels only: no EXIF, XMP or text chunks are passed to the encoder."""
    out = io.BytesIO()
    options = {"JPEG": JPEG_OPTIONS, "WEBP": WEBP_OPTIONS}.get(format, {})
    icc = image.info.get("icc_profile")
    if icc and format != "GIF":
        options = {**options, "icc_profile": icc}  # colour, not private; keeps photos true
    clean = image.copy()
    clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
    clean.save(out, format=format, **options)
    return out.getvalue()


def upright(image: Image.Image) -> Image.Image:
    """The first frame, turned as its EXIF orientation says, in a mode every encoder takes."""
    image.seek(0)
    turned = ImageOps.exif_transpose(image)
    if image.format == "GIF":
        return turned
    if has_alpha(turned):
        return turned.convert("RGBA")
    return turned.convert("RGB")


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def clean_copy(file) -> tuple[ContentFile, str]:
    """Decode `file` and return a re-encoded copy without metadata, and its format."""
    image = decode(file)
    format = image.format
    pixels = upright(image)
    # A colour profile describes the original's channels: keep it only when the
    # pixels keep them (a CMYK or greyscale profile would misdescribe RGB).
    keep_icc = image.mode in ("RGB", "RGBA") or format == "GIF"
    pixels.info["icc_profile"] = image.info.get("icc_profile") if keep_icc else None
    stem = posixpath.splitext(posixpath.basename(file.name or "image"))[0]
    name = get_valid_filename(f"{stem[:80] or 'image'}.{ACCEPTED_FORMATS[format]}")
    return ContentFile(encode(pixels, format), name=name), format


# Renditions -------------------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    name: str
    size: int  # bytes, for feed enclosures


def fallback_format(format: str, image: Image.Image) -> str:
    if format == "JPEG" or (format == "WEBP" and not has_alpha(image)):
        return "JPEG"
    return "PNG"


def rendition_name(source: str, width: int, format: str) -> str:
    """Derived from the original's name, so a second run finds what the first made."""
    stem = posixpath.splitext(source)[0]
    return f"{RENDITIONS_DIR}/{stem}-{width}w.{ACCEPTED_FORMATS[format]}"


def target_widths(original_width: int) -> list[int]:
    """The configured widths up to the original's; the original's own when it is narrower."""
    widths = [w for w in rendition_widths() if w <= original_width]
    if original_width < rendition_widths()[-1] and original_width not in widths:
        widths.append(original_width)
    return widths


def make_renditions(storage: Storage, source: str) -> dict:
    """Create (or find) the renditions of a stored original; return their description."""
    with storage.open(source, "rb") as fp:
        image = Image.open(fp)
        image.load()
    format = image.format
    pixels = upright(image)
    if pixels.mode == "P":  # GIF: resample in full colour, not palette indices
        pixels = pixels.convert("RGBA" if has_alpha(pixels) else "RGB")
    width, height = pixels.size
    fallback = fallback_format(format, pixels)
    meta = {
        "source": source,
        "width": width,
        "height": height,
        "fallback_type": MIME_TYPES[fallback],
        "webp": [],
        "fallback": [],
    }
    for target in target_widths(width):
        target_height = max(1, round(height * target / width))
        for key, out_format in (("webp", "WEBP"), ("fallback", fallback)):
            rendition = store_rendition(
                storage, source, pixels, (target, target_height), out_format
            )
            meta[key].append([rendition.width, rendition.height, rendition.name, rendition.size])
    return meta


def store_rendition(storage, source, pixels, size, out_format) -> Rendition:
    name = rendition_name(source, size[0], out_format)
    if storage.exists(name):  # made before: reuse, never encode twice
        return Rendition(*size, name, storage.size(name))
    resized = pixels if pixels.size == size else pixels.resize(size, Image.Resampling.LANCZOS)
    if out_format == "JPEG" and resized.mode != "RGB":
        resized = resized.convert("RGB")
    data = encode(resized, out_format)
    saved = storage.save(name, ContentFile(data))
    return Rendition(*size, saved, len(data))


def prepare_lead_image(article) -> None:
    """Store a new upload's clean copy and its renditions; forget them when removed.

    Called from `articles.content.prepare()`, so every save path agrees. Does
    nothing when the image has not changed since its renditions were made.
    """
    field = article.lead_image
    if not field:
        article.lead_image_renditions = {}
        return
    if not field._committed:
        content, _ = clean_copy(field.file)
        field.save(content.name, content, save=False)
    if article.lead_image_renditions.get("source") != field.name:
        try:
            article.lead_image_renditions = make_renditions(field.storage, field.name)
        except (OSError, Image.DecompressionBombError, UnidentifiedImageError):
            # A missing or unreadable stored file must not block saving the
            # article: it shows no picture until an editor uploads one again.
            logger.warning("No renditions for %s", field.name, exc_info=True)
            article.lead_image_renditions = {}


# Reading the description (no query, no storage call beyond url()) ---------------


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
    url = article.lead_image.storage.url

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


# Fetching an external image (operators' --fetch-images only) ----------------------

FETCH_TIMEOUT = 10  # seconds, for connecting and for each read


class FetchError(Exception):
    """An external image could not be fetched, or was refused."""


def fetch_image(url: str, *, timeout: float = FETCH_TIMEOUT, allow_private=False) -> ContentFile:
    """Download `url` under the upload rules (size, pixels, formats) and return it.

    Nothing calls this unless an operator asks for it. Only http(s), with a
    timeout; addresses on this machine or its private network are refused by
    default (an import file must not make the server probe its own network),
    redirects included. The result is then cleaned like any upload when saved.
    """
    check_fetchable(url, allow_private)
    opener = urllib.request.build_opener(SafeRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom image import"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes():
                raise FetchError(f"{url}: {length} bytes is over the limit")
            data = response.read(max_bytes() + 1)
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FetchError(f"{url}: {error}") from error
    name = posixpath.basename(urlsplit(url).path) or "image"
    file = ContentFile(data, name=name)
    try:
        decode(file)
    except ValidationError as error:
        raise FetchError(f"{url}: {' '.join(error.messages)}") from error
    return file


def check_fetchable(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https addresses are fetched")
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError as error:
        raise FetchError(f"{url}: {error}") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(f"{url}: {address} is not a public address")


class SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are checked like the first address."""

    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_fetchable(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class FetchResult:
    fetched: int = 0
    failed: list[str] = field(default_factory=list)  # one line per failure


def fetch_missing(articles, *, timeout=FETCH_TIMEOUT, allow_private=False) -> FetchResult:
    """Download recorded lead_image_urls of `articles` that have no stored image yet.

    Each image is checked like an upload, then stored cleaned with its renditions
    by the article's own save path (conditional on the version read: an article
    saved at the desk meanwhile is left for the next run) and recorded as a
    revision. Articles already holding a file are left alone, so running this
    again only retries what failed.
    """
    from articles import history  # history needs the models, which need this module

    result = FetchResult()
    pending = articles.exclude(lead_image_url="").filter(lead_image="").order_by("pk")
    for article in pending.iterator(chunk_size=100):
        try:
            file = fetch_image(article.lead_image_url, timeout=timeout, allow_private=allow_private)
        except FetchError as error:
            result.failed.append(f"{article.slug}: {error}")
            continue
        article.lead_image = file
        try:
            article.save(update_fields=["lead_image", "lead_image_renditions", "updated_at"])
        except EditConflict:
            result.failed.append(f"{article.slug}: changed at the desk meanwhile; run again")
            continue
        history.record(article, source="fetch_lead_images", comment="Lead image downloaded")
        result.fetched += 1
    return result
