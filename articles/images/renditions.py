"""Renditions: resized copies of a stored lead image, made once, read from the row.

Renditions come in a few widths (never wider than the original), in WebP plus a
fallback in the original's family (JPEG, or PNG where there is transparency).
They are made once, when the article is saved with a new image, stored through
the storage API under names derived from the original's, and described in
`Article.lead_image_renditions`, so pages build `srcset` from the row they
already have (see `display`): no extra query and no storage call per card.
"""

import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, UnidentifiedImageError

from articles.images.uploads import ACCEPTED_FORMATS, MIME_TYPES, encode, has_alpha, upright

logger = logging.getLogger(__name__)

RENDITIONS_DIR = "renditions"


def rendition_widths() -> list[int]:
    return sorted(settings.LEAD_IMAGE_WIDTHS)


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


def renditions_for(storage: Storage, source: str) -> dict:
    """`make_renditions()`, or no renditions when the stored file cannot be read.

    A missing or unreadable stored file must not block saving the article: it
    shows no picture until an editor uploads one again.
    """
    try:
        return make_renditions(storage, source)
    except (OSError, Image.DecompressionBombError, UnidentifiedImageError):
        logger.warning("No renditions for %s", source, exc_info=True)
        return {}


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
