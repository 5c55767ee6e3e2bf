"""Uploads: what a lead image must be, and the clean copy we store.

An upload is trusted only after Pillow has decoded it: the file's name and the
browser's content type are ignored. Only JPEG, PNG, WebP and GIF pass (never SVG,
which can carry script). Limits on bytes and on pixels stop decompression bombs
before the pixels are decoded.

What is stored is a re-encoded copy, so EXIF (camera serial numbers, GPS
positions) and XMP never reach the public; the EXIF orientation is applied to the
pixels first so the picture still stands the right way up.
"""

import io
import posixpath
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

# Encoder settings: good-looking photographs at a sensible weight.
JPEG_OPTIONS = {"quality": 85, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}


def max_bytes() -> int:
    return settings.LEAD_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.LEAD_IMAGE_MAX_PIXELS


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
